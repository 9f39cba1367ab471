-- threads: one row per conversation or previous_response_id chain that
-- involved code interpreter (requested it, named a container, ran code, or
-- was attributed an orphan), active in the window.
-- Columns (SPEC order): thread_id (conv_ id, or the chain's root response),
-- kind (conversation | chain), first_response_at, last_response_at,
-- responses (stored responses in it), ci_calls, containers (distinct, used or
-- attributed), flags (repetitive;expired_recreated;at_risk), and
-- latest_container_id (the most recently created of its containers).
SELECT thread_id, kind, first_response_at, last_response_at, responses, ci_calls, containers, flags,
       latest_container_id
FROM audit_thread_window
ORDER BY first_seen_at, thread_id;
