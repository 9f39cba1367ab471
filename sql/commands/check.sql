-- check: the figures `cntraudit check` holds against its thresholds, over
-- the containers created in the window. Columns: containers, orphans,
-- orphan_cost_usd, total_cost_usd (estimated; unpriced containers count in
-- containers and orphans, not in the costs), judged (containers not
-- outside_coverage), judged_cost_usd, stored_containers (in the whole
-- database: none means nothing was audited at all).
SELECT coalesce(sum(containers), 0) AS containers,
       coalesce(sum(iif(classification = 'orphan', containers, 0)), 0) AS orphans,
       coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, 0)), 0) AS orphan_cost_usd,
       coalesce(sum(estimated_cost_usd), 0) AS total_cost_usd,
       coalesce(sum(iif(classification <> 'outside_coverage', containers, 0)), 0) AS judged,
       coalesce(sum(iif(classification <> 'outside_coverage', estimated_cost_usd, 0)), 0) AS judged_cost_usd,
       (SELECT count(*) FROM audit_container) AS stored_containers
FROM audit_window_groups;
