-- The store's upserts, one part per kind of API object (src/store/upsert.c
-- binds them by name). Keyed by API ID: storing the same object twice
-- changes nothing, and a newer copy replaces an older one as each part says.
-- :raw is the object's bytes packed (src/store/raw_codec.h); raw_differs
-- compares what two packed copies hold.

-- name: container
-- A newer copy replaces an older one: a later last_active_at, or a later
-- status (anything live < expired < deleted). :markers: a container.deleted
-- marker is stored somewhere, so the one naming this container (whichever
-- came first) makes it deleted; the lookup runs only then.
INSERT INTO containers(id, project_id, name, memory_limit, status, created_at, last_active_at,
                       expires_after_minutes, raw, request_id)
VALUES (:id, :project_id, :name, :memory_limit,
        coalesce(CASE WHEN :markers THEN (SELECT 'deleted' FROM deletions
                                     WHERE id = :id AND object = 'container.deleted') END, :status),
        :created_at, :last_active_at, :expires_after_minutes, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  name = excluded.name, memory_limit = excluded.memory_limit, status = excluded.status,
  created_at = excluded.created_at, last_active_at = excluded.last_active_at,
  expires_after_minutes = excluded.expires_after_minutes, raw = excluded.raw,
  request_id = coalesce(excluded.request_id, containers.request_id)
WHERE raw_differs(containers.raw, excluded.raw)
  AND (coalesce(excluded.last_active_at, excluded.created_at),
       CASE excluded.status WHEN 'deleted' THEN 2 WHEN 'expired' THEN 1 ELSE 0 END)
   >= (coalesce(containers.last_active_at, containers.created_at),
       CASE containers.status WHEN 'deleted' THEN 2 WHEN 'expired' THEN 1 ELSE 0 END)

-- name: response
-- A response replaces its stored copy when it completed later, or the
-- stored one was unfinished.
INSERT INTO responses(id, project_id, status, created_at, completed_at, previous_response_id,
                      conversation_id, requests_container_auto, raw, request_id)
VALUES (:id, :project_id, :status, :created_at, :completed_at, :previous_response_id, :conversation_id, :requests_container_auto, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  status = excluded.status, created_at = excluded.created_at, completed_at = excluded.completed_at,
  previous_response_id = excluded.previous_response_id, conversation_id = excluded.conversation_id,
  requests_container_auto = excluded.requests_container_auto, raw = excluded.raw,
  request_id = coalesce(excluded.request_id, responses.request_id)
WHERE raw_differs(responses.raw, excluded.raw)
  AND (coalesce(excluded.completed_at, 0) > coalesce(responses.completed_at, 0)
       OR coalesce(responses.status, '') IN ('in_progress', 'queued', ''))

-- name: reference
INSERT OR IGNORE INTO container_references(referrer_id, container_id, kind, referrer_kind)
VALUES (:referrer_id, :container_id, :kind, :referrer_kind)

-- name: container_call
-- What is known of a call only grows: its response, conversation or
-- replaying response once learned stays; a status may change.
INSERT INTO container_calls(id, container_id, status, response_id, conversation_id, context_response_id, kind)
VALUES (:id, :container_id, :status, :response_id, :conversation_id, :context_response_id, :kind)
ON CONFLICT(id) DO UPDATE SET
  response_id = coalesce(container_calls.response_id, excluded.response_id),
  conversation_id = coalesce(container_calls.conversation_id, excluded.conversation_id),
  context_response_id = coalesce(container_calls.context_response_id, excluded.context_response_id),
  status = coalesce(excluded.status, container_calls.status)
WHERE (container_calls.response_id IS NULL AND excluded.response_id IS NOT NULL)
   OR (container_calls.conversation_id IS NULL AND excluded.conversation_id IS NOT NULL)
   OR (container_calls.context_response_id IS NULL AND excluded.context_response_id IS NOT NULL)
   OR (excluded.status IS NOT NULL AND excluded.status IS NOT container_calls.status)

-- name: item
INSERT INTO items(id, type, parent_id, raw, request_id) VALUES (:id, :type, :parent_id, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  parent_id = coalesce(items.parent_id, excluded.parent_id), raw = excluded.raw,
  request_id = coalesce(excluded.request_id, items.request_id)
WHERE raw_differs(items.raw, excluded.raw) OR (items.parent_id IS NULL AND excluded.parent_id IS NOT NULL)

-- name: conversation
INSERT INTO conversations(id, project_id, created_at, raw) VALUES (:id, :project_id, :created_at, :raw)
ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, raw = excluded.raw
WHERE raw_differs(conversations.raw, excluded.raw)

-- name: usage
INSERT INTO usage_sessions(bucket_start, bucket_end, project_id, num_sessions, raw) VALUES (:bucket_start, :bucket_end, :project_id, :num_sessions, :raw)
ON CONFLICT DO UPDATE SET
  bucket_end = excluded.bucket_end, num_sessions = excluded.num_sessions, raw = excluded.raw
WHERE raw_differs(usage_sessions.raw, excluded.raw)

-- name: cost
INSERT INTO costs(bucket_start, bucket_end, project_id, line_item, api_key_id, amount_micros, currency,
                  quantity, quantity_unit, raw)
VALUES (:bucket_start, :bucket_end, :project_id, :line_item, :api_key_id, :amount_micros, :currency, :quantity, :quantity_unit, :raw)
ON CONFLICT DO UPDATE SET
  bucket_end = excluded.bucket_end, amount_micros = excluded.amount_micros, currency = excluded.currency,
  quantity = excluded.quantity, quantity_unit = excluded.quantity_unit, raw = excluded.raw
WHERE raw_differs(costs.raw, excluded.raw)

-- name: container_file
INSERT INTO container_files(id, container_id, created_at, bytes, path, source, raw, request_id)
VALUES (:id, :container_id, :created_at, :bytes, :path, :source, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  container_id = excluded.container_id, created_at = excluded.created_at, bytes = excluded.bytes,
  path = excluded.path, source = excluded.source, raw = excluded.raw,
  request_id = coalesce(excluded.request_id, container_files.request_id)
WHERE raw_differs(container_files.raw, excluded.raw)

-- name: deletion
INSERT INTO deletions(id, object, raw, request_id) VALUES (:id, :object, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  object = excluded.object, raw = excluded.raw, request_id = coalesce(excluded.request_id, deletions.request_id)
WHERE raw_differs(deletions.raw, excluded.raw)

-- name: delete_container
-- A container.deleted marker stored after its container.
UPDATE containers SET status = 'deleted' WHERE id = :id AND status <> 'deleted'

-- name: project
INSERT INTO projects(id, name, status, created_at, raw, request_id) VALUES (:id, :name, :status, :created_at, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  name = excluded.name, status = excluded.status, created_at = excluded.created_at, raw = excluded.raw,
  request_id = coalesce(excluded.request_id, projects.request_id)
WHERE raw_differs(projects.raw, excluded.raw)

-- name: project_api_key
INSERT INTO project_api_keys(id, project_id, redacted_value, name, raw, request_id) VALUES (:id, :project_id, :redacted_value, :name, :raw, :request_id)
ON CONFLICT(id) DO UPDATE SET
  project_id = coalesce(excluded.project_id, project_api_keys.project_id),
  redacted_value = excluded.redacted_value, name = excluded.name, raw = excluded.raw,
  request_id = coalesce(excluded.request_id, project_api_keys.request_id)
WHERE raw_differs(project_api_keys.raw, excluded.raw) OR (project_api_keys.project_id IS NULL AND excluded.project_id IS NOT NULL)
