-- daily: containers created per day (or month, --by month) of the report
-- time zone, per project, by classification, with their estimated cost.
-- Columns: period (YYYY-MM-DD or YYYY-MM), project_id, containers, used,
-- idle, outside_coverage, orphan, accruing (still running at --now),
-- unpriced (containers with no price: not in the cost columns),
-- estimated_cost_usd, orphan_cost_usd.
SELECT iif(p.period = 'month', local_month(g.bucket_at), local_day(g.bucket_at)) AS period,
       g.project_id,
       sum(g.containers) AS containers,
       sum(iif(g.classification = 'used', g.containers, 0)) AS used,
       sum(iif(g.classification = 'idle', g.containers, 0)) AS idle,
       sum(iif(g.classification = 'outside_coverage', g.containers, 0)) AS outside_coverage,
       sum(iif(g.classification = 'orphan', g.containers, 0)) AS orphan,
       sum(g.accruing) AS accruing,
       sum(g.unpriced * g.containers) AS unpriced,
       sum(g.estimated_cost_usd) AS estimated_cost_usd,
       coalesce(sum(iif(g.classification = 'orphan', g.estimated_cost_usd, NULL)), 0) AS orphan_cost_usd
FROM audit_window_groups g, audit_params p
GROUP BY 1, 2
ORDER BY 1, 2;
