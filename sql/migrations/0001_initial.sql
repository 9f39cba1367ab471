-- 0001_initial: the store of API objects, and the built-in price table.
--
-- Every API object keeps its JSON ("raw": its bytes as received) beside the
-- columns the audit queries. Rows are keyed by API ID, so importing or
-- collecting the same object twice changes nothing. Times are Unix seconds.
-- project_id is the label given with --project when the object was stored.

CREATE TABLE containers (
  id                    TEXT PRIMARY KEY,
  project_id            TEXT NOT NULL,
  name                  TEXT NOT NULL,
  memory_limit          TEXT,              -- NULL when the API omitted it (means 1g)
  status                TEXT NOT NULL,     -- a free string: running, expired, deleted, ...
  created_at            INTEGER NOT NULL,
  last_active_at        INTEGER,
  expires_after_minutes INTEGER,           -- NULL when absent (means 20)
  raw                   TEXT NOT NULL
) STRICT;
CREATE INDEX containers_by_created ON containers(created_at);

CREATE TABLE responses (
  id                   TEXT PRIMARY KEY,
  project_id           TEXT NOT NULL,
  status               TEXT,
  created_at           INTEGER NOT NULL,
  completed_at         INTEGER,
  previous_response_id TEXT,
  conversation_id      TEXT,
  requests_ci_auto     INTEGER NOT NULL,   -- 1 when tools hold code_interpreter with container {"type":"auto"}
  raw                  TEXT NOT NULL
) STRICT;
CREATE INDEX responses_by_created ON responses(project_id, created_at);
CREATE INDEX responses_by_previous ON responses(previous_response_id);
CREATE INDEX responses_by_conversation ON responses(conversation_id);

-- A response naming a container in its tools ('named') or citing a file in
-- it with a container_file_citation annotation ('cited').
CREATE TABLE container_references (
  response_id  TEXT NOT NULL,
  container_id TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('named', 'cited')),
  PRIMARY KEY (container_id, response_id, kind)
) STRICT, WITHOUT ROWID;

-- code_interpreter_call items, from any source, deduplicated by their ci_ id.
CREATE TABLE ci_calls (
  id                  TEXT PRIMARY KEY,
  container_id        TEXT NOT NULL,
  status              TEXT,
  response_id         TEXT,   -- the response whose output holds the call
  conversation_id     TEXT,   -- the conversation whose items hold it
  context_response_id TEXT    -- a response whose input items replayed it
) STRICT;
CREATE INDEX ci_calls_by_container ON ci_calls(container_id);
CREATE INDEX ci_calls_by_response ON ci_calls(response_id);

-- Items from conversation-item and response-input-item pages, kept raw.
CREATE TABLE items (
  id        TEXT PRIMARY KEY,
  type      TEXT NOT NULL,
  parent_id TEXT,            -- the conv_ or resp_ the page belonged to, when known
  raw       TEXT NOT NULL
) STRICT;

CREATE TABLE conversations (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  created_at INTEGER,
  raw        TEXT NOT NULL
) STRICT;

-- Usage API buckets; project_id is '' when the page was not grouped by project.
CREATE TABLE usage_sessions (
  bucket_start INTEGER NOT NULL,
  bucket_end   INTEGER,
  project_id   TEXT NOT NULL,
  num_sessions INTEGER NOT NULL,
  raw          TEXT NOT NULL,
  PRIMARY KEY (bucket_start, project_id)
) STRICT;

-- Costs API results; line_item and api_key_id are '' when not grouped by them.
CREATE TABLE costs (
  bucket_start  INTEGER NOT NULL,
  bucket_end    INTEGER,
  project_id    TEXT NOT NULL,
  line_item     TEXT NOT NULL,
  api_key_id    TEXT NOT NULL,
  amount_micros INTEGER NOT NULL,
  currency      TEXT,
  quantity      REAL,
  quantity_unit TEXT,
  raw           TEXT NOT NULL,
  PRIMARY KEY (bucket_start, project_id, line_item, api_key_id)
) STRICT;

-- The effective-dated price table: the price of one billable unit of a
-- memory tier, from effective_from to effective_until (UTC dates, inclusive;
-- NULL until = open). rule decides the billable units (see src/pricing.h).
CREATE TABLE prices (
  memory_limit      TEXT NOT NULL,
  effective_from    TEXT NOT NULL,
  effective_until   TEXT,
  rule              TEXT NOT NULL CHECK (rule IN ('per_container', 'per_session_20m', 'per_minute_min5')),
  unit_price_micros INTEGER NOT NULL CHECK (unit_price_micros >= 0),
  version           TEXT NOT NULL,
  PRIMARY KEY (memory_limit, effective_from)
) STRICT;

-- Sources: OpenAI pricing page ("$0.03 / container", memory tiers 1/4/16/64 GB
-- at 0.03/0.12/0.48/1.92), "Starting March 31st" column (per 20-minute
-- session), changelog 2026-06-02 (per minute, 5-minute minimum, same
-- underlying rate: the 20-minute price / 20).
INSERT INTO prices VALUES
  ('1g',  '1970-01-01', '2026-03-30', 'per_container',   30000,   'openai-2026-06-02'),
  ('4g',  '1970-01-01', '2026-03-30', 'per_container',   120000,  'openai-2026-06-02'),
  ('16g', '1970-01-01', '2026-03-30', 'per_container',   480000,  'openai-2026-06-02'),
  ('64g', '1970-01-01', '2026-03-30', 'per_container',   1920000, 'openai-2026-06-02'),
  ('1g',  '2026-03-31', '2026-06-01', 'per_session_20m', 30000,   'openai-2026-06-02'),
  ('4g',  '2026-03-31', '2026-06-01', 'per_session_20m', 120000,  'openai-2026-06-02'),
  ('16g', '2026-03-31', '2026-06-01', 'per_session_20m', 480000,  'openai-2026-06-02'),
  ('64g', '2026-03-31', '2026-06-01', 'per_session_20m', 1920000, 'openai-2026-06-02'),
  ('1g',  '2026-06-02', NULL,         'per_minute_min5', 1500,    'openai-2026-06-02'),
  ('4g',  '2026-06-02', NULL,         'per_minute_min5', 6000,    'openai-2026-06-02'),
  ('16g', '2026-06-02', NULL,         'per_minute_min5', 24000,   'openai-2026-06-02'),
  ('64g', '2026-06-02', NULL,         'per_minute_min5', 96000,   'openai-2026-06-02');

-- The schema this migration brings (src/store/store.c checks it).
PRAGMA user_version = 1;
