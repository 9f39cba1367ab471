-- summary: the one-page overview. One row per line of the page:
-- section, item, count, amount_usd, detail. Sections, in order: audit (now,
-- window, data seen, price table), coverage, classification (count and
-- estimated cost of each class), orphan share, orphans (the first 20, then
-- how many more), threads (flag counts), pricing (rules and tiers used),
-- reconciliation (when Usage or Costs API data exists, with the cost lines
-- it leaves out as not code interpreter), unpriced, accruing.
WITH p AS (SELECT * FROM audit_params),
w AS NOT MATERIALIZED (
  SELECT container_id, created_at, classification, estimated_cost_usd, attributed_response_id, attribution,
         pricing_rule, tier, unit_price_micros, price_version, accruing FROM audit_window),
totals AS ( -- one pass over the window for every scalar figure
  SELECT count(*) AS containers, sum(estimated_cost_usd) AS cost,
         coalesce(sum(iif(classification = 'orphan', estimated_cost_usd, NULL)), 0) AS orphan_cost,
         coalesce(sum(classification = 'orphan'), 0) AS orphans,
         min(created_at) AS first_created, max(created_at) AS last_created,
         coalesce(sum(classification = 'used'), 0) AS used,
         coalesce(sum(iif(classification = 'used', estimated_cost_usd, NULL)), 0) AS used_cost,
         coalesce(sum(classification = 'idle'), 0) AS idle,
         coalesce(sum(iif(classification = 'idle', estimated_cost_usd, NULL)), 0) AS idle_cost,
         coalesce(sum(classification = 'outside_coverage'), 0) AS outside,
         coalesce(sum(iif(classification = 'outside_coverage', estimated_cost_usd, NULL)), 0) AS outside_cost,
         coalesce(sum(pricing_rule = 'unpriced'), 0) AS unpriced,
         group_concat(DISTINCT iif(pricing_rule = 'unpriced', tier, NULL)) AS unpriced_tiers,
         coalesce(sum(accruing), 0) AS accruing,
         coalesce(sum(iif(accruing, estimated_cost_usd, NULL)), 0) AS accruing_cost
  FROM w),
thread_totals AS ( -- one pass over the threads
  SELECT count(*) AS threads, coalesce(sum(repetitive), 0) AS repetitive,
         coalesce(sum(expired_recreated), 0) AS expired_recreated, coalesce(sum(at_risk), 0) AS at_risk
  FROM audit_thread_window),
windowed_responses AS NOT MATERIALIZED (
  SELECT r.conversation_id, r.requests_ci_auto, r.ran_code FROM audit_response r, p
  WHERE (p.since IS NULL OR r.created_at >= p.since) AND (p.until IS NULL OR r.created_at < p.until)),
orphans AS (
  SELECT container_id, created_at, attributed_response_id, attribution, estimated_cost_usd, pricing_rule,
         row_number() OVER (ORDER BY created_at, container_id) AS n
  FROM w WHERE classification = 'orphan'),
ci_lines AS (
  SELECT c.* FROM costs c, p
  WHERE (lower(c.line_item) LIKE '%code interpreter%' OR lower(c.line_item) LIKE '%code_interpreter%'
         OR lower(c.line_item) LIKE '%container%' OR lower(c.line_item) LIKE '%shell%')
    AND (p.since IS NULL OR c.bucket_start >= p.since) AND (p.until IS NULL OR c.bucket_start < p.until)),
