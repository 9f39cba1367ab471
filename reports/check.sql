-- check: the figures `cntraudit check` holds against its thresholds, over
-- the containers created in the window. Columns: containers, orphans,
-- orphan_cost_usd, total_cost_usd (estimated; unpriced containers count in
-- containers and orphans, not in the costs).
SELECT count(*) AS containers,
       coalesce(sum(classification = 'orphan'), 0) AS orphans,
       coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0) AS orphan_cost_usd,
       coalesce(sum(estimated_cost_usd), 0) AS total_cost_usd
FROM audit_window;
