-- runs: every collect and import, newest last. Columns: id, command,
-- options (the arguments; keys are never among them), started_at,
-- finished_at, status (running = never finished: killed), objects, changed,
-- not_found, failed, requests, retries, errors (the first ones).
SELECT id, command, options, started_at, finished_at, status, objects, changed, not_found, failed,
       requests, retries, coalesce(errors, '') AS errors
FROM runs
ORDER BY id;
