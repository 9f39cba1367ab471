-- 0002_collect: what collection needs beyond the API objects themselves.

-- Every collect and import: when, what, with which options (keys are never
-- in them: they come from the environment), what came of it.
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  command     TEXT NOT NULL,           -- e.g. 'collect containers', 'import'
  options     TEXT NOT NULL,           -- the command's arguments
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  status      TEXT NOT NULL,           -- running | ok | partial | failed | interrupted
  objects     INTEGER NOT NULL DEFAULT 0,
  changed     INTEGER NOT NULL DEFAULT 0,
  not_found   INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  requests    INTEGER NOT NULL DEFAULT 0,
  retries     INTEGER NOT NULL DEFAULT 0,
  errors      TEXT                     -- the first errors, one per line
) STRICT;

-- Where an interrupted paginated collect resumes: the last ID of the last
-- committed page, written in the same transaction as that page.
CREATE TABLE collect_cursors (
  resource TEXT PRIMARY KEY,           -- 'containers'
  after_id TEXT NOT NULL
) STRICT;

-- IDs the API answered 404 for: recorded, not fatal.
CREATE TABLE not_found (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,            -- response | conversation
  checked_at INTEGER NOT NULL
) STRICT;

-- Container file objects (GET /containers/{id}/files; collect --with-files).
CREATE TABLE container_files (
  id           TEXT PRIMARY KEY,
  container_id TEXT NOT NULL,
  raw          TEXT NOT NULL
) STRICT;

-- The x-request-id of the response each object was last stored from.
ALTER TABLE containers ADD COLUMN request_id TEXT;
ALTER TABLE responses ADD COLUMN request_id TEXT;
ALTER TABLE items ADD COLUMN request_id TEXT;

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 2;
