-- reconcile: what this audit estimates against what OpenAI counted and
-- billed, per UTC day and OpenAI project (the Usage and Costs APIs bucket by
-- UTC day, so --tz does not move these days). A day with data on one side
-- only still appears: its differences are empty when OpenAI's side is
-- missing, and the note says which side it lacks.
-- Columns: day, project_id, containers (created that day), pricing_rule,
-- estimated_units (billable units under the rule), billed_quantity and
-- billed_quantity_unit (the Costs API's quantity on those lines, e.g.
-- duration_minutes; empty when it gives none, or when units differ),
-- estimated_sessions (per_session_20m: its sessions; otherwise one per
-- container), estimated_cost_usd, usage_sessions (Usage API num_sessions),
-- billed_cost_usd (Costs API amount on the container lines of
-- audit_cost_window), sessions_difference (usage - estimated),
-- unexplained_cost_usd (billed - estimated), note.
-- OpenAI groups by real project IDs (proj_...). A container's project is its
-- --project label when that is a proj_ ID, else the one project the Admin
-- API said the collecting key belongs to (label_projects). Rows match by
-- project when OpenAI's results are grouped by project and every container
-- has a project; otherwise the comparison is org-wide (project_id '', every
-- side summed over all projects) and, when OpenAI's side was grouped, the
-- note says why: never two half rows for one day.
WITH label_project AS (
  SELECT label, min(project_id) AS project_id FROM label_projects GROUP BY label HAVING count(*) = 1),
estimate AS NOT MATERIALIZED (
  SELECT g.*, iif(g.project_id LIKE 'proj\_%' ESCAPE '\', g.project_id, l.project_id) AS openai_project
  FROM audit_window_groups g LEFT JOIN label_project l ON l.label = g.project_id),
usage_window AS NOT MATERIALIZED (SELECT * FROM audit_usage_window),
billed_window AS NOT MATERIALIZED (SELECT * FROM audit_cost_window WHERE container_line),
mode AS (
  SELECT grouped, grouped AND unmapped IS NULL AS by_project, unmapped
  FROM (SELECT EXISTS (SELECT 1 FROM usage_window WHERE project_id <> '')
                 OR EXISTS (SELECT 1 FROM billed_window WHERE project_id <> '') AS grouped,
               (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT project_id AS label FROM estimate
                                                      WHERE openai_project IS NULL ORDER BY 1)) AS unmapped)),
estimated AS (
  SELECT date(bucket_at, 'unixepoch') AS day, iif(m.by_project, e.openai_project, '') AS project_id,
         sum(containers) AS containers,
         group_concat(DISTINCT pricing_rule) AS pricing_rule,
         sum(billable_units) AS units,
         sum(iif(pricing_rule = 'per_session_20m', billable_units, containers)) AS sessions,
         sum(estimated_cost_usd) AS cost
  FROM estimate e, mode m GROUP BY 1, 2),
usage AS (
  SELECT date(bucket_start, 'unixepoch') AS day, iif(m.by_project, project_id, '') AS project_id,
         sum(num_sessions) AS sessions
  FROM usage_window, mode m GROUP BY 1, 2),
billed AS (
  SELECT date(bucket_start, 'unixepoch') AS day, iif(m.by_project, project_id, '') AS project_id,
         sum(amount_micros) AS cost, sum(amount_micros IS NULL) AS without_amount,
         iif(count(DISTINCT quantity_unit) <= 1, sum(quantity), NULL) AS quantity_sum,
         iif(count(DISTINCT quantity_unit) > 1, 'mixed: ', '') || group_concat(DISTINCT quantity_unit) AS quantity_unit
  FROM billed_window, mode m GROUP BY 1, 2),
keys AS (SELECT day, project_id FROM estimated UNION SELECT day, project_id FROM usage
         UNION SELECT day, project_id FROM billed)
SELECT k.day, k.project_id,
       coalesce(e.containers, 0) AS containers,
       coalesce(e.pricing_rule, '') AS pricing_rule,
       e.units AS estimated_units,
       iif(b.quantity_sum = CAST(b.quantity_sum AS INTEGER), CAST(b.quantity_sum AS INTEGER), b.quantity_sum)
         AS billed_quantity,
       b.quantity_unit AS billed_quantity_unit,
       e.sessions AS estimated_sessions,
       e.cost AS estimated_cost_usd,
       u.sessions AS usage_sessions,
       b.cost AS billed_cost_usd,
       u.sessions - coalesce(e.sessions, 0) AS sessions_difference,
       b.cost - coalesce(e.cost, 0) AS unexplained_cost_usd,
       -- The note's parts, each NULL when it has nothing to say, joined by '; '.
       rtrim(coalesce(iif(m.grouped AND NOT m.by_project,
                          'compared org-wide: OpenAI groups by project, but containers labelled ' || m.unmapped
                          || ' are not tied to a project (collect with OPENAI_ADMIN_KEY set, or --project proj_...)',
                          NULL) || '; ', '')
             || coalesce(CASE WHEN e.day IS NULL THEN 'no containers collected for this day'
                              WHEN u.day IS NULL AND b.day IS NULL THEN 'no Usage or Costs API data for this day'
                              WHEN u.day IS NULL THEN 'no Usage API data for this day'
                              WHEN b.day IS NULL THEN 'no Costs API data for this day'
                              WHEN u.sessions > e.sessions THEN 'OpenAI counted more sessions than containers were seen'
                              WHEN u.sessions < e.sessions THEN 'fewer sessions counted than estimated' END || '; ', '')
             || coalesce(iif(b.without_amount > 0,
                             printf('%d cost result%s without an amount (unknown, not $0)', b.without_amount,
                                    iif(b.without_amount = 1, '', 's')), NULL), ''), '; ') AS note
FROM keys k
CROSS JOIN mode m
LEFT JOIN estimated e ON e.day = k.day AND e.project_id = k.project_id
LEFT JOIN usage u ON u.day = k.day AND u.project_id = k.project_id
LEFT JOIN billed b ON b.day = k.day AND b.project_id = k.project_id
ORDER BY k.day, k.project_id;
