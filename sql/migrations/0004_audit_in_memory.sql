-- 0004_audit_in_memory: the audit (src/audit*.c) now reads each table in
-- one sequential scan and joins in memory. These indexes served the SQL
-- audit it replaced; nothing else reads them, and each cost every import
-- and collect a B-tree insert per row.
DROP INDEX IF EXISTS containers_by_created;
DROP INDEX IF EXISTS responses_by_created;
DROP INDEX IF EXISTS responses_by_previous;
DROP INDEX IF EXISTS responses_by_conversation;
DROP INDEX IF EXISTS ci_calls_by_container;
DROP INDEX IF EXISTS ci_calls_by_response;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 4;
