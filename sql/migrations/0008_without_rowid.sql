-- 0008_without_rowid: the tables of API objects keyed by their ID alone.
-- With a rowid, each kept its ID twice, in the row and in the index behind
-- its PRIMARY KEY: 0.2 GB of a 1.44 GB database at 1,000,000 containers and
-- 1,000,000 responses, against 1.18 GB of JSON Lines. Same columns, same
-- order; the audit's staleness triggers (0007) go with the old tables and
-- are made again on the new. The index of calls by kind is not: keyed by
-- ID, it would hold every call's ID again (58 MB at 1,000,000), and the
-- summary reads the calls counted by kind from the audit's facts.

CREATE TABLE containers_0008 (
  id                    TEXT PRIMARY KEY,
  project_id            TEXT NOT NULL,
  name                  TEXT NOT NULL,
  memory_limit          TEXT,              -- NULL when the API omitted it (means 1g)
  status                TEXT NOT NULL,     -- a free string: running, expired, deleted, ...
  created_at            INTEGER NOT NULL,
  last_active_at        INTEGER,
  expires_after_minutes INTEGER,           -- NULL when absent (means 20)
  raw                   BLOB NOT NULL,
  request_id            TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO containers_0008 SELECT * FROM containers;
DROP TABLE containers;
ALTER TABLE containers_0008 RENAME TO containers;

CREATE TABLE responses_0008 (
  id                      TEXT PRIMARY KEY,
  project_id              TEXT NOT NULL,
  status                  TEXT,
  created_at              INTEGER NOT NULL,
  completed_at            INTEGER,
  previous_response_id    TEXT,
  conversation_id         TEXT,
  requests_container_auto INTEGER NOT NULL,   -- RESPONSE_AUTO_* bits: tools asked for an automatic container
  raw                     BLOB NOT NULL,
  request_id              TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO responses_0008 SELECT * FROM responses;
DROP TABLE responses;
ALTER TABLE responses_0008 RENAME TO responses;

CREATE TABLE container_calls_0008 (
  id                  TEXT PRIMARY KEY,
  container_id        TEXT NOT NULL,
  status              TEXT,
  response_id         TEXT,   -- the response whose output holds the call
  conversation_id     TEXT,   -- the conversation whose items hold it
  context_response_id TEXT,   -- a response whose input items replayed it
  kind                TEXT NOT NULL DEFAULT 'code_interpreter_call'
    CHECK (kind IN ('code_interpreter_call', 'shell_call'))
) STRICT, WITHOUT ROWID;
INSERT INTO container_calls_0008 SELECT * FROM container_calls;
DROP TABLE container_calls;
ALTER TABLE container_calls_0008 RENAME TO container_calls;

CREATE TABLE items_0008 (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  parent_id  TEXT,            -- the conv_ or resp_ the page belonged to, when known
  raw        BLOB NOT NULL,
  request_id TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO items_0008 SELECT * FROM items;
DROP TABLE items;
ALTER TABLE items_0008 RENAME TO items;

CREATE TABLE container_files_0008 (
  id           TEXT PRIMARY KEY,
  container_id TEXT NOT NULL,
  raw          BLOB NOT NULL,
  created_at   INTEGER,
  bytes        INTEGER,
  path         TEXT,
  source       TEXT,
  request_id   TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO container_files_0008 SELECT * FROM container_files;
DROP TABLE container_files;
ALTER TABLE container_files_0008 RENAME TO container_files;

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

PRAGMA user_version = 8;
