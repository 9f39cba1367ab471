-- summary: the one-page overview. One row per line of the page:
-- section, item, count, amount_usd, detail. Sections, in order: audit (now,
-- window, data seen, price table), coverage (containers judged and outside
-- coverage, by count and estimated cost, overall and per project; responses
-- collected and not found; a plain warning when nothing could be judged),
-- classification (count and
-- estimated cost of each class), orphan share, orphans (the first 20, then
-- how many more), threads (flag counts), pricing (rules and tiers used),
-- reconciliation (when Usage or Costs API data exists, with the cost lines
-- it leaves out as not code interpreter), unpriced, accruing.
WITH p AS (SELECT * FROM audit_params),
g AS MATERIALIZED (SELECT * FROM audit_window_groups),
projects AS ( -- one pass over the window's groups, by project: every figure
  SELECT project_id, sum(containers) AS containers, sum(estimated_cost_usd) AS cost,
         coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, NULL)), 0) AS orphan_cost,
         coalesce(sum(iif(classification = 'orphan', containers, 0)), 0) AS orphans,
         min(first_created) AS first_created, max(last_created) AS last_created,
         coalesce(sum(iif(classification = 'used', containers, 0)), 0) AS used,
         coalesce(sum(iif(classification = 'used', estimated_cost_usd, NULL)), 0) AS used_cost,
         coalesce(sum(iif(classification = 'idle', containers, 0)), 0) AS idle,
         coalesce(sum(iif(classification = 'idle', estimated_cost_usd, NULL)), 0) AS idle_cost,
         coalesce(sum(iif(classification = 'outside_coverage', containers, 0)), 0) AS outside,
         coalesce(sum(iif(classification = 'outside_coverage', estimated_cost_usd, NULL)), 0) AS outside_cost,
         coalesce(sum(unpriced * containers), 0) AS unpriced,
         coalesce(sum(accruing), 0) AS accruing,
         coalesce(sum(accruing_cost), 0) AS accruing_cost
  FROM g GROUP BY project_id),
pricing AS ( -- one pass over the window's groups, by rule and tier
  SELECT pricing_rule, tier, unpriced, sum(containers) AS containers, sum(estimated_cost_usd) AS cost,
         sum(billable_units) AS units, max(unit_price_micros) AS unit_price_micros,
         max(price_version) AS price_version
  FROM g GROUP BY pricing_rule, tier, unpriced),
totals AS ( -- the window's figures, from the projects'
  SELECT coalesce(sum(containers), 0) AS containers, sum(cost) AS cost,
         coalesce(sum(orphan_cost), 0) AS orphan_cost, coalesce(sum(orphans), 0) AS orphans,
         min(first_created) AS first_created, max(last_created) AS last_created,
         coalesce(sum(used), 0) AS used, coalesce(sum(used_cost), 0) AS used_cost,
         coalesce(sum(idle), 0) AS idle, coalesce(sum(idle_cost), 0) AS idle_cost,
         coalesce(sum(outside), 0) AS outside, coalesce(sum(outside_cost), 0) AS outside_cost,
         coalesce(sum(unpriced), 0) AS unpriced,
         (SELECT group_concat(tier) FROM (SELECT DISTINCT tier FROM pricing WHERE unpriced ORDER BY tier))
           AS unpriced_tiers,
         coalesce(sum(accruing), 0) AS accruing, coalesce(sum(accruing_cost), 0) AS accruing_cost
  FROM projects),
thread_totals AS ( -- one pass over the threads
  SELECT count(*) AS threads, coalesce(sum(repetitive), 0) AS repetitive,
         coalesce(sum(expired_recreated), 0) AS expired_recreated, coalesce(sum(at_risk), 0) AS at_risk
  FROM audit_thread_window),