windowed_usage AS (
  SELECT u.* FROM usage_sessions u, p
  WHERE (p.since IS NULL OR u.bucket_start >= p.since) AND (p.until IS NULL OR u.bucket_start < p.until))
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
         coalesce((SELECT group_concat(version, ', ') FROM (SELECT DISTINCT price_version AS version FROM w
                   WHERE price_version IS NOT NULL ORDER BY 1)), 'none used')
  UNION ALL
  SELECT 2, 0, 'coverage', 'containers', containers, NULL, NULL FROM totals
  UNION ALL
  SELECT 2, 1, 'coverage', 'responses', count(*), NULL,
         printf('%d requested CI auto, %d ran code', sum(requests_ci_auto),
                sum(ran_code)) FROM windowed_responses
  UNION ALL
  SELECT 2, 2, 'coverage', 'code_interpreter_call items', (SELECT count(*) FROM ci_calls), NULL, NULL
  UNION ALL
  SELECT 2, 3, 'coverage', 'conversations', count(*), NULL, NULL FROM (
    SELECT conversation_id FROM windowed_responses WHERE conversation_id IS NOT NULL
    UNION SELECT id FROM conversations)
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
         || iif(pricing_rule = 'unpriced', '; unpriced', '')
  FROM orphans WHERE n <= 20
  UNION ALL
  SELECT 5, 21, 'orphans', printf('... and %d more', count(*) - 20), NULL, NULL, 'see: cntraudit report orphans'
  FROM orphans HAVING count(*) > 20
  UNION ALL
  SELECT 6, 0, 'threads', 'involving code interpreter', threads, NULL, NULL FROM thread_totals
  UNION ALL
  SELECT 6, 1, 'threads', 'repetitive', repetitive, NULL, 'a new container while the previous one was alive' FROM thread_totals
  UNION ALL
  SELECT 6, 2, 'threads', 'expired_recreated', expired_recreated, NULL, 'a new container after the previous one expired' FROM thread_totals
  UNION ALL
  SELECT 6, 3, 'threads', 'at_risk', at_risk, NULL, 'latest CI container expired: continuing may fail with "Container is expired."' FROM thread_totals
  UNION ALL
  SELECT 7, row_number() OVER (ORDER BY pricing_rule, tier), 'pricing', pricing_rule || ' ' || tier, count(*),
         sum(estimated_cost_usd),
         iif(pricing_rule = 'unpriced', 'no price in the table',
             usd(unit_price_micros) || ' per ' || CASE pricing_rule WHEN 'per_container' THEN 'container'
               WHEN 'per_session_20m' THEN '20-minute session' ELSE 'minute, 5-minute minimum' END
             || ', table ' || price_version)
  FROM w GROUP BY pricing_rule, tier
  UNION ALL
  SELECT 8, 0, 'reconciliation', 'Usage API code interpreter sessions', sum(num_sessions), NULL,
         'counted by OpenAI' FROM windowed_usage HAVING count(*) > 0
  UNION ALL
  SELECT 8, 1, 'reconciliation', 'Costs API code interpreter / container lines', count(*), sum(amount_micros),
         'billed by OpenAI' FROM ci_lines HAVING count(*) > 0
  UNION ALL
  SELECT 8, 2, 'reconciliation', 'estimated by this audit', containers, coalesce(cost, 0), 'containers seen'
  FROM totals WHERE EXISTS (SELECT 1 FROM windowed_usage) OR EXISTS (SELECT 1 FROM ci_lines)
  UNION ALL
  SELECT 8, 3, 'reconciliation', 'other cost lines (excluded)', count(*), sum(amount_micros),
         substr(group_concat(line_item, '; '), 1, 200)
  FROM (SELECT DISTINCT c.line_item, c.amount_micros, c.bucket_start FROM costs c, p
        WHERE NOT (lower(c.line_item) LIKE '%code interpreter%' OR lower(c.line_item) LIKE '%code_interpreter%'
                   OR lower(c.line_item) LIKE '%container%' OR lower(c.line_item) LIKE '%shell%')
          AND (p.since IS NULL OR c.bucket_start >= p.since) AND (p.until IS NULL OR c.bucket_start < p.until)
        ORDER BY c.line_item, c.bucket_start)
  HAVING count(*) > 0
  UNION ALL
  SELECT 9, 0, 'unpriced', 'containers with no price', unpriced, NULL, 'tiers: ' || unpriced_tiers
  FROM totals WHERE unpriced > 0
  UNION ALL
  SELECT 9, 1, 'accruing', 'containers still running', accruing, accruing_cost,
         'cost so far; still accruing at --now' FROM totals WHERE accruing > 0
)
ORDER BY ord, sub;
