-- The audit's parameters, set once by audit_run (src/audit/audit.c) for the
-- reports that print them: now, the window (since, until: NULL = open) and
-- the daily report's period ('day' or 'month').

-- name: create
DROP TABLE IF EXISTS temp.audit_params;
CREATE TEMP TABLE audit_params(now INTEGER NOT NULL, since INTEGER, until INTEGER, period TEXT NOT NULL)

-- name: set
INSERT INTO temp.audit_params VALUES (?1, ?2, ?3, ?4)
