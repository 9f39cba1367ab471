-- The audit as it was first written, in SQL: the reference the C engine
-- (src/audit*.c) is held to. tests/oracle/audit_oracle.c runs both over the
-- same database and requires every column of every container and thread
-- row to agree. Not used by the product. Builds TEMP tables oracle_* from
-- the store and temp.audit_params(now):
--   oracle_container   one row per stored container: its trace of use, its
--                     classification and reason, the attribution of an
--                     orphan, its billable units and estimated cost
--   oracle_thread      one row per thread (conversation or
--                     previous_response_id chain) that involved code
--                     interpreter, with its flags
-- SQL function from tests/oracle/audit_oracle.c: billable_units(rule, span_seconds).

-- The indexes this SQL needs to run in n log n: the product's schema no
-- longer has them (migration 0004), so the oracle adds them to the
-- throwaway database it runs on.
CREATE INDEX IF NOT EXISTS main.oracle_responses_by_created ON responses(project_id, created_at);
CREATE INDEX IF NOT EXISTS main.oracle_responses_by_previous ON responses(previous_response_id);
CREATE INDEX IF NOT EXISTS main.oracle_calls_by_container ON container_calls(container_id);
CREATE INDEX IF NOT EXISTS main.oracle_calls_by_response ON container_calls(response_id);

-- Responses whose own output holds a container call (code_interpreter_call
-- or shell_call): they ran code.
DROP TABLE IF EXISTS temp.oracle_ran_code;
CREATE TEMP TABLE oracle_ran_code AS
  SELECT DISTINCT response_id AS id FROM container_calls WHERE response_id IS NOT NULL;
CREATE UNIQUE INDEX temp.oracle_ran_code_id ON oracle_ran_code(id);

-- Every trace a container left: container calls that ran in it, responses
-- that named it, citations of a file in it (by responses, conversations or
-- items). Only responses count in `responses`.
DROP TABLE IF EXISTS temp.oracle_trace;
CREATE TEMP TABLE oracle_trace AS
  SELECT container_id,
         sum(kind = 'code_interpreter_call') AS ci_calls,
         sum(kind = 'shell_call')            AS shell_calls,
         count(DISTINCT response_id)         AS responses,
         sum(kind = 'named')                 AS named,
         sum(kind = 'cited')                 AS cited,
         min(iif(kind = 'named', referrer, NULL)) AS first_named,
         min(iif(kind = 'cited', referrer, NULL)) AS first_cited
  FROM (SELECT container_id, response_id, kind, NULL AS referrer FROM container_calls
        UNION ALL
        SELECT container_id, iif(referrer_kind = 'response', referrer_id, NULL), kind, referrer_id
        FROM container_references)
  GROUP BY container_id;
CREATE UNIQUE INDEX temp.oracle_trace_id ON oracle_trace(container_id);

-- Responses that could have made an untraced container: they requested an
-- automatic container and ran no code. An unfinished response's window ends
-- at created_at.
DROP TABLE IF EXISTS temp.oracle_candidate;
CREATE TEMP TABLE oracle_candidate AS
  SELECT r.id, r.project_id, r.created_at,
         max(r.created_at, coalesce(r.completed_at, r.created_at)) AS completed_at
  FROM responses r
  WHERE r.requests_container_auto <> 0 AND r.id NOT IN (SELECT id FROM oracle_ran_code);
CREATE INDEX temp.oracle_candidate_by_created ON oracle_candidate(project_id, created_at);

-- Which candidate windows [created_at - 5 s, completed_at + 5 s] hold each
-- untraced container's creation; the nearest by created_at ranks first
-- (ties: the earlier response, then the smaller id).
DROP TABLE IF EXISTS temp.oracle_match;
CREATE TEMP TABLE oracle_match AS
  WITH longest AS (SELECT coalesce(max(completed_at - created_at), 0) AS span FROM oracle_candidate),
  untraced AS (
    SELECT c.id, c.project_id, c.created_at FROM containers c
    WHERE c.id NOT IN (SELECT container_id FROM oracle_trace)),
  pairs AS (
    SELECT u.id AS container_id, a.id AS response_id, abs(a.created_at - u.created_at) AS delta, a.created_at
    FROM untraced u JOIN oracle_candidate a
      ON a.project_id = u.project_id
     AND a.created_at BETWEEN u.created_at - (SELECT span FROM longest) - 5 AND u.created_at + 5
     AND a.completed_at + 5 >= u.created_at),
  ranked AS (
    SELECT container_id, response_id,
           count(*) OVER w AS candidates, max(delta) OVER w AS widest_delta,
           row_number() OVER (PARTITION BY container_id ORDER BY delta, created_at, response_id) AS rank
    FROM pairs WINDOW w AS (PARTITION BY container_id))
  SELECT container_id, candidates, widest_delta, response_id AS best FROM ranked WHERE rank = 1;
