-- The runs record (src/store/runs.c): one row per collect or import.

-- name: begin
INSERT INTO runs(command, options, started_at, status) VALUES (?1, ?2, ?3, 'running')

-- name: finish
UPDATE runs SET finished_at = ?2, status = ?3, objects = ?4, changed = ?5, not_found = ?6,
                failed = ?7, requests = ?8, retries = ?9, errors = ?10
WHERE id = ?1

-- name: progress
-- A long run's counts so far (the proxy's, after its batches): what a run
-- killed before it could finish had stored.
UPDATE runs SET objects = ?2, changed = ?3, failed = ?4 WHERE id = ?1 AND status = 'running'

-- name: key_fingerprints
UPDATE runs SET key_fingerprints = ?2 WHERE id = ?1
