-- The evidence pack's own queries (src/render/evidence.c), over the audit's
-- views; its CSV files are the report queries (reports/).

-- name: figures
-- One row: of the containers in the window, how many and how they were
-- classified, their estimated costs; what was billed for them (Costs API
-- lines that are containers', their sum; Usage API sessions, -1 when none
-- was collected); coverage (judged containers and their cost, responses
-- created in the window that were collected, response IDs OpenAI answered
-- 404 for).
SELECT count(*) AS containers,
       coalesce(sum(classification = 'orphan'), 0) AS orphans,
       coalesce(sum(classification = 'used'), 0) AS used,
       coalesce(sum(classification = 'idle'), 0) AS idle,
       coalesce(sum(classification = 'outside_coverage'), 0) AS outside,
       coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0) AS orphan_cost,
       coalesce(sum(estimated_cost_usd), 0) AS total_cost,
       coalesce(sum(classification = 'orphan' AND unpriced), 0) AS unpriced_orphans,
       (SELECT count(*) FROM audit_cost_window WHERE container_line) AS cost_lines,
       (SELECT coalesce(sum(amount_micros), 0) FROM audit_cost_window WHERE container_line) AS billed,
       (SELECT coalesce(sum(num_sessions), -1) FROM audit_usage_window) AS sessions,
       coalesce(sum(classification <> 'outside_coverage'), 0) AS judged,
       coalesce(sum(iif(classification <> 'outside_coverage', estimated_cost_usd, 0)), 0) AS judged_cost,
       (SELECT count(*) FROM audit_response_window) AS responses,
       (SELECT count(*) FROM not_found WHERE kind = 'response') AS not_found
FROM audit_window

-- name: words
-- One row: the span of creation times, the projects, the fingerprints of
-- the keys used to collect, the price tables that priced the window (as
-- lists for SUMMARY.txt, as JSON arrays for MANIFEST.json).
WITH keys AS (SELECT DISTINCT key_fingerprints AS k FROM runs WHERE key_fingerprints <> '' ORDER BY 1),
     tables AS (SELECT DISTINCT price_version AS v FROM audit_window WHERE price_version IS NOT NULL ORDER BY 1)
SELECT coalesce((SELECT iso_time(min(created_at)) FROM audit_window), '-') AS first_created,
       coalesce((SELECT iso_time(max(created_at)) FROM audit_window), '-') AS last_created,
       coalesce((SELECT group_concat(project_id, ', ')
                 FROM (SELECT DISTINCT project_id FROM audit_window ORDER BY 1)), 'none') AS projects,
       coalesce((SELECT group_concat(k, ', ') FROM keys),
                'none recorded (the data was imported from files)') AS keys,
       coalesce((SELECT group_concat(v, ', ') FROM tables), 'none') AS price_tables,
       (SELECT json_group_array(k) FROM keys) AS keys_json,
       (SELECT json_group_array(v) FROM tables) AS price_tables_json

-- name: orphans
SELECT container_id, iso_time(created_at), estimated_cost_usd, attributed_response_id, attribution
FROM audit_window WHERE classification = 'orphan'
ORDER BY created_at, container_id

-- name: prices
SELECT pricing_rule, tier, usd(unit_price_micros), count(*), rule_word(pricing_rule, 'priced_per')
FROM audit_window WHERE classification = 'orphan'
GROUP BY pricing_rule, tier, unpriced ORDER BY 1, 2, unpriced

-- name: raw_containers
-- Each raw/ file: its name, the object's bytes exactly as stored, and what
-- its MANIFEST.json entry says of it beyond its bytes (JSON): when it was
-- created, or the bucket a usage or cost result belongs to (the result
-- itself carries no date), and the x-request-id of the reply it came in.
SELECT c.id, raw_text(c.raw),
       json_object('object', 'container', 'created_at', iso_time(c.created_at), 'request_id', c.request_id)
FROM containers c
WHERE c.id IN (SELECT container_id FROM audit_window WHERE classification = 'orphan')

-- name: raw_responses
-- (Both by ID: the IDs chosen first, then each object looked up by its
-- key, so no sort or DISTINCT ever holds raw bytes.)
SELECT r.id, raw_text(r.raw),
       json_object('object', 'response', 'created_at', iso_time(r.created_at), 'request_id', r.request_id)
FROM responses r
WHERE r.id IN (SELECT attributed_response_id FROM audit_window WHERE classification = 'orphan')

-- name: raw_usage
SELECT date(bucket_start, 'unixepoch') || '_' || iif(project_id = '', 'all-projects', project_id), raw_text(raw),
       json_object('object', 'usage result', 'bucket_start', iso_time(bucket_start),
                   'bucket_end', iso_time(bucket_end), 'project_id', nullif(project_id, ''))
FROM audit_usage_window ORDER BY 1

-- name: raw_costs
SELECT date(bucket_start, 'unixepoch') || '_' || iif(project_id = '', 'all-projects', project_id)
       || '_' || line_item || iif(api_key_id = '', '', '_' || api_key_id), raw_text(raw),
       json_object('object', 'cost result', 'bucket_start', iso_time(bucket_start),
                   'bucket_end', iso_time(bucket_end), 'project_id', nullif(project_id, ''),
                   'line_item', line_item)
FROM audit_cost_window WHERE container_line ORDER BY 1

-- name: request_days
-- REQUEST.txt's table, one row per UTC day with orphans: their count and
-- estimated charge (unpriced ones apart), what the Costs API billed on
-- container lines that day (NULL when it has no figure for it), and the
-- amount asked for: the estimate, but never more than was billed that day.
WITH orphans AS (
  SELECT date(created_at, 'unixepoch') AS day, count(*) AS orphans,
         coalesce(sum(estimated_cost_usd), 0) AS estimated, coalesce(sum(unpriced), 0) AS unpriced
  FROM audit_window WHERE classification = 'orphan' GROUP BY 1),
billed AS (
  SELECT date(bucket_start, 'unixepoch') AS day, sum(amount_micros) AS billed
  FROM audit_cost_window WHERE container_line GROUP BY 1)
SELECT o.day, o.orphans, o.estimated, o.unpriced, b.billed,
       iif(b.billed IS NULL, o.estimated, min(o.estimated, b.billed)) AS asked
FROM orphans o LEFT JOIN billed b USING (day)
ORDER BY o.day

-- name: request_projects
-- The projects of the orphans: each label and the OpenAI project it stands
-- for (itself when it is a proj_ ID; else what collect learned; NULL when
-- nothing is known).
SELECT DISTINCT w.project_id,
       iif(w.project_id LIKE 'proj\_%' ESCAPE '\', w.project_id,
           (SELECT group_concat(lp.project_id, ', ') FROM label_projects lp WHERE lp.label = w.project_id))
FROM audit_window w WHERE w.classification = 'orphan'
ORDER BY 1
