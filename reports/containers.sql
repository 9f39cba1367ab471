-- containers: one row per container created in the window, with the audit's
-- verdict on it. Also serves the orphans report and the evidence's
-- orphans.csv: :only, when bound, keeps one classification.
-- Columns (SPEC order): container_id, project_id, name, memory_limit (empty
-- when the API omitted it: priced as 1g), status, created_at, last_active_at,
-- ci_calls (code_interpreter_call items that ran in it), shell_calls
-- (shell_call items whose environment is this container), responses
-- (distinct responses whose calls ran in it, or that name or cite it),
-- thread_id (the first thread, in the threads report's order, whose calls
-- ran in it or whose response it is attributed to; empty when none),
-- classification, reason, attributed_response_id, attribution,
-- billable_units (in the pricing rule's unit), pricing_rule (the rule in
-- force at its creation, priced or not), estimated_cost_usd (empty when
-- unpriced: the reason says so); then, so OpenAI support can find each cited
-- object in its own logs, request_id (the x-request-id of the reply that
-- carried the container) and attributed_request_id (that of the attributed
-- response); empty for objects imported from files.
SELECT container_id, project_id, name, memory_limit, status, created_at, last_active_at,
       ci_calls, shell_calls, responses, thread_id, classification, reason, attributed_response_id, attribution,
       billable_units, pricing_rule, estimated_cost_usd, request_id, attributed_request_id
FROM audit_window
WHERE :only IS NULL OR classification = :only
ORDER BY created_at, container_id;
