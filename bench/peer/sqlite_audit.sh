#!/usr/bin/env bash
# The sqlite3 CLI peer: what a data engineer writes with nothing but the
# sqlite3 shell — the JSON Lines loaded a line a row (.import), the pages
# and arrays opened with json_each, and the audit's rules as one SQL query,
# the same rules as duckdb_audit.mjs (used, idle, outside coverage, orphan;
# the estimate by the price era of the UTC creation day; one project).
#   bench/peer/sqlite_audit.sh ACCOUNT ITEMS_LIST DB [--expect SUMMARY.json]
# ACCOUNT holds containers.jsonl and responses.jsonl; ITEMS_LIST names the
# conversation item pages, one path a line; DB is created (it must not
# exist). Prints the figures, a line a classification; with --expect
# (cntraudit report summary --format json) exits 1 unless they are the
# summary's classification rows.
set -euo pipefail
[ $# -eq 3 ] || [ $# -eq 5 ] && [ "${4:---expect}" = --expect ] ||
  { echo "usage: sqlite_audit.sh ACCOUNT ITEMS_LIST DB [--expect SUMMARY.json]" >&2; exit 2; }
account=$1 items=$2 db=$3 expect=${5:-}
[ ! -e "$db" ] || { echo "sqlite_audit.sh: $db exists" >&2; exit 2; }
q() { printf "'%s'" "${1//\'/\'\'}"; }

era1=$(date -u -d 2026-03-31 +%s) era2=$(date -u -d 2026-06-02 +%s)
{
  # One column, one row per line: ASCII mode splits on 0x1F, which JSON
  # text never holds unescaped, and no quote is special.
  echo "CREATE TABLE containers_l(j TEXT); CREATE TABLE responses_l(j TEXT); CREATE TABLE items_j(item TEXT);"
  echo ".mode ascii"
  echo ".separator \"\\037\" \"\\n\""
  echo ".import $(q "$account/containers.jsonl") containers_l"
  echo ".import $(q "$account/responses.jsonl") responses_l"
  echo "BEGIN;"
  while IFS= read -r page; do
    [ -n "$page" ] && echo "INSERT INTO items_j SELECT value FROM json_each(readfile($(q "$page")), '\$.data');"
  done <"$items"
  cat <<SQL
CREATE TABLE containers_j AS
  SELECT d.value ->> 'id' AS id, d.value ->> 'created_at' AS created_at,
         d.value ->> 'last_active_at' AS last_active_at, d.value ->> 'memory_limit' AS memory_limit
  FROM containers_l, json_each(j, '\$.data') d;
CREATE TABLE responses_j AS
  SELECT j ->> 'id' AS id, j ->> 'created_at' AS created_at, j -> 'tools' AS tools, j -> 'output' AS output
  FROM responses_l;
CREATE TABLE every_item_j AS
  SELECT o.value AS item FROM responses_j, json_each(output) o UNION ALL SELECT item FROM items_j;
-- the stored copy of each container (a newer copy replaces an older one)
CREATE TABLE containers_t AS
  SELECT id, created_at, tier, max(0, seen - created_at) AS span FROM (
    SELECT id, created_at, coalesce(memory_limit, '1g') AS tier, max(coalesce(last_active_at, created_at)) AS seen
    FROM containers_j GROUP BY id);
-- container calls, deduplicated by their ID: what ran in each container
CREATE TABLE calls_t AS
  SELECT DISTINCT item ->> 'id' AS id,
         CASE item ->> 'type' WHEN 'code_interpreter_call' THEN item ->> 'container_id'
              WHEN 'shell_call' THEN iif(item -> 'environment' ->> 'type' = 'container_reference',
                                         item -> 'environment' ->> 'container_id', NULL) END AS container
  FROM every_item_j WHERE item ->> 'type' IN ('code_interpreter_call', 'shell_call') AND item ->> 'id' IS NOT NULL;
-- containers a response's tools name, or a citation points into
CREATE TABLE traced_t AS
  SELECT id FROM (
    SELECT CASE WHEN t.value ->> 'type' = 'code_interpreter'
                THEN coalesce(t.value -> 'container' ->> 'id',
                              iif(json_type(t.value, '\$.container') = 'text', t.value ->> 'container', NULL))
                WHEN t.value -> 'environment' ->> 'type' = 'container_reference'
                THEN t.value -> 'environment' ->> 'container_id' END AS id
    FROM responses_j, json_each(tools) t
    UNION
    SELECT a.value ->> 'container_id' FROM every_item_j, json_each(item, '\$.content') c,
           json_each(c.value, '\$.annotations') a
    WHERE item ->> 'type' = 'message') WHERE id IS NOT NULL;
CREATE TABLE times_t AS SELECT created_at FROM responses_j;
CREATE INDEX times_t_created ON times_t(created_at);
DROP TABLE containers_l; DROP TABLE responses_l; DROP TABLE items_j;
DROP TABLE containers_j; DROP TABLE responses_j; DROP TABLE every_item_j;
COMMIT;
CREATE TABLE figures AS
WITH used AS (SELECT DISTINCT container AS id FROM calls_t WHERE container IS NOT NULL),
judged AS (
  SELECT c.*, CASE WHEN c.id IN (SELECT id FROM used) THEN 'used'
                   WHEN c.id IN (SELECT id FROM traced_t) THEN 'idle'
                   WHEN coalesce((SELECT min(t.created_at) FROM times_t t WHERE t.created_at >= c.created_at - 600)
                                 > c.created_at + 600, 1) THEN 'outside_coverage'
                   ELSE 'orphan' END AS class,
         CASE WHEN c.created_at < $era1 THEN 1
              WHEN c.created_at < $era2 THEN max(1, (span + 1199) / 1200)
              ELSE max(5, (span + 59) / 60) END AS units,
         (CASE tier WHEN '1g' THEN 1 WHEN '4g' THEN 4 WHEN '16g' THEN 16 WHEN '64g' THEN 64 END)
           * iif(c.created_at < $era2, 30000, 1500) AS unit_micros
  FROM containers_t c)
SELECT class, count(*) AS n, coalesce(sum(units * unit_micros), 0) AS micros FROM judged GROUP BY class;
.mode list
.separator " "
SELECT class, n, micros FROM figures ORDER BY class;
SQL
  if [ -n "$expect" ]; then
    # The summary's classification rows, in micro-dollars; a line for each
    # figure that differs, and then a refusal.
    cat <<SQL
CREATE TEMP TABLE want AS
  SELECT r.value ->> 'item' AS class, r.value ->> 'count' AS n,
         CAST(round((r.value ->> 'amount_usd') * 1e6) AS INTEGER) AS micros
  FROM json_each(readfile($(q "$expect")), '\$.rows') r
  WHERE r.value ->> 'section' = 'classification' AND r.value ->> 'item' <> 'total';
SELECT 'MISMATCH ' || k.class || ': ' || coalesce(f.n, 0) || ' containers, ' || coalesce(f.micros, 0)
       || ' micro-dollars; the summary says ' || coalesce(w.n, 0) || ', ' || coalesce(w.micros, 0)
FROM (SELECT 'used' AS class UNION ALL SELECT 'idle' UNION ALL SELECT 'outside_coverage' UNION ALL SELECT 'orphan') k
LEFT JOIN figures f USING (class) LEFT JOIN want w USING (class)
WHERE coalesce(f.n, 0) <> coalesce(w.n, 0) OR coalesce(f.micros, 0) <> coalesce(w.micros, 0);
SQL
  fi
} | sqlite3 -bail "$db" | {
  status=0
  while IFS= read -r line; do
    case $line in MISMATCH*) echo "sqlite3 peer: ${line#MISMATCH }" >&2; status=1 ;; *) echo "$line" ;; esac
  done
  exit $status
}
