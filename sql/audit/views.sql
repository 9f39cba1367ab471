-- The views every report reads, over the facts the audit engine decided
-- (audit_*_source: the facts stored, or the engine's virtual tables when
-- they are not current; sql/audit/facts.sql), none of which depends on
-- --now: here --now is applied, once.
--   audit_container       the facts, and accruing (still running at --now:
--                         its charge is still accruing) and the reason,
--                         which says so
--   audit_thread          the facts, and at_risk (the newest container that
--                         ran code is no longer running at --now) and flags
--   audit_response        the facts
--   audit_call            the stored container calls counted by kind
--   audit_window          the containers created inside --since/--until
--   audit_thread_window   the threads active inside --since/--until
--   audit_response_window the responses created inside --since/--until
--   audit_window_groups   audit_window summed, for the reports that only
--                         count and sum: the stored groups of the buckets
--                         inside the window, the window's other containers
--                         one row each, and the accruing ones once more
--                         (counted in accruing only); sum containers, not
--                         rows
--   audit_response_window_groups  audit_response_window counted the same
--                         way: sum responses
--   audit_cost_window     Costs API results (and cost export rows) of the days
--                         inside --since/--until, with container_line: 1 when
--                         the line item is code interpreter's, a container's
--                         or Hosted Shell's (the one place that rule is said)
--   audit_usage_window    Usage API buckets of the days inside --since/--until
-- The window itself is said once, in C: in_window(t) and
-- active_in_window(first, last) (src/audit/audit.c). Classification and
-- attribution look at all stored data; the window only chooses the rows a
-- report shows.
DROP VIEW IF EXISTS temp.audit_container;
CREATE TEMP VIEW audit_container AS
  SELECT f.*,
         audit_reason(classification, ci_calls, shell_calls, named, first_named, cited, first_cited, candidates,
                      widest_delta, accruing, unpriced, tier, created_at) AS reason
  FROM (SELECT *, (SELECT now FROM temp.audit_params) < accruing_until AS accruing
        FROM audit_container_source) f;
DROP VIEW IF EXISTS temp.audit_thread;
CREATE TEMP VIEW audit_thread AS
  SELECT f.*,
         ltrim(iif(repetitive, ';repetitive', '') || iif(expired_recreated, ';expired_recreated', '')
               || iif(at_risk, ';at_risk', ''), ';') AS flags
  FROM (SELECT *, coalesce((SELECT now FROM temp.audit_params) >= at_risk_from, 0) AS at_risk
        FROM audit_thread_source) f;
DROP VIEW IF EXISTS temp.audit_response;
CREATE TEMP VIEW audit_response AS SELECT * FROM audit_response_source;
DROP VIEW IF EXISTS temp.audit_call;
CREATE TEMP VIEW audit_call AS SELECT * FROM audit_call_source;
DROP VIEW IF EXISTS temp.audit_window;
CREATE TEMP VIEW audit_window AS
  SELECT * FROM audit_container WHERE in_window(created_at);
DROP VIEW IF EXISTS temp.audit_thread_window;
CREATE TEMP VIEW audit_thread_window AS
  SELECT * FROM audit_thread WHERE active_in_window(first_seen_at, last_seen_at);
DROP VIEW IF EXISTS temp.audit_response_window;
CREATE TEMP VIEW audit_response_window AS
  SELECT * FROM audit_response WHERE in_window(created_at);
DROP VIEW IF EXISTS temp.audit_window_groups;
CREATE TEMP VIEW audit_window_groups AS
  SELECT g.bucket AS bucket_at, g.project_id, g.classification, g.pricing_rule, g.tier, g.unpriced, g.price_version,
         g.containers, g.estimated_cost_usd, g.billable_units, g.unit_price_micros, g.first_created, g.last_created,
         0 AS accruing, NULL AS accruing_cost
  FROM audit_bucket b JOIN main.audit_container_groups g ON g.bucket = b.bucket WHERE b.whole
  UNION ALL
  SELECT created_at, project_id, classification, pricing_rule, tier, unpriced, price_version, 1, estimated_cost_usd,
         billable_units, unit_price_micros, created_at, created_at, 0, NULL
  FROM audit_rest_window
  UNION ALL
  SELECT created_at, project_id, classification, pricing_rule, tier, unpriced, price_version, 0, NULL, 0, NULL, NULL,
         NULL, 1, estimated_cost_usd
  FROM audit_window WHERE accruing_until > -9223372036854775808 AND accruing;
DROP VIEW IF EXISTS temp.audit_response_window_groups;
CREATE TEMP VIEW audit_response_window_groups AS
  SELECT g.requests_container_auto, g.ran_code, g.responses
  FROM audit_response_bucket b JOIN main.audit_response_groups g ON g.bucket = b.bucket WHERE b.whole
  UNION ALL
  SELECT requests_container_auto, ran_code, 1 FROM audit_response_rest_window;
DROP VIEW IF EXISTS temp.audit_cost_window;
CREATE TEMP VIEW audit_cost_window AS
  SELECT c.*,
         (lower(c.line_item) LIKE '%code interpreter%' OR lower(c.line_item) LIKE '%code_interpreter%'
          OR lower(c.line_item) LIKE '%container%' OR lower(c.line_item) LIKE '%shell%') AS container_line
  FROM costs c WHERE in_window(c.bucket_start);
DROP VIEW IF EXISTS temp.audit_usage_window;
CREATE TEMP VIEW audit_usage_window AS
  SELECT u.* FROM usage_sessions u WHERE in_window(u.bucket_start);
