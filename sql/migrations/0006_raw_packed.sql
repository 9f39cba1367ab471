-- Every raw column becomes a BLOB of the object's bytes packed by
-- src/store/raw_codec.c (zstd against a built-in dictionary of the API's
-- shapes; raw_text gives the bytes back exactly): the database was 1.5x the
-- JSON Lines it was imported from, mostly raw text. Each table is rebuilt
-- with its columns in the same order, its raw packed by raw_pack.

CREATE TABLE containers_0006 (
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
) STRICT;
INSERT INTO containers_0006
SELECT id, project_id, name, memory_limit, status, created_at, last_active_at, expires_after_minutes,
       raw_pack(raw), request_id FROM containers;
DROP TABLE containers;
ALTER TABLE containers_0006 RENAME TO containers;

CREATE TABLE responses_0006 (
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
) STRICT;
INSERT INTO responses_0006
SELECT id, project_id, status, created_at, completed_at, previous_response_id, conversation_id,
       requests_container_auto, raw_pack(raw), request_id FROM responses;
DROP TABLE responses;
ALTER TABLE responses_0006 RENAME TO responses;

CREATE TABLE items_0006 (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  parent_id  TEXT,            -- the conv_ or resp_ the page belonged to, when known
  raw        BLOB NOT NULL,
  request_id TEXT
) STRICT;
INSERT INTO items_0006 SELECT id, type, parent_id, raw_pack(raw), request_id FROM items;
DROP TABLE items;
ALTER TABLE items_0006 RENAME TO items;

CREATE TABLE conversations_0006 (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  created_at INTEGER,
  raw        BLOB NOT NULL
) STRICT;
INSERT INTO conversations_0006 SELECT id, project_id, created_at, raw_pack(raw) FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_0006 RENAME TO conversations;

-- Usage API buckets; project_id is '' when the page was not grouped by project.
CREATE TABLE usage_sessions_0006 (
  bucket_start INTEGER NOT NULL,
  bucket_end   INTEGER,
  project_id   TEXT NOT NULL,
  num_sessions INTEGER NOT NULL,
  raw          BLOB NOT NULL,
  PRIMARY KEY (bucket_start, project_id)
) STRICT;
INSERT INTO usage_sessions_0006
SELECT bucket_start, bucket_end, project_id, num_sessions, raw_pack(raw) FROM usage_sessions;
DROP TABLE usage_sessions;
ALTER TABLE usage_sessions_0006 RENAME TO usage_sessions;

-- Costs API results; line_item and api_key_id are '' when not grouped by them.
CREATE TABLE costs_0006 (
  bucket_start  INTEGER NOT NULL,
  bucket_end    INTEGER,
  project_id    TEXT NOT NULL,
  line_item     TEXT NOT NULL,
  api_key_id    TEXT NOT NULL,
  amount_micros INTEGER,           -- NULL when the result carried no amount
  currency      TEXT,
  quantity      REAL,
  quantity_unit TEXT,
  raw           BLOB NOT NULL,
  PRIMARY KEY (bucket_start, project_id, line_item, api_key_id)
) STRICT;
INSERT INTO costs_0006
SELECT bucket_start, bucket_end, project_id, line_item, api_key_id, amount_micros, currency, quantity,
       quantity_unit, raw_pack(raw) FROM costs;
DROP TABLE costs;
ALTER TABLE costs_0006 RENAME TO costs;

CREATE TABLE container_files_0006 (
  id           TEXT PRIMARY KEY,
  container_id TEXT NOT NULL,
  raw          BLOB NOT NULL,
  created_at   INTEGER,
  bytes        INTEGER,
  path         TEXT,
  source       TEXT,
  request_id   TEXT
) STRICT;
INSERT INTO container_files_0006
SELECT id, container_id, raw_pack(raw), created_at, bytes, path, source, request_id FROM container_files;
DROP TABLE container_files;
ALTER TABLE container_files_0006 RENAME TO container_files;

CREATE TABLE deletions_0006 (
  id         TEXT PRIMARY KEY,
  object     TEXT NOT NULL,        -- container.deleted, conversation.deleted, ...
  raw        BLOB NOT NULL,
  request_id TEXT
) STRICT;
INSERT INTO deletions_0006 SELECT id, object, raw_pack(raw), request_id FROM deletions;
DROP TABLE deletions;
ALTER TABLE deletions_0006 RENAME TO deletions;

CREATE TABLE projects_0006 (
  id         TEXT PRIMARY KEY,
  name       TEXT,
  status     TEXT,
  created_at INTEGER,
  raw        BLOB NOT NULL,
  request_id TEXT
) STRICT;
INSERT INTO projects_0006 SELECT id, name, status, created_at, raw_pack(raw), request_id FROM projects;
DROP TABLE projects;
ALTER TABLE projects_0006 RENAME TO projects;

CREATE TABLE project_api_keys_0006 (
  id             TEXT PRIMARY KEY,
  project_id     TEXT,             -- the project whose listing holds it; NULL when imported without one
  redacted_value TEXT,
  name           TEXT,
  raw            BLOB NOT NULL,
  request_id     TEXT
) STRICT;
INSERT INTO project_api_keys_0006
SELECT id, project_id, redacted_value, name, raw_pack(raw), request_id FROM project_api_keys;
DROP TABLE project_api_keys;
ALTER TABLE project_api_keys_0006 RENAME TO project_api_keys;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 6;
