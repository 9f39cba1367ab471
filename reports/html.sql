-- html: the page report html draws (src/render/render_html.c), beside the
-- summary's rows (reports/summary.sql). One part per element of the page.

-- name: figures
-- The headline: containers in the window, their priced estimate, the
-- orphans and their estimate, containers judged, unpriced ones, the days.
SELECT count(*) AS containers,
       coalesce(sum(estimated_cost_usd), 0) AS estimated,
       coalesce(sum(classification = 'orphan'), 0) AS orphans,
       coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0) AS orphan_cost,
       coalesce(sum(classification <> 'outside_coverage'), 0) AS judged,
       coalesce(sum(unpriced), 0) AS unpriced,
       (SELECT count(DISTINCT local_day(created_at)) FROM audit_window) AS days
FROM audit_window

-- name: daily
-- The chart of daily estimated cost by classification: one row per day (in
-- --tz) and classification.
SELECT local_day(created_at) AS day, classification, count(*) AS containers,
       coalesce(sum(estimated_cost_usd), 0) AS cost
FROM audit_window
GROUP BY 1, 2 ORDER BY 1, 2

-- name: threads
-- The timeline: the eight threads with the largest orphan cost (then
-- estimated cost), with the span of their responses.
SELECT thread_id, first_response_at, last_response_at, containers, flags,
       coalesce(estimated_cost_usd, 0), coalesce(orphan_cost_usd, 0)
FROM audit_thread_window
WHERE coalesce(estimated_cost_usd, 0) > 0 OR containers > 0
ORDER BY coalesce(orphan_cost_usd, 0) DESC, coalesce(estimated_cost_usd, 0) DESC, thread_id
LIMIT 8

-- name: thread_containers
-- Their containers on the timeline: when each was created, and its class.
SELECT w.thread_id, w.created_at, w.classification
FROM audit_window w
WHERE w.thread_id IN (
  SELECT thread_id FROM audit_thread_window
  WHERE coalesce(estimated_cost_usd, 0) > 0 OR containers > 0
  ORDER BY coalesce(orphan_cost_usd, 0) DESC, coalesce(estimated_cost_usd, 0) DESC, thread_id
  LIMIT 8)
ORDER BY w.thread_id, w.created_at

-- name: orphans
-- The orphan table (the first 500; orphans.csv has them all).
SELECT container_id, created_at, name, estimated_cost_usd, attributed_response_id, attribution
FROM audit_window WHERE classification = 'orphan'
ORDER BY created_at, container_id
LIMIT 500
