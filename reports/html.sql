-- html: the page report html draws (src/render/render_html.c), beside the
-- summary's rows (reports/summary.sql). One part per element of the page.

-- name: figures
-- The headline: containers in the window, their priced estimate, the
-- orphans and their estimate, containers judged, unpriced ones, the days.
SELECT coalesce(sum(containers), 0) AS containers,
       coalesce(sum(estimated_cost_usd), 0) AS estimated,
       coalesce(sum(iif(classification = 'orphan', containers, 0)), 0) AS orphans,
       coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0) AS orphan_cost,
       coalesce(sum(iif(classification <> 'outside_coverage', containers, 0)), 0) AS judged,
       coalesce(sum(unpriced * containers), 0) AS unpriced,
       count(DISTINCT local_day(bucket_at)) AS days
FROM audit_window_groups

-- name: daily
-- The chart of daily estimated cost by classification: one row per day (in
-- --tz) and classification.
SELECT local_day(bucket_at) AS day, classification, sum(containers) AS containers,
       coalesce(sum(estimated_cost_usd), 0) AS cost
FROM audit_window_groups
GROUP BY 1, 2 ORDER BY 1, 2

-- name: timeline
-- The timeline: the eight threads with the largest orphan cost (then
-- estimated cost), ranked, with the span they were seen over (their
-- responses', else their containers'); then each one's containers, when
-- created and their class. Threads come first, then containers.
-- The eight are chosen by ORDER BY ... LIMIT (SQLite keeps only the best
-- eight while it reads), then ranked: no window function over every thread.
WITH best AS (
  SELECT thread_id, coalesce(first_response_at, first_seen_at) AS first_at,
         coalesce(last_response_at, last_seen_at) AS last_at, containers, flags,
         coalesce(orphan_cost_usd, 0) AS orphan_cost, coalesce(estimated_cost_usd, 0) AS cost
  FROM audit_thread_window
  WHERE coalesce(estimated_cost_usd, 0) > 0 OR containers > 0
  ORDER BY orphan_cost DESC, cost DESC, thread_id LIMIT 8),
top AS (
  SELECT thread_id, first_at, last_at, containers, flags, orphan_cost,
         row_number() OVER (ORDER BY orphan_cost DESC, cost DESC, thread_id) AS rank
  FROM best)
SELECT 'thread' AS what, rank, thread_id, first_at AS at, last_at, containers, flags, orphan_cost FROM top
UNION ALL
SELECT 'container', top.rank, w.thread_id, w.created_at, NULL, NULL, w.classification, NULL
FROM audit_window w JOIN top USING (thread_id)
ORDER BY what DESC, rank, at

-- name: orphans
-- The orphan table (the first 500; orphans.csv has them all).
SELECT container_id, created_at, name, estimated_cost_usd, attributed_response_id, attribution
FROM audit_window WHERE classification = 'orphan'
ORDER BY created_at, container_id
LIMIT 500