CREATE UNIQUE INDEX temp.oracle_match_id ON oracle_match(container_id);

DROP TABLE IF EXISTS temp.oracle_container;
CREATE TEMP TABLE oracle_container AS
WITH base AS (
  SELECT c.id, c.project_id, c.name, c.memory_limit, c.status, c.created_at, c.last_active_at,
         coalesce(c.memory_limit, '1g') AS tier,
         max(0, coalesce(c.last_active_at, c.created_at) - c.created_at) AS span,
         coalesce(c.last_active_at, c.created_at) + 60 * coalesce(c.expires_after_minutes, 20) AS alive_until,
         coalesce(t.ci_calls, 0) AS ci_calls, coalesce(t.shell_calls, 0) AS shell_calls,
         coalesce(t.responses, 0) AS responses, coalesce(t.named, 0) AS named, coalesce(t.cited, 0) AS cited,
         t.first_named, t.first_cited,
         date(c.created_at, 'unixepoch') AS price_date
  FROM containers c LEFT JOIN oracle_trace t ON t.container_id = c.id),
classified AS (
  SELECT b.*,
    CASE WHEN b.ci_calls + b.shell_calls > 0 THEN 'used'
         WHEN b.named > 0 OR b.cited > 0 THEN 'idle'
         WHEN NOT EXISTS (SELECT 1 FROM responses r
                          WHERE r.project_id = b.project_id
                            AND r.created_at BETWEEN b.created_at - 600 AND b.created_at + 600)
              THEN 'outside_coverage'
         ELSE 'orphan' END AS classification,
    -- Unpriced, the rule in force is that of another tier's row on the day
    -- (in the table's order), else the published eras.
    coalesce(p.rule,
             (SELECT q.rule FROM prices q WHERE q.effective_from <= b.price_date
                AND (q.effective_until IS NULL OR b.price_date <= q.effective_until)
              ORDER BY q.memory_limit, q.effective_from LIMIT 1),
             CASE WHEN b.price_date <= '2026-03-30' THEN 'per_container'
                  WHEN b.price_date <= '2026-06-01' THEN 'per_session_20m' ELSE 'per_minute_min5' END) AS rule,
    p.rule IS NULL AS unpriced, p.unit_price_micros, p.version AS price_version,
    (b.status NOT IN ('expired', 'deleted') AND (SELECT now FROM audit_params) < b.alive_until) AS accruing
  FROM base b
  LEFT JOIN prices p ON p.memory_limit = b.tier AND p.effective_from <= b.price_date
                    AND (p.effective_until IS NULL OR b.price_date <= p.effective_until))
SELECT k.id AS container_id, k.project_id, k.name, k.memory_limit, k.status, k.created_at, k.last_active_at,
       k.ci_calls, k.shell_calls, k.responses, k.classification,
       CASE k.classification
         WHEN 'used' THEN
           CASE WHEN k.ci_calls > 0 AND k.shell_calls > 0
                  THEN printf('%d code_interpreter_call and %d shell_call items', k.ci_calls, k.shell_calls)
                WHEN k.shell_calls > 0 THEN printf('%d shell_call item%s', k.shell_calls, iif(k.shell_calls = 1, '', 's'))
                ELSE printf('%d code_interpreter_call item%s', k.ci_calls, iif(k.ci_calls = 1, '', 's')) END
           || ' ran in this container'
         WHEN 'idle' THEN printf('no container call ran in this container, but %s: created on purpose, never ran code',
                                 CASE WHEN k.named > 0 THEN printf('%d response%s name%s it explicitly (%s)', k.named,
                                        iif(k.named = 1, '', 's'), iif(k.named = 1, 's', ''), k.first_named)
                                      ELSE 'a file in it is cited by ' || k.first_cited
                                        || iif(k.cited > 1, printf(' and %d other%s', k.cited - 1, iif(k.cited = 2, '', 's')), '') END)
         WHEN 'outside_coverage' THEN 'no trace of use, but no collected response was created within 10 minutes of its creation: outside the coverage of the collected data, not accused'
         ELSE 'no container call (code_interpreter_call or shell_call) ran in this container'
              || CASE WHEN m.candidates > 0
                   THEN printf('; %d response%s requested an automatic container without running code within %d s of its creation',
                               m.candidates, iif(m.candidates = 1, '', 's'), m.widest_delta)
                   ELSE ' and nothing names or cites it; no response requesting an automatic container was running at its creation'
                 END
       END
       || iif(k.accruing, '; still running: its charge is still accruing', '')
       || iif(k.unpriced, printf('; unpriced: no price for memory tier %s on %s', k.tier, k.price_date), '')
         AS reason,
       iif(k.classification = 'orphan', m.best, NULL) AS attributed_response_id,
       CASE WHEN k.classification <> 'orphan' THEN ''
            WHEN m.candidates IS NULL THEN 'none'
            WHEN m.candidates = 1 THEN 'unique'
            ELSE 'ambiguous:' || m.candidates END AS attribution,
       billable_units(k.rule, k.span) AS billable_units,
       k.rule AS pricing_rule,
       billable_units(k.rule, k.span) * k.unit_price_micros AS estimated_cost_usd,
       k.unit_price_micros, k.price_version, k.tier, k.accruing, k.alive_until, k.unpriced
FROM classified k LEFT JOIN oracle_match m ON m.container_id = k.id;
CREATE UNIQUE INDEX temp.oracle_container_id ON oracle_container(container_id);
CREATE INDEX temp.oracle_container_by_created ON oracle_container(created_at, container_id);

-- Each response's thread: its conversation, else the root of its
-- previous_response_id chain (the oldest ID the chain names, stored or not).
-- created_at and requests_container_auto ride along so threads need no join back.
DROP TABLE IF EXISTS temp.oracle_response_thread;
CREATE TEMP TABLE oracle_response_thread AS
WITH RECURSIVE chain(id, thread_id, kind, created_at, requests_container_auto) AS (
  SELECT r.id,
         coalesce(r.conversation_id, r.previous_response_id, r.id),
         iif(r.conversation_id IS NOT NULL, 'conversation', 'chain'),
         r.created_at, r.requests_container_auto
  FROM responses r
  WHERE r.conversation_id IS NOT NULL OR r.previous_response_id IS NULL
     OR r.previous_response_id NOT IN (SELECT id FROM responses)
  UNION ALL
  SELECT r.id, chain.thread_id, chain.kind, r.created_at, r.requests_container_auto
  FROM responses r JOIN chain ON r.previous_response_id = chain.id
  WHERE r.conversation_id IS NULL)
SELECT id, thread_id, kind, created_at, requests_container_auto FROM chain;
-- A previous_response_id cycle (corrupt data) has no root: each is its own.
INSERT INTO oracle_response_thread
  SELECT id, id, 'chain', created_at, requests_container_auto FROM responses
  WHERE id NOT IN (SELECT id FROM oracle_response_thread);
CREATE UNIQUE INDEX temp.oracle_response_thread_id ON oracle_response_thread(id);

-- The containers of each thread: those its container calls ran in and the
-- orphans attributed to its responses, with what the flags and the costs
-- need to know of each container.
DROP TABLE IF EXISTS temp.oracle_thread_container;
CREATE TEMP TABLE oracle_thread_container AS
  WITH links AS (
    SELECT coalesce(rt.thread_id, k.conversation_id, ct.thread_id) AS thread_id,
           coalesce(rt.kind, iif(k.conversation_id IS NOT NULL, 'conversation', NULL), ct.kind) AS kind,
           k.container_id, 1 AS ran_code, k.kind = 'shell_call' AS shell
    FROM container_calls k
    LEFT JOIN oracle_response_thread rt ON rt.id = k.response_id
    LEFT JOIN oracle_response_thread ct ON ct.id = k.context_response_id
    UNION ALL
    SELECT rt.thread_id, rt.kind, a.container_id, 0, 0
    FROM oracle_container a JOIN oracle_response_thread rt ON rt.id = a.attributed_response_id
    WHERE a.classification = 'orphan' AND a.attributed_response_id IS NOT NULL)
  SELECT l.thread_id, min(l.kind) AS kind, l.container_id, max(l.ran_code) AS ran_code,
         sum(l.ran_code AND NOT l.shell) AS ci_calls, sum(l.ran_code AND l.shell) AS shell_calls,
         a.created_at, a.alive_until, a.estimated_cost_usd, a.unpriced, a.classification,
         (a.status IN ('expired', 'deleted') OR (SELECT now FROM audit_params) >= a.alive_until) AS expired_now
  FROM links l LEFT JOIN oracle_container a ON a.container_id = l.container_id
  WHERE l.thread_id IS NOT NULL
  GROUP BY l.thread_id, l.container_id;

-- Per thread: the flags, from each container against the one before it
-- (in created_at order), and its latest containers. A key of created_at
-- then id orders containers inside max(): the latest, ties to the larger id.
DROP TABLE IF EXISTS temp.oracle_thread_flags;
CREATE TEMP TABLE oracle_thread_flags AS
  SELECT thread_id,
         max(previous_alive_until IS NOT NULL AND created_at < previous_alive_until) AS repetitive,
         max(previous_alive_until IS NOT NULL AND created_at >= previous_alive_until) AS expired_recreated,
         max(printf('%012d', created_at) || container_id) AS newest,
         max(iif(ran_code = 1, printf('%012d', created_at) || expired_now || container_id, NULL)) AS newest_ci,
         min(created_at) AS first_container_at, max(created_at) AS last_container_at
  FROM (SELECT thread_id, container_id, ran_code, created_at, expired_now,
               lag(alive_until) OVER (PARTITION BY thread_id ORDER BY created_at, container_id) AS previous_alive_until
        FROM oracle_thread_container WHERE created_at IS NOT NULL)
  GROUP BY thread_id;
CREATE UNIQUE INDEX temp.oracle_thread_flags_id ON oracle_thread_flags(thread_id);

-- Threads that involved containers: requested one automatically, named
-- one, ran a container call, or were attributed an orphan. Costs sum the
-- thread's containers; one unpriced or not stored container makes a sum unknown.
DROP TABLE IF EXISTS temp.oracle_thread;
CREATE TEMP TABLE oracle_thread AS
WITH parts AS (
  SELECT thread_id, kind, 1 AS responses, created_at, requests_container_auto <> 0 AS requests_container,
         0 AS containers, 0 AS ci_calls, 0 AS shell_calls, 0 AS named, 0 AS cost, 0 AS cost_unknown,
         0 AS orphan_cost, 0 AS orphan_cost_unknown
  FROM oracle_response_thread
  UNION ALL
  SELECT thread_id, kind, 0, NULL, 0, 1, ci_calls, shell_calls, 0, coalesce(estimated_cost_usd, 0),
         coalesce(unpriced, 1), iif(classification = 'orphan', coalesce(estimated_cost_usd, 0), 0),
         classification = 'orphan' AND unpriced
  FROM oracle_thread_container
  UNION ALL
  SELECT rt.thread_id, rt.kind, 0, NULL, 0, 0, 0, 0, 1, 0, 0, 0, 0
  FROM container_references cr JOIN oracle_response_thread rt ON rt.id = cr.referrer_id
  WHERE cr.kind = 'named'),
threads AS (
  SELECT thread_id, min(kind) AS kind, sum(responses) AS responses,
         min(created_at) AS first_response_at, max(created_at) AS last_response_at,
         sum(containers) AS containers, sum(ci_calls) AS ci_calls, sum(shell_calls) AS shell_calls,
         iif(max(cost_unknown), NULL, sum(cost)) AS estimated_cost_usd,
         iif(max(orphan_cost_unknown), NULL, sum(orphan_cost)) AS orphan_cost_usd
  FROM parts GROUP BY thread_id
  HAVING max(requests_container) = 1 OR sum(containers) > 0 OR max(named) = 1)
SELECT t.thread_id, t.kind, t.first_response_at, t.last_response_at, t.responses, t.ci_calls, t.shell_calls,
       t.containers, t.estimated_cost_usd, t.orphan_cost_usd,
       trim(iif(f.repetitive, 'repetitive;', '') || iif(f.expired_recreated, 'expired_recreated;', '')
            || iif(substr(f.newest_ci, 13, 1) = '1', 'at_risk;', ''), ';') AS flags,
       substr(f.newest, 13) AS latest_container_id,
       coalesce(f.repetitive, 0) AS repetitive, coalesce(f.expired_recreated, 0) AS expired_recreated,
       coalesce(substr(f.newest_ci, 13, 1) = '1', 0) AS at_risk,
       coalesce(t.first_response_at, f.first_container_at) AS first_seen_at,
       coalesce(t.last_response_at, f.last_container_at) AS last_seen_at
FROM threads t LEFT JOIN oracle_thread_flags f ON f.thread_id = t.thread_id;

-- Each container's thread: the first, in the threads' order, that it ran in
-- or was attributed to.
ALTER TABLE oracle_container ADD COLUMN thread_id TEXT;
UPDATE oracle_container SET thread_id = (
  SELECT tc.thread_id FROM oracle_thread_container tc JOIN oracle_thread t ON t.thread_id = tc.thread_id
  WHERE tc.container_id = oracle_container.container_id
  ORDER BY t.first_seen_at, t.thread_id LIMIT 1);
