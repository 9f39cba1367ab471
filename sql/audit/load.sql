-- The audit reads the whole store once (src/audit/audit_load.c), inside one
-- read transaction. Column order matters: each part's row function reads
-- its columns by position.

-- name: prices
SELECT memory_limit, effective_from, effective_until, rule, unit_price_micros, version
FROM main.prices ORDER BY memory_limit, effective_from

-- name: containers
SELECT id, project_id, name, memory_limit, status, created_at, last_active_at, expires_after_minutes, request_id
FROM main.containers

-- name: responses
SELECT id, project_id, created_at, completed_at, previous_response_id, conversation_id, requests_container_auto,
       request_id
FROM main.responses

-- name: calls
SELECT container_id, response_id, conversation_id, context_response_id, kind = 'shell_call'
FROM main.container_calls

-- name: references
SELECT container_id, referrer_id, kind = 'named', referrer_kind = 'response'
FROM main.container_references
