-- audit: what the reports stand on (SPEC section 3). Builds TEMP tables from
-- the store and temp.audit_params(now):
--   audit_container   one row per stored container: its trace of use, its
--                     classification and reason, the attribution of an
--                     orphan, its billable units and estimated cost
--   audit_thread      one row per thread (conversation or
--                     previous_response_id chain) that involved code
--                     interpreter, with its flags
-- Classification and attribution look at all stored data; --since/--until
-- only choose the rows a report shows. SQL functions from src/audit.c:
-- billable_units(rule, span_seconds).

-- Responses whose own output holds a code_interpreter_call: they ran code.
DROP TABLE IF EXISTS temp.audit_ran_code;
CREATE TEMP TABLE audit_ran_code AS
  SELECT DISTINCT response_id AS id FROM ci_calls WHERE response_id IS NOT NULL;
CREATE UNIQUE INDEX temp.audit_ran_code_id ON audit_ran_code(id);

-- Every trace a container left: CI calls that ran in it, responses that
-- named it or cited a file in it.
DROP TABLE IF EXISTS temp.audit_trace;
CREATE TEMP TABLE audit_trace AS
  SELECT container_id,
         sum(kind = 'ci')          AS ci_calls,
         count(DISTINCT response_id) AS responses,
         sum(kind = 'named')       AS named,
         sum(kind = 'cited')       AS cited,
         min(CASE WHEN kind <> 'ci' THEN response_id END) AS first_referrer
  FROM (SELECT container_id, response_id, 'ci' AS kind FROM ci_calls
        UNION ALL
        SELECT container_id, response_id, kind FROM container_references)
  GROUP BY container_id;
CREATE UNIQUE INDEX temp.audit_trace_id ON audit_trace(container_id);

-- Responses that could have made an untraced container: they requested CI
-- auto and ran no code. An unfinished response's window ends at created_at.
DROP TABLE IF EXISTS temp.audit_candidate;
CREATE TEMP TABLE audit_candidate AS
  SELECT r.id, r.project_id, r.created_at,
         max(r.created_at, coalesce(r.completed_at, r.created_at)) AS completed_at
  FROM responses r
  WHERE r.requests_ci_auto = 1 AND r.id NOT IN (SELECT id FROM audit_ran_code);
CREATE INDEX temp.audit_candidate_by_created ON audit_candidate(project_id, created_at);

-- Which candidate windows [created_at - 5 s, completed_at + 5 s] hold each
-- untraced container's creation; the nearest by created_at ranks first
-- (ties: the earlier response, then the smaller id).
DROP TABLE IF EXISTS temp.audit_match;
CREATE TEMP TABLE audit_match AS
  WITH longest AS (SELECT coalesce(max(completed_at - created_at), 0) AS span FROM audit_candidate),
  untraced AS (
    SELECT c.id, c.project_id, c.created_at FROM containers c
    WHERE c.id NOT IN (SELECT container_id FROM audit_trace)),
  pairs AS (
    SELECT u.id AS container_id, a.id AS response_id, abs(a.created_at - u.created_at) AS delta, a.created_at
    FROM untraced u JOIN audit_candidate a
      ON a.project_id = u.project_id
     AND a.created_at BETWEEN u.created_at - (SELECT span FROM longest) - 5 AND u.created_at + 5
     AND a.completed_at + 5 >= u.created_at),
  ranked AS (
    SELECT container_id, response_id,
           count(*) OVER w AS candidates, max(delta) OVER w AS widest_delta,
           row_number() OVER (PARTITION BY container_id ORDER BY delta, created_at, response_id) AS rank
    FROM pairs WINDOW w AS (PARTITION BY container_id))
  SELECT container_id, candidates, widest_delta, response_id AS best FROM ranked WHERE rank = 1;
CREATE UNIQUE INDEX temp.audit_match_id ON audit_match(container_id);

DROP TABLE IF EXISTS temp.audit_container;
CREATE TEMP TABLE audit_container AS
WITH base AS (
  SELECT c.id, c.project_id, c.name, c.memory_limit, c.status, c.created_at, c.last_active_at,
         coalesce(c.memory_limit, '1g') AS tier,
         max(0, coalesce(c.last_active_at, c.created_at) - c.created_at) AS span,
         coalesce(c.last_active_at, c.created_at) + 60 * coalesce(c.expires_after_minutes, 20) AS alive_until,
         coalesce(t.ci_calls, 0) AS ci_calls, coalesce(t.responses, 0) AS responses,
         coalesce(t.named, 0) AS named, coalesce(t.cited, 0) AS cited, t.first_referrer,
         date(c.created_at, 'unixepoch') AS price_date
  FROM containers c LEFT JOIN audit_trace t ON t.container_id = c.id),
