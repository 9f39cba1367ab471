-- threads: one row per conversation or previous_response_id chain that
-- involved containers (requested one automatically, named one, ran a
-- container call, or was attributed an orphan), active in the window.
-- Columns (SPEC order): thread_id (conv_ id, or the chain's root response),
-- kind (conversation | chain), first_response_at, last_response_at,
-- responses (stored responses in it), ci_calls, shell_calls, containers
-- (distinct, used or attributed), flags (repetitive;expired_recreated;at_risk),
-- latest_container_id (the most recently created of its containers),
-- estimated_cost_usd (its containers' estimated cost; a container
-- shared by several threads counts in each) and orphan_cost_usd (its orphans'
-- part of it); empty when one of the containers they sum is unpriced (or,
-- for estimated_cost_usd, not stored: its price is unknown).
SELECT thread_id, kind, first_response_at, last_response_at, responses, ci_calls, shell_calls, containers, flags,
       latest_container_id, estimated_cost_usd, orphan_cost_usd
FROM audit_thread_window
ORDER BY seq; -- first_seen_at, then thread_id: the order the threads are kept in
