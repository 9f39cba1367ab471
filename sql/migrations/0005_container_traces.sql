-- 0005_container_traces: every trace a container leaves, as the official
-- definition of the API has them (openai/openai-openapi): Hosted Shell
-- calls beside code interpreter calls, citations from conversation and
-- input items, delete markers, costs results without an amount, container
-- file lists, and which OpenAI project a --project label stands for.

-- Container calls of both kinds: code_interpreter_call (its container_id)
-- and shell_call whose environment is a container_reference.
ALTER TABLE ci_calls RENAME TO container_calls;
ALTER TABLE container_calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'code_interpreter_call'
  CHECK (kind IN ('code_interpreter_call', 'shell_call'));

-- Which tools asked for an automatic container, as bits: 1 code_interpreter
-- with container {"type": "auto"}, 2 shell with environment
-- {"type": "container_auto"}. 0: neither.
ALTER TABLE responses RENAME COLUMN requests_ci_auto TO requests_container_auto;

-- A reference is made by a response (its tools name the container, or its
-- output or input items cite a file in it), by a conversation (its items
-- cite a file), or by an item page whose parent is unknown (the message's ID).
ALTER TABLE container_references RENAME COLUMN response_id TO referrer_id;
ALTER TABLE container_references ADD COLUMN referrer_kind TEXT NOT NULL DEFAULT 'response'
  CHECK (referrer_kind IN ('response', 'conversation', 'item'));

-- The official CostsResult requires only "object": amount may be absent
-- (NULL: unknown, never 0). SQLite cannot drop NOT NULL in place.
CREATE TABLE costs_0005 (
  bucket_start  INTEGER NOT NULL,
  bucket_end    INTEGER,
  project_id    TEXT NOT NULL,
  line_item     TEXT NOT NULL,
  api_key_id    TEXT NOT NULL,
  amount_micros INTEGER,           -- NULL when the result carried no amount
  currency      TEXT,
  quantity      REAL,
  quantity_unit TEXT,
  raw           TEXT NOT NULL,
  PRIMARY KEY (bucket_start, project_id, line_item, api_key_id)
) STRICT;
INSERT INTO costs_0005 SELECT * FROM costs;
DROP TABLE costs;
ALTER TABLE costs_0005 RENAME TO costs;

-- Container file objects keep the fields the official schema requires.
ALTER TABLE container_files ADD COLUMN created_at INTEGER;
ALTER TABLE container_files ADD COLUMN bytes INTEGER;
ALTER TABLE container_files ADD COLUMN path TEXT;
ALTER TABLE container_files ADD COLUMN source TEXT;      -- user, assistant, ... (a free string)
ALTER TABLE container_files ADD COLUMN request_id TEXT;

-- Delete markers ({"object": "container.deleted", "deleted": true} and the
-- like), as received. A container with a marker is deleted, whichever of
-- the two was stored first.
CREATE TABLE deletions (
  id         TEXT PRIMARY KEY,
  object     TEXT NOT NULL,        -- container.deleted, conversation.deleted, ...
  raw        TEXT NOT NULL,
  request_id TEXT
) STRICT;

-- The organization's projects and their API keys, from the Admin API
-- (GET /organization/projects, GET /organization/projects/{id}/api_keys):
-- a key is listed only by its redacted value ("sk-abc...def").
CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT,
  status     TEXT,
  created_at INTEGER,
  raw        TEXT NOT NULL,
  request_id TEXT
) STRICT;
CREATE TABLE project_api_keys (
  id             TEXT PRIMARY KEY,
  project_id     TEXT,             -- the project whose listing holds it; NULL when imported without one
  redacted_value TEXT,
  name           TEXT,
  raw            TEXT NOT NULL,
  request_id     TEXT
) STRICT;

-- The OpenAI project a --project label stands for, learned from the Admin
-- API (the project whose API keys include the key that collected). A label
-- that starts with proj_ stands for itself.
CREATE TABLE label_projects (
  label      TEXT NOT NULL,
  project_id TEXT NOT NULL,
  learned_at INTEGER NOT NULL,
  PRIMARY KEY (label, project_id)
) STRICT;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 5;
