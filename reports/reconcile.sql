-- reconcile: what this audit estimates against what OpenAI counted and
-- billed, per UTC day and project (the Usage and Costs APIs bucket by UTC
-- day, so --tz does not move these days). A day with data on one side only
-- still appears: its differences are empty when OpenAI's side is missing, and
-- the note says which side it lacks.
-- Columns: day, project_id, containers (created that day), pricing_rule,
-- estimated_units (billable units under the rule), estimated_sessions
-- (per_session_20m: its sessions; otherwise one per container),
-- estimated_cost_usd, usage_sessions (Usage API num_sessions),
-- billed_cost_usd (Costs API amount on line items naming code interpreter,
-- container or shell, matched case-insensitively), sessions_difference
-- (usage - estimated), unexplained_cost_usd (billed - estimated), note.
-- project_id is the --project label of collected objects (collect with
-- --project proj_... to match OpenAI's project IDs). When no Usage or Costs
-- result in the window is grouped by project, the comparison is org-wide:
-- project_id is '' and the estimate sums every project.
WITH p AS (SELECT * FROM audit_params),
by_project AS (
  SELECT EXISTS (SELECT 1 FROM usage_sessions, p WHERE project_id <> ''
                   AND (p.since IS NULL OR bucket_start >= p.since) AND (p.until IS NULL OR bucket_start < p.until))
      OR EXISTS (SELECT 1 FROM costs, p WHERE project_id <> ''
                   AND (p.since IS NULL OR bucket_start >= p.since) AND (p.until IS NULL OR bucket_start < p.until))
         AS grouped),
estimated AS (
  SELECT date(created_at, 'unixepoch') AS day, iif((SELECT grouped FROM by_project), project_id, '') AS project_id,
         count(*) AS containers,
         group_concat(DISTINCT pricing_rule) AS pricing_rule,
         sum(billable_units) AS units,
         sum(iif(pricing_rule = 'per_session_20m', billable_units, 1)) AS sessions,
         sum(estimated_cost_usd) AS cost
  FROM audit_window GROUP BY 1, 2),
usage AS (
  SELECT date(bucket_start, 'unixepoch') AS day, project_id, sum(num_sessions) AS sessions
  FROM usage_sessions, p
  WHERE (p.since IS NULL OR bucket_start >= p.since) AND (p.until IS NULL OR bucket_start < p.until)
  GROUP BY 1, 2),
billed AS (
  SELECT date(bucket_start, 'unixepoch') AS day, project_id, sum(amount_micros) AS cost
  FROM costs, p
  WHERE (lower(line_item) LIKE '%code interpreter%' OR lower(line_item) LIKE '%code_interpreter%'
         OR lower(line_item) LIKE '%container%' OR lower(line_item) LIKE '%shell%')
    AND (p.since IS NULL OR bucket_start >= p.since) AND (p.until IS NULL OR bucket_start < p.until)
  GROUP BY 1, 2),
keys AS (SELECT day, project_id FROM estimated UNION SELECT day, project_id FROM usage
         UNION SELECT day, project_id FROM billed)
SELECT k.day, k.project_id,
       coalesce(e.containers, 0) AS containers,
       coalesce(e.pricing_rule, '') AS pricing_rule,
       e.units AS estimated_units,
       e.sessions AS estimated_sessions,
       e.cost AS estimated_cost_usd,
       u.sessions AS usage_sessions,
       b.cost AS billed_cost_usd,
       u.sessions - coalesce(e.sessions, 0) AS sessions_difference,
       b.cost - coalesce(e.cost, 0) AS unexplained_cost_usd,
       CASE WHEN e.day IS NULL THEN 'no containers collected for this day'
            WHEN u.day IS NULL AND b.day IS NULL THEN 'no Usage or Costs API data for this day'
            WHEN u.day IS NULL THEN 'no Usage API data for this day'
            WHEN b.day IS NULL THEN 'no Costs API data for this day'
            WHEN u.sessions > e.sessions THEN 'OpenAI counted more sessions than containers were seen'
            WHEN u.sessions < e.sessions THEN 'fewer sessions counted than estimated'
            ELSE '' END AS note
FROM keys k
LEFT JOIN estimated e ON e.day = k.day AND e.project_id = k.project_id
LEFT JOIN usage u ON u.day = k.day AND u.project_id = k.project_id
LEFT JOIN billed b ON b.day = k.day AND b.project_id = k.project_id
ORDER BY k.day, k.project_id;
