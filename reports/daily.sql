-- daily: containers created per day (or month, --by month) of the report
-- time zone, per project, by classification, with their estimated cost.
-- Columns: period (YYYY-MM-DD or YYYY-MM), project_id, containers, used,
-- idle, outside_coverage, orphan, accruing (still running at --now),
-- unpriced (containers with no price: not in the cost columns),
-- estimated_cost_usd, orphan_cost_usd.
SELECT iif(p.period = 'month', local_month(w.created_at), local_day(w.created_at)) AS period,
       w.project_id,
       count(*) AS containers,
       sum(w.classification = 'used') AS used,
       sum(w.classification = 'idle') AS idle,
       sum(w.classification = 'outside_coverage') AS outside_coverage,
       sum(w.classification = 'orphan') AS orphan,
       sum(w.accruing) AS accruing,
       sum(w.unpriced) AS unpriced,
       sum(w.estimated_cost_usd) AS estimated_cost_usd,
       coalesce(sum(iif(w.classification = 'orphan', w.estimated_cost_usd, NULL)), 0) AS orphan_cost_usd
FROM audit_window w, audit_params p
GROUP BY 1, 2
ORDER BY 1, 2;
