-- The audit's facts kept in the store (src/audit/audit_facts.c; the table
-- and triggers that say whether they are current: migration 0007). The
-- stored tables themselves are declared from the engine's columns, in C.

-- name: current
-- 1 when the facts stored were decided by engine ?1 and nothing the audit
-- reads changed since; 1 when engine ?1 stored them (current or not).
SELECT engine IS ?1 AND dirty = 0, engine IS ?1 FROM main.audit_facts_state

-- name: groups
-- After the copies, before src/audit/audit_groups.c inserts the groups of
-- the containers and the responses per bucket of creation time: the old
-- groups gone, and the containers still running at some time indexed
-- (accruing_until is INT64_MIN for the others), which a report finds
-- without a scan (a copy written whole has lost the index).
DELETE FROM main.audit_container_groups;
DELETE FROM main.audit_response_groups;
CREATE INDEX IF NOT EXISTS main.audit_container_facts_running ON audit_container_facts(accruing_until)
  WHERE accruing_until > -9223372036854775808;

-- name: container_group
INSERT INTO main.audit_container_groups
  (bucket, bucket_last, project_id, classification, pricing_rule, tier, unpriced, price_version, containers,
   estimated_cost_usd, billable_units, unit_price_micros, first_created, last_created)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)

-- name: response_group
INSERT INTO main.audit_response_groups (bucket, bucket_last, requests_container_auto, ran_code, responses)
VALUES (?1, ?2, ?3, ?4, ?5)

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
DROP VIEW IF EXISTS temp.audit_call_source;
CREATE TEMP VIEW audit_call_source AS SELECT * FROM main.audit_call_facts;
-- The buckets of the groups, whole when inside the window and one local
-- day; the containers of the others that the window holds.
DROP VIEW IF EXISTS temp.audit_bucket;
CREATE TEMP VIEW audit_bucket AS
  SELECT bucket, bucket_last, span_whole(bucket, bucket_last) AS whole
  FROM (SELECT DISTINCT bucket, bucket_last FROM main.audit_container_groups);
DROP VIEW IF EXISTS temp.audit_rest_window;
CREATE TEMP VIEW audit_rest_window AS
  SELECT w.* FROM audit_bucket b JOIN audit_window w ON w.created_at BETWEEN b.bucket AND b.bucket_last
  WHERE NOT b.whole AND active_in_window(b.bucket, b.bucket_last);
DROP VIEW IF EXISTS temp.audit_response_bucket;
CREATE TEMP VIEW audit_response_bucket AS
  SELECT bucket, bucket_last, span_whole(bucket, bucket_last) AS whole
  FROM (SELECT DISTINCT bucket, bucket_last FROM main.audit_response_groups);
DROP VIEW IF EXISTS temp.audit_response_rest_window;
CREATE TEMP VIEW audit_response_rest_window AS
  SELECT w.* FROM audit_response_bucket b
  JOIN audit_response_window w ON w.created_at BETWEEN b.bucket AND b.bucket_last
  WHERE NOT b.whole AND active_in_window(b.bucket, b.bucket_last);

-- name: engine_sources
-- The reports read the engine's tables, the audit just run in memory.
DROP VIEW IF EXISTS temp.audit_container_source;
CREATE TEMP VIEW audit_container_source AS SELECT * FROM audit_container_engine;
DROP VIEW IF EXISTS temp.audit_thread_source;
CREATE TEMP VIEW audit_thread_source AS SELECT * FROM audit_thread_engine;
DROP VIEW IF EXISTS temp.audit_response_source;
CREATE TEMP VIEW audit_response_source AS SELECT * FROM audit_response_engine;
DROP VIEW IF EXISTS temp.audit_call_source;
CREATE TEMP VIEW audit_call_source AS SELECT * FROM audit_call_engine;
-- No groups: every container of the window is its own.
DROP VIEW IF EXISTS temp.audit_bucket;
CREATE TEMP VIEW audit_bucket AS SELECT 0 AS bucket, 0 AS bucket_last, 0 AS whole WHERE 0;
DROP VIEW IF EXISTS temp.audit_rest_window;
CREATE TEMP VIEW audit_rest_window AS SELECT * FROM audit_window;
DROP VIEW IF EXISTS temp.audit_response_bucket;
CREATE TEMP VIEW audit_response_bucket AS SELECT 0 AS bucket, 0 AS bucket_last, 0 AS whole WHERE 0;
DROP VIEW IF EXISTS temp.audit_response_rest_window;
CREATE TEMP VIEW audit_response_rest_window AS SELECT * FROM audit_response_window;
