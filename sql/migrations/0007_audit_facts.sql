-- 0007_audit_facts: the audit's facts kept in the store. The writers
-- (import, collect, proxy, prices) store them after their changes
-- (src/audit/audit_facts.c): audit_container_facts, audit_thread_facts,
-- audit_response_facts, made from the engine's tables of the same columns.
-- A report reads them when they are current, else audits in memory.
--
-- audit_facts_state says whether they are: current when engine is the
-- audit engine of the cntraudit reading them and dirty is 0. Any change to
-- what the audit reads sets dirty, whoever makes it: cntraudit's writers
-- when they commit it (src/store/store.c, whose connections do not run
-- triggers: one per stored row cost an import of containers half its time
-- again), any other writer through the triggers below.
CREATE TABLE audit_facts_state (
  only   INTEGER PRIMARY KEY CHECK (only = 1),
  engine TEXT,                -- the engine that stored the facts; NULL: none stored
  dirty  INTEGER NOT NULL     -- 1: the audit's inputs changed since
) STRICT;
INSERT INTO audit_facts_state VALUES (1, NULL, 1);

-- The container facts summed per 15-minute bucket of creation and per
-- everything the aggregate reports group or sum by (sql/audit/facts.sql
-- fills it beside the facts): a report over a window reads the buckets
-- inside it from here and only the containers of the buckets at its edges
-- (sql/audit/views.sql). Every time zone's days and months begin on a
-- quarter hour, so a bucket lies within one local day (checked per bucket).
CREATE TABLE audit_container_groups (
  bucket             INTEGER NOT NULL,  -- the bucket's first second (Unix time, a multiple of 900)
  bucket_last        INTEGER NOT NULL,  -- its last second
  project_id         TEXT NOT NULL,
  classification     TEXT NOT NULL,
  pricing_rule       TEXT NOT NULL,
  tier               TEXT NOT NULL,
  unpriced           INTEGER NOT NULL,
  price_version      TEXT,
  containers         INTEGER NOT NULL,
  estimated_cost_usd INTEGER,            -- micro-dollars; NULL when unpriced
  billable_units     INTEGER NOT NULL,
  unit_price_micros  INTEGER,            -- the largest
  first_created      INTEGER NOT NULL,
  last_created       INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_container_groups_bucket ON audit_container_groups(bucket);
-- The response facts counted the same way, per what the summary counts.
CREATE TABLE audit_response_groups (
  bucket                  INTEGER NOT NULL,
  bucket_last             INTEGER NOT NULL,
  requests_container_auto INTEGER NOT NULL,
  ran_code                INTEGER NOT NULL,
  responses               INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_response_groups_bucket ON audit_response_groups(bucket);
-- Calls counted by kind from an index, not a scan of the calls.
CREATE INDEX container_calls_kind ON container_calls(kind);

CREATE TRIGGER audit_dirty_containers_insert AFTER INSERT ON containers
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_containers_update AFTER UPDATE ON containers
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_containers_delete AFTER DELETE ON containers
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_responses_insert AFTER INSERT ON responses
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_responses_update AFTER UPDATE ON responses
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_responses_delete AFTER DELETE ON responses
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_calls_insert AFTER INSERT ON container_calls
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_calls_update AFTER UPDATE ON container_calls
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_calls_delete AFTER DELETE ON container_calls
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_references_insert AFTER INSERT ON container_references
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_references_update AFTER UPDATE ON container_references
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_references_delete AFTER DELETE ON container_references
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_prices_insert AFTER INSERT ON prices
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_prices_update AFTER UPDATE ON prices
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;
CREATE TRIGGER audit_dirty_prices_delete AFTER DELETE ON prices
  WHEN (SELECT dirty FROM audit_facts_state) = 0 BEGIN UPDATE audit_facts_state SET dirty = 1; END;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 7;
