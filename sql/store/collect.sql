-- What collect keeps in the store between runs and asks of it
-- (src/store/collect_state.c).

-- name: cursor_get
SELECT after_id FROM collect_cursors WHERE resource = ?1

-- name: cursor_set
INSERT OR REPLACE INTO collect_cursors(resource, after_id) VALUES (?1, ?2)

-- name: cursor_clear
DELETE FROM collect_cursors WHERE resource = ?1

-- name: response_known
-- A response need not be fetched again once it is finished, or OpenAI said
-- it does not exist.
SELECT 1 FROM responses WHERE id = ?1 AND status IN ('completed', 'failed', 'cancelled', 'incomplete')
UNION ALL SELECT 1 FROM not_found WHERE id = ?1

-- name: conversation_known
SELECT 1 FROM not_found WHERE id = ?1

-- name: not_found
INSERT OR REPLACE INTO not_found(id, kind, checked_at) VALUES (?1, ?2, ?3)

-- name: previous_response
SELECT previous_response_id FROM responses WHERE id = ?1

-- name: earliest_container
SELECT min(created_at) FROM containers

-- name: containers
-- Every stored container, and whether it may still be alive (listing its
-- files would refresh it).
SELECT id, status NOT IN ('expired', 'deleted') FROM containers ORDER BY created_at, id

-- name: project_keys
SELECT project_id, redacted_value FROM project_api_keys
WHERE project_id IS NOT NULL AND redacted_value IS NOT NULL ORDER BY project_id, id

-- name: project_ids
SELECT id FROM projects ORDER BY id

-- name: label_unlink
DELETE FROM label_projects WHERE label = ?1 AND project_id <> ?2

-- name: label_link
INSERT OR REPLACE INTO label_projects(label, project_id, learned_at) VALUES (?1, ?2, ?3)