orphans AS ( -- the first 20 (their count is the totals')
  SELECT container_id, created_at, attributed_response_id, attribution, estimated_cost_usd, unpriced,
         row_number() OVER (ORDER BY created_at, container_id) AS n
  FROM (SELECT * FROM audit_window WHERE classification = 'orphan' ORDER BY created_at, container_id LIMIT 20)),
ci_lines AS (SELECT * FROM audit_cost_window WHERE container_line),
windowed_usage AS (SELECT * FROM audit_usage_window)
SELECT section, item, count, amount_usd, detail FROM (
  SELECT 1 AS ord, 0 AS sub, 'audit' AS section, 'now' AS item, NULL AS count, NULL AS amount_usd,
         iso_time(now) AS detail FROM p
  UNION ALL
  SELECT 1, 1, 'audit', 'window', NULL, NULL,
         iif(since IS NULL AND until IS NULL, 'all stored data',
             coalesce(iso_time(since), 'the beginning') || ' to ' || coalesce(iso_time(until), 'the end')) FROM p
  UNION ALL
  SELECT 1, 2, 'audit', 'containers created', NULL, NULL,
         coalesce(iso_time(first_created) || ' to ' || iso_time(last_created), 'none') FROM totals
  UNION ALL
  SELECT 1, 3, 'audit', 'price table', NULL, NULL,
         coalesce((SELECT group_concat(version, ', ') FROM (SELECT DISTINCT price_version AS version FROM pricing
                   WHERE price_version IS NOT NULL ORDER BY 1)), 'none used')
  UNION ALL
  SELECT 2, 0, 'coverage', 'containers', containers, coalesce(cost, 0), NULL FROM totals
  UNION ALL
  SELECT 2, 1, 'coverage', 'judged', containers - outside, coalesce(cost, 0) - outside_cost,
         iif(containers = 0, 'no containers in the window',
             printf('%.1f%% of containers, %s of estimated cost', 100.0 * (containers - outside) / containers,
                    iif(coalesce(cost, 0) = 0, 'no priced containers',
                        printf('%.1f%%', 100.0 * (cost - outside_cost) / cost)))) FROM totals
  UNION ALL
  SELECT 2, 2, 'coverage', 'outside_coverage', outside, outside_cost,
         'no response collected within 10 minutes: not judged, not accused' FROM totals
  UNION ALL
  SELECT 2, 3, 'coverage', 'not judged: orphans cannot be detected', containers, NULL,
         'no response was collected near any of these containers; supply response IDs: '
         || 'cntraudit collect responses --from FILE or --scan LOG, or import the responses'
  FROM totals WHERE containers > 0 AND outside = containers
  UNION ALL
  SELECT 2, 4, 'coverage', 'responses collected', coalesce(sum(responses), 0), NULL,
         printf('%d requested a container automatically (%d code interpreter, %d shell), %d ran code',
                coalesce(sum(iif(requests_container_auto <> 0, responses, 0)), 0),
                coalesce(sum(iif((requests_container_auto & 1) <> 0, responses, 0)), 0),
                coalesce(sum(iif((requests_container_auto & 2) <> 0, responses, 0)), 0),
                coalesce(sum(ran_code * responses), 0))
  FROM audit_response_window_groups
  UNION ALL
  SELECT 2, 5, 'coverage', 'responses not found', count(*), NULL,
         'IDs OpenAI answered 404 for: deleted, past the 30-day retention, or another project''s'
  FROM not_found WHERE kind = 'response'
  UNION ALL
  SELECT 2, 6, 'coverage', 'container calls', sum(calls), NULL,
         printf('%d code_interpreter_call, %d shell_call', sum(calls) FILTER (WHERE kind = 'code_interpreter_call'),
                sum(calls) FILTER (WHERE kind = 'shell_call')) FROM audit_call
  UNION ALL
  SELECT 2, 7, 'coverage', 'conversations', count(*), NULL, NULL FROM (
    SELECT conversation_id FROM audit_response_window WHERE conversation_id IS NOT NULL
    UNION SELECT id FROM conversations
    UNION SELECT parent_id FROM items WHERE parent_id LIKE 'conv\_%' ESCAPE '\')
  UNION ALL
  SELECT 2, 8, 'coverage', 'container files', count(*), NULL,
         printf('in %d container%s (file lists collected)', count(DISTINCT container_id),
                iif(count(DISTINCT container_id) = 1, '', 's'))
  FROM container_files HAVING count(*) > 0
  UNION ALL
  SELECT 2, 10 + row_number() OVER (ORDER BY project_id), 'coverage', 'project ' || project_id,
         containers - outside, coalesce(cost, 0) - outside_cost,
         printf('judged %d of %d containers (%.1f%%), %s of %s estimated', containers - outside, containers,
                100.0 * (containers - outside) / containers, '$' || usd(coalesce(cost, 0) - outside_cost),
                '$' || usd(coalesce(cost, 0)))
  FROM projects
  UNION ALL
  SELECT 3, 0, 'classification', 'used', used, used_cost, NULL FROM totals
  UNION ALL
  SELECT 3, 1, 'classification', 'idle', idle, idle_cost, NULL FROM totals
  UNION ALL
  SELECT 3, 2, 'classification', 'outside_coverage', outside, outside_cost, NULL FROM totals
  UNION ALL
  SELECT 3, 3, 'classification', 'orphan', orphans, orphan_cost, NULL FROM totals
  UNION ALL
  SELECT 3, 9, 'classification', 'total', containers, coalesce(cost, 0), 'estimated; billed figures come only from the Costs API' FROM totals
  UNION ALL
  SELECT 4, 0, 'orphan share', 'of estimated container cost', orphans, orphan_cost,
         iif(coalesce(cost, 0) = 0, 'no priced containers',
             printf('%.1f%% of $%s estimated', 100.0 * orphan_cost / cost, usd(cost))) FROM totals
  UNION ALL
  SELECT 5, n, 'orphans', container_id, NULL, estimated_cost_usd,
         'created ' || iso_time(created_at) || '; '
         || CASE attribution WHEN 'unique' THEN 'attributed to ' || attributed_response_id
                             WHEN 'none' THEN 'no response to attribute it to'
                             ELSE 'probably ' || attributed_response_id || ' (' || attribution || ')' END
         || iif(unpriced, '; unpriced', '')
  FROM orphans
  UNION ALL
  SELECT 5, 21, 'orphans', printf('... and %d more', orphans - 20), NULL, NULL, 'see: cntraudit report orphans'
  FROM totals WHERE orphans > 20
  UNION ALL
  SELECT 6, 0, 'threads', 'involving containers', threads, NULL, NULL FROM thread_totals
  UNION ALL
  SELECT 6, 1, 'threads', 'repetitive', repetitive, NULL, 'a new container while the previous one was alive' FROM thread_totals
  UNION ALL
  SELECT 6, 2, 'threads', 'expired_recreated', expired_recreated, NULL, 'a new container after the previous one expired' FROM thread_totals
  UNION ALL
  SELECT 6, 3, 'threads', 'at_risk', at_risk, NULL, 'latest container that ran code expired: continuing may fail with "Container is expired."' FROM thread_totals
  UNION ALL
  SELECT 7, row_number() OVER (ORDER BY pricing_rule, tier, unpriced), 'pricing',
         pricing_rule || ' ' || tier || iif(unpriced, ' unpriced', ''), containers, cost,
         iif(unpriced, 'no price in the table; billable units to price by hand: ' || units,
             usd(unit_price_micros) || ' per ' || rule_word(pricing_rule, 'priced_per')
             || ', table ' || price_version)
  FROM pricing
  UNION ALL
  SELECT 8, 0, 'reconciliation', 'Usage API code interpreter sessions', sum(num_sessions), NULL,
         'counted by OpenAI' FROM windowed_usage HAVING count(*) > 0
  UNION ALL
  SELECT 8, 1, 'reconciliation', 'Costs API code interpreter / container lines', count(*), sum(amount_micros),
         'billed by OpenAI' || iif(sum(amount_micros IS NULL) > 0,
                                   printf('; %d result%s without an amount (unknown, not $0)', sum(amount_micros IS NULL),
                                          iif(sum(amount_micros IS NULL) = 1, '', 's')), '')
  FROM ci_lines HAVING count(*) > 0
  UNION ALL
  SELECT 8, 2, 'reconciliation', 'estimated by this audit', containers, coalesce(cost, 0), 'containers seen'
  FROM totals WHERE EXISTS (SELECT 1 FROM windowed_usage) OR EXISTS (SELECT 1 FROM ci_lines)
  UNION ALL
  SELECT 8, 3, 'reconciliation', 'other cost lines (excluded)', count(*), sum(amount_micros),
         substr(group_concat(line_item, '; '), 1, 200)
  FROM (SELECT DISTINCT line_item, amount_micros, bucket_start FROM audit_cost_window WHERE NOT container_line
        ORDER BY line_item, bucket_start)
  HAVING count(*) > 0
  UNION ALL
  SELECT 9, 0, 'unpriced', 'containers with no price', unpriced, NULL, 'tiers: ' || unpriced_tiers
  FROM totals WHERE unpriced > 0
  UNION ALL
  SELECT 9, 1, 'accruing', 'containers still running', accruing, accruing_cost,
         'cost so far; still accruing at --now' FROM totals WHERE accruing > 0
)
ORDER BY ord, sub;