classified AS (
  SELECT b.*,
    CASE WHEN b.ci_calls > 0 THEN 'used'
         WHEN b.named > 0 OR b.cited > 0 THEN 'idle'
         WHEN NOT EXISTS (SELECT 1 FROM responses r
                          WHERE r.project_id = b.project_id
                            AND r.created_at BETWEEN b.created_at - 600 AND b.created_at + 600)
              THEN 'outside_coverage'
         ELSE 'orphan' END AS classification,
    p.rule, p.unit_price_micros, p.version AS price_version,
    (b.status NOT IN ('expired', 'deleted') AND (SELECT now FROM audit_params) < b.alive_until) AS accruing
  FROM base b
  LEFT JOIN prices p ON p.memory_limit = b.tier AND p.effective_from <= b.price_date
                    AND (p.effective_until IS NULL OR b.price_date <= p.effective_until))
SELECT k.id AS container_id, k.project_id, k.name, k.memory_limit, k.status, k.created_at, k.last_active_at,
       k.ci_calls, k.responses, k.classification,
       CASE k.classification
         WHEN 'used' THEN printf('%d code_interpreter_call item%s ran in this container', k.ci_calls,
                                 iif(k.ci_calls = 1, '', 's'))
         WHEN 'idle' THEN printf('no code_interpreter_call ran in this container, but %s: created on purpose, never ran code',
                                 CASE WHEN k.named > 0 THEN printf('%d response%s name%s it explicitly (%s)', k.named,
                                        iif(k.named = 1, '', 's'), iif(k.named = 1, 's', ''), k.first_referrer)
                                      ELSE printf('%d response%s cite%s a file in it (%s)', k.cited,
                                        iif(k.cited = 1, '', 's'), iif(k.cited = 1, 's', ''), k.first_referrer) END)
         WHEN 'outside_coverage' THEN 'no trace of use, but no collected response was created within 10 minutes of its creation: outside the coverage of the collected data, not accused'
         ELSE CASE WHEN m.candidates > 0
                THEN printf('no code_interpreter_call references this container; %d response%s requested CI auto without running code within %d s of its creation',
                            m.candidates, iif(m.candidates = 1, '', 's'), m.widest_delta)
                ELSE 'no code_interpreter_call references this container and no response names it; no response requesting CI auto was running at its creation'
              END
       END
       || iif(k.accruing, '; still running: its charge is still accruing', '')
       || iif(k.rule IS NULL, printf('; unpriced: no price for memory tier %s on %s', k.tier, k.price_date), '')
         AS reason,
       iif(k.classification = 'orphan', m.best, NULL) AS attributed_response_id,
       CASE WHEN k.classification <> 'orphan' THEN ''
            WHEN m.candidates IS NULL THEN 'none'
            WHEN m.candidates = 1 THEN 'unique'
            ELSE 'ambiguous:' || m.candidates END AS attribution,
       billable_units(k.rule, k.span) AS billable_units,
       coalesce(k.rule, 'unpriced') AS pricing_rule,
       billable_units(k.rule, k.span) * k.unit_price_micros AS estimated_cost_usd,
       k.unit_price_micros, k.price_version, k.tier, k.accruing, k.alive_until
FROM classified k LEFT JOIN audit_match m ON m.container_id = k.id;
CREATE UNIQUE INDEX temp.audit_container_id ON audit_container(container_id);
CREATE INDEX temp.audit_container_by_created ON audit_container(created_at);
CREATE INDEX temp.audit_container_by_attribution ON audit_container(attributed_response_id);

-- Each response's thread: its conversation, else the root of its
-- previous_response_id chain (the oldest ID the chain names, stored or not).
DROP TABLE IF EXISTS temp.audit_response_thread;
CREATE TEMP TABLE audit_response_thread AS
WITH RECURSIVE chain(id, thread_id, kind) AS (
  SELECT r.id,
         coalesce(r.conversation_id, r.previous_response_id, r.id),
         iif(r.conversation_id IS NOT NULL, 'conversation', 'chain')
  FROM responses r
  WHERE r.conversation_id IS NOT NULL OR r.previous_response_id IS NULL
     OR r.previous_response_id NOT IN (SELECT id FROM responses)
  UNION ALL
  SELECT r.id, chain.thread_id, chain.kind
  FROM responses r JOIN chain ON r.previous_response_id = chain.id
  WHERE r.conversation_id IS NULL)
SELECT id, thread_id, kind FROM chain;
-- A previous_response_id cycle (corrupt data) has no root: each is its own.
INSERT INTO audit_response_thread
  SELECT id, id, 'chain' FROM responses WHERE id NOT IN (SELECT id FROM audit_response_thread);
CREATE UNIQUE INDEX temp.audit_response_thread_id ON audit_response_thread(id);

