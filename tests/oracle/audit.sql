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
CREATE INDEX IF NOT EXISTS main.oracle_ci_calls_by_container ON ci_calls(container_id);
CREATE INDEX IF NOT EXISTS main.oracle_ci_calls_by_response ON ci_calls(response_id);

-- Responses whose own output holds a code_interpreter_call: they ran code.
DROP TABLE IF EXISTS temp.oracle_ran_code;
CREATE TEMP TABLE oracle_ran_code AS
  SELECT DISTINCT response_id AS id FROM ci_calls WHERE response_id IS NOT NULL;
CREATE UNIQUE INDEX temp.oracle_ran_code_id ON oracle_ran_code(id);

-- Every trace a container left: CI calls that ran in it, responses that
-- named it or cited a file in it.
DROP TABLE IF EXISTS temp.oracle_trace;
CREATE TEMP TABLE oracle_trace AS
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
CREATE UNIQUE INDEX temp.oracle_trace_id ON oracle_trace(container_id);

-- Responses that could have made an untraced container: they requested CI
-- auto and ran no code. An unfinished response's window ends at created_at.
DROP TABLE IF EXISTS temp.oracle_candidate;
CREATE TEMP TABLE oracle_candidate AS
  SELECT r.id, r.project_id, r.created_at,
         max(r.created_at, coalesce(r.completed_at, r.created_at)) AS completed_at
  FROM responses r
  WHERE r.requests_ci_auto = 1 AND r.id NOT IN (SELECT id FROM oracle_ran_code);
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
         coalesce(t.ci_calls, 0) AS ci_calls, coalesce(t.responses, 0) AS responses,
         coalesce(t.named, 0) AS named, coalesce(t.cited, 0) AS cited, t.first_referrer,
         date(c.created_at, 'unixepoch') AS price_date
  FROM containers c LEFT JOIN oracle_trace t ON t.container_id = c.id),
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
FROM classified k LEFT JOIN oracle_match m ON m.container_id = k.id;
CREATE UNIQUE INDEX temp.oracle_container_id ON oracle_container(container_id);
CREATE INDEX temp.oracle_container_by_created ON oracle_container(created_at, container_id);

-- Each response's thread: its conversation, else the root of its
-- previous_response_id chain (the oldest ID the chain names, stored or not).
-- created_at and requests_ci_auto ride along so threads need no join back.
DROP TABLE IF EXISTS temp.oracle_response_thread;
CREATE TEMP TABLE oracle_response_thread AS
WITH RECURSIVE chain(id, thread_id, kind, created_at, requests_ci_auto) AS (
  SELECT r.id,
         coalesce(r.conversation_id, r.previous_response_id, r.id),
         iif(r.conversation_id IS NOT NULL, 'conversation', 'chain'),
         r.created_at, r.requests_ci_auto
  FROM responses r
  WHERE r.conversation_id IS NOT NULL OR r.previous_response_id IS NULL
     OR r.previous_response_id NOT IN (SELECT id FROM responses)
  UNION ALL
  SELECT r.id, chain.thread_id, chain.kind, r.created_at, r.requests_ci_auto
  FROM responses r JOIN chain ON r.previous_response_id = chain.id
  WHERE r.conversation_id IS NULL)
SELECT id, thread_id, kind, created_at, requests_ci_auto FROM chain;
-- A previous_response_id cycle (corrupt data) has no root: each is its own.
INSERT INTO oracle_response_thread
  SELECT id, id, 'chain', created_at, requests_ci_auto FROM responses
  WHERE id NOT IN (SELECT id FROM oracle_response_thread);
CREATE UNIQUE INDEX temp.oracle_response_thread_id ON oracle_response_thread(id);

-- The containers of each thread: those its CI calls ran in ('ci') and the
-- orphans attributed to its responses ('attributed'), with what the flags
-- need to know of each container.
DROP TABLE IF EXISTS temp.oracle_thread_container;
CREATE TEMP TABLE oracle_thread_container AS
  WITH links AS (
    SELECT coalesce(rt.thread_id, k.conversation_id, ct.thread_id) AS thread_id,
           coalesce(rt.kind, iif(k.conversation_id IS NOT NULL, 'conversation', NULL), ct.kind) AS kind,
           k.container_id, 1 AS ran_code
    FROM ci_calls k
    LEFT JOIN oracle_response_thread rt ON rt.id = k.response_id
    LEFT JOIN oracle_response_thread ct ON ct.id = k.context_response_id
    UNION ALL
    SELECT rt.thread_id, rt.kind, a.container_id, 0
    FROM oracle_container a JOIN oracle_response_thread rt ON rt.id = a.attributed_response_id
    WHERE a.classification = 'orphan' AND a.attributed_response_id IS NOT NULL)
  SELECT l.thread_id, min(l.kind) AS kind, l.container_id, max(l.ran_code) AS ran_code,
         sum(l.ran_code) AS ci_calls, a.created_at, a.alive_until,
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

-- Threads that involved code interpreter: requested it, named a container,
-- ran code, or were attributed an orphan.
DROP TABLE IF EXISTS temp.oracle_thread;
CREATE TEMP TABLE oracle_thread AS
WITH parts AS (
  SELECT thread_id, kind, 1 AS responses, created_at, requests_ci_auto AS requests_ci,
         0 AS containers, 0 AS ci_calls, 0 AS named
  FROM oracle_response_thread
  UNION ALL
  SELECT thread_id, kind, 0, NULL, 0, 1, ci_calls, 0 FROM oracle_thread_container
  UNION ALL
  SELECT rt.thread_id, rt.kind, 0, NULL, 0, 0, 0, 1
  FROM container_references cr JOIN oracle_response_thread rt ON rt.id = cr.response_id
  WHERE cr.kind = 'named'),
threads AS (
  SELECT thread_id, min(kind) AS kind, sum(responses) AS responses,
         min(created_at) AS first_response_at, max(created_at) AS last_response_at,
         sum(containers) AS containers, sum(ci_calls) AS ci_calls
  FROM parts GROUP BY thread_id
  HAVING max(requests_ci) = 1 OR sum(containers) > 0 OR max(named) = 1)
SELECT t.thread_id, t.kind, t.first_response_at, t.last_response_at, t.responses, t.ci_calls, t.containers,
       trim(iif(f.repetitive, 'repetitive;', '') || iif(f.expired_recreated, 'expired_recreated;', '')
            || iif(substr(f.newest_ci, 13, 1) = '1', 'at_risk;', ''), ';') AS flags,
       substr(f.newest, 13) AS latest_container_id,
       coalesce(f.repetitive, 0) AS repetitive, coalesce(f.expired_recreated, 0) AS expired_recreated,
       coalesce(substr(f.newest_ci, 13, 1) = '1', 0) AS at_risk,
       coalesce(t.first_response_at, f.first_container_at) AS first_seen_at,
       coalesce(t.last_response_at, f.last_container_at) AS last_seen_at
FROM threads t LEFT JOIN oracle_thread_flags f ON f.thread_id = t.thread_id;
