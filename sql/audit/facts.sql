-- The audit's facts kept in the store (src/audit/audit_facts.c; the table
-- and triggers that say whether they are current: migration 0007). The
-- stored tables themselves are declared from the engine's columns, in C.

-- name: current
-- 1 when the facts stored were decided by engine ?1 and nothing the audit
-- reads changed since.
SELECT engine IS ?1 AND dirty = 0 FROM main.audit_facts_state

-- name: stored
UPDATE main.audit_facts_state SET engine = ?1, dirty = 0

-- name: stored_sources
-- The reports read the stored facts.
DROP VIEW IF EXISTS temp.audit_container_source;
CREATE TEMP VIEW audit_container_source AS SELECT * FROM main.audit_container_facts;
DROP VIEW IF EXISTS temp.audit_thread_source;
CREATE TEMP VIEW audit_thread_source AS SELECT * FROM main.audit_thread_facts;
DROP VIEW IF EXISTS temp.audit_response_source;
CREATE TEMP VIEW audit_response_source AS SELECT * FROM main.audit_response_facts;

-- name: engine_sources
-- The reports read the engine's tables, the audit just run in memory.
DROP VIEW IF EXISTS temp.audit_container_source;
CREATE TEMP VIEW audit_container_source AS SELECT * FROM audit_container_engine;
DROP VIEW IF EXISTS temp.audit_thread_source;
CREATE TEMP VIEW audit_thread_source AS SELECT * FROM audit_thread_engine;
DROP VIEW IF EXISTS temp.audit_response_source;
CREATE TEMP VIEW audit_response_source AS SELECT * FROM audit_response_engine;