-- The containers of each thread: those its CI calls ran in ('ci') and the
-- orphans attributed to its responses ('attributed').
DROP TABLE IF EXISTS temp.audit_thread_container;
CREATE TEMP TABLE audit_thread_container AS
  SELECT thread_id, kind, container_id, max(via = 'ci') AS ran_code, sum(via = 'ci') AS ci_calls
  FROM (
    SELECT coalesce(rt.thread_id, k.conversation_id, ct.thread_id) AS thread_id,
           coalesce(rt.kind, iif(k.conversation_id IS NOT NULL, 'conversation', NULL), ct.kind) AS kind,
           k.container_id, 'ci' AS via
    FROM ci_calls k
    LEFT JOIN audit_response_thread rt ON rt.id = k.response_id
    LEFT JOIN audit_response_thread ct ON ct.id = k.context_response_id
    UNION ALL
    SELECT rt.thread_id, rt.kind, a.container_id, 'attributed'
    FROM audit_container a JOIN audit_response_thread rt ON rt.id = a.attributed_response_id)
  WHERE thread_id IS NOT NULL
  GROUP BY thread_id, container_id;

DROP TABLE IF EXISTS temp.audit_thread;
CREATE TEMP TABLE audit_thread AS
WITH ordered AS (
  SELECT tc.thread_id, tc.container_id, tc.ran_code, a.created_at, a.alive_until,
         (a.status IN ('expired', 'deleted') OR (SELECT now FROM audit_params) >= a.alive_until) AS expired_now,
         lag(a.alive_until) OVER w AS previous_alive_until,
         row_number() OVER (PARTITION BY tc.thread_id ORDER BY a.created_at DESC, tc.container_id DESC) AS newest,
         row_number() OVER (PARTITION BY tc.thread_id, tc.ran_code ORDER BY a.created_at DESC, tc.container_id DESC) AS newest_of_kind
  FROM audit_thread_container tc JOIN audit_container a ON a.container_id = tc.container_id
  WINDOW w AS (PARTITION BY tc.thread_id ORDER BY a.created_at, tc.container_id)),
flags AS (
  SELECT thread_id,
         max(previous_alive_until IS NOT NULL AND created_at < previous_alive_until) AS repetitive,
         max(previous_alive_until IS NOT NULL AND created_at >= previous_alive_until) AS expired_recreated,
         max(ran_code = 1 AND newest_of_kind = 1 AND expired_now) AS at_risk,
         max(iif(newest = 1, container_id, NULL)) AS latest_container_id,
         min(created_at) AS first_container_at, max(created_at) AS last_container_at
  FROM ordered GROUP BY thread_id),
responses_of AS (
  SELECT rt.thread_id, min(rt.kind) AS kind, count(*) AS responses,
         min(r.created_at) AS first_response_at, max(r.created_at) AS last_response_at,
         max(r.requests_ci_auto) AS requests_ci
  FROM audit_response_thread rt JOIN responses r ON r.id = rt.id
  GROUP BY rt.thread_id),
containers_of AS (
  SELECT thread_id, min(kind) AS kind, count(*) AS containers, sum(ci_calls) AS ci_calls
  FROM audit_thread_container GROUP BY thread_id),
named AS (
  SELECT DISTINCT rt.thread_id FROM container_references cr
  JOIN audit_response_thread rt ON rt.id = cr.response_id WHERE cr.kind = 'named'),
threads AS (
  SELECT thread_id FROM responses_of WHERE requests_ci = 1
  UNION SELECT thread_id FROM containers_of
  UNION SELECT thread_id FROM named)
SELECT t.thread_id,
       coalesce(ro.kind, co.kind) AS kind,
       ro.first_response_at, ro.last_response_at,
       coalesce(ro.responses, 0) AS responses,
       coalesce(co.ci_calls, 0) AS ci_calls,
       coalesce(co.containers, 0) AS containers,
       trim(iif(f.repetitive, 'repetitive;', '') || iif(f.expired_recreated, 'expired_recreated;', '')
            || iif(f.at_risk, 'at_risk;', ''), ';') AS flags,
       f.latest_container_id,
       coalesce(f.repetitive, 0) AS repetitive, coalesce(f.expired_recreated, 0) AS expired_recreated,
       coalesce(f.at_risk, 0) AS at_risk,
       coalesce(ro.first_response_at, f.first_container_at) AS first_seen_at,
       coalesce(ro.last_response_at, f.last_container_at) AS last_seen_at
FROM threads t
LEFT JOIN responses_of ro ON ro.thread_id = t.thread_id
LEFT JOIN containers_of co ON co.thread_id = t.thread_id
LEFT JOIN flags f ON f.thread_id = t.thread_id;

-- The rows a report shows: containers created, and threads active, inside
-- --since/--until (and of one classification for the orphans report).
DROP VIEW IF EXISTS temp.audit_window;
CREATE TEMP VIEW audit_window AS
  SELECT a.* FROM audit_container a, audit_params p
  WHERE (p.since IS NULL OR a.created_at >= p.since) AND (p.until IS NULL OR a.created_at < p.until)
    AND (p.only_classification IS NULL OR a.classification = p.only_classification);
DROP VIEW IF EXISTS temp.audit_thread_window;
CREATE TEMP VIEW audit_thread_window AS
  SELECT t.* FROM audit_thread t, audit_params p
  WHERE (p.since IS NULL OR t.last_seen_at >= p.since) AND (p.until IS NULL OR t.first_seen_at < p.until);
