-- cntraudit raw (src/cli/cmd_raw.c): stored API objects' bytes, unpacked.

-- name: every
-- Every stored object, table by table, each in its key's order.
SELECT raw_text(raw) FROM (
  SELECT 1 AS t, id AS k1, NULL AS k2, raw FROM containers
  UNION ALL SELECT 2, id, NULL, raw FROM responses
  UNION ALL SELECT 3, id, NULL, raw FROM conversations
  UNION ALL SELECT 4, id, NULL, raw FROM items
  UNION ALL SELECT 5, id, NULL, raw FROM container_files
  UNION ALL SELECT 6, id, NULL, raw FROM deletions
  UNION ALL SELECT 7, id, NULL, raw FROM projects
  UNION ALL SELECT 8, id, NULL, raw FROM project_api_keys
  UNION ALL SELECT 9, bucket_start, project_id, raw FROM usage_sessions
  UNION ALL SELECT 10, bucket_start, project_id || ' ' || line_item || ' ' || api_key_id, raw FROM costs
) ORDER BY t, k1, k2

-- name: by_id
-- The object with API ID :id, from the first table holding it.
SELECT raw_text(raw) FROM (
  SELECT 1 AS t, raw FROM containers WHERE id = :id
  UNION ALL SELECT 2, raw FROM responses WHERE id = :id
  UNION ALL SELECT 3, raw FROM conversations WHERE id = :id
  UNION ALL SELECT 4, raw FROM items WHERE id = :id
  UNION ALL SELECT 5, raw FROM container_files WHERE id = :id
  UNION ALL SELECT 6, raw FROM deletions WHERE id = :id
  UNION ALL SELECT 7, raw FROM projects WHERE id = :id
  UNION ALL SELECT 8, raw FROM project_api_keys WHERE id = :id
) ORDER BY t LIMIT 1
