-- The price table (src/store/prices.c).

-- name: close_earlier
-- A row imported for a tier from a day ends the open row that covers it.
UPDATE prices SET effective_until = date(?2, '-1 day')
WHERE memory_limit = ?1 AND effective_from < ?2 AND (effective_until IS NULL OR effective_until >= ?2)

-- name: insert
INSERT OR REPLACE INTO prices VALUES (?1, ?2, ?3, ?4, ?5, ?6)

-- name: overlaps
-- Two rows of one tier covering the same day make every report ambiguous.
SELECT a.memory_limit, a.effective_from, b.effective_from
FROM prices a JOIN prices b
  ON a.memory_limit = b.memory_limit AND a.effective_from < b.effective_from
 AND (a.effective_until IS NULL OR a.effective_until >= b.effective_from)
LIMIT 1
