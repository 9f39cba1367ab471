#!/usr/bin/env bash
# Imports and reports in a 2 GB address space (ulimit -v), as a small
# container or a hostile file would leave them: nothing aborts, nothing is
# lost silently. Sanitizers reserve terabytes of address space, so these
# run only in a plain build (the limits.* tests, build-plain/ in scripts/test).
# Usage: limits_test.sh CNTRAUDIT CASE      (from the source root)
set -u
bin=$1 case_name=$2
. tests/lib.sh "limits $case_name"
unset CNTRAUDIT_LOG CNTRAUDIT_DB CNTRAUDIT_MAX_DOCUMENT_MB
export CNTRAUDIT_NOW=2026-12-01
limited() { (ulimit -v 2000000; exec /usr/bin/time -f %M -o "$tmp/rss" "$@"); }
count() { sqlite3 "$tmp/audit.db" "SELECT count(*) FROM containers"; }
expect() { # EXIT TEXT: the last run's exit code and a line of its stderr
  check; [ "$rc" = "$1" ] || fail "exit $rc, expected $1: $(head -c 400 "$tmp/err")"
  check; grep -qF -- "$2" "$tmp/err" || fail "stderr lacks: $2 -- got: $(head -c 400 "$tmp/err")"
}
bench/generate-containers 200 >"$tmp/two.jsonl"

case $case_name in
long-line)
  # A 1 GiB line between two good ones, from a pipe: refused with its size,
  # read through in bounded memory; the lines around it are stored.
  { head -1 "$tmp/two.jsonl"; head -c 1073741824 /dev/zero | tr '\0' 'a'; echo; tail -1 "$tmp/two.jsonl"; } |
    limited "$bin" --db "$tmp/audit.db" import - 2>"$tmp/err"; rc=$?
  expect 3 "cntraudit: <stdin>:2: a line of 1073741825 bytes is larger than the 128 MiB a document may be (CNTRAUDIT_MAX_DOCUMENT_MB): skipped"
  check; [ "$(count)" = 200 ] || fail "$(count) containers stored, expected 200"
  check; [ "$(tail -1 "$tmp/rss")" -lt 400000 ] || fail "peak RSS $(tail -1 "$tmp/rss") kB"
  ;;
long-document)
  # One JSON document of 1 GiB (an array, pretty-printed): refused at the
  # cap with one line, nothing stored, nothing aborted.
  { echo '['; head -c 1073741824 /dev/zero | tr '\0' ' '; echo; echo ']'; } |
    limited "$bin" --db "$tmp/audit.db" import - 2>"$tmp/err"; rc=$?
  expect 1 "cntraudit: cannot read <stdin>: a document larger than the 128 MiB a document may be (CNTRAUDIT_MAX_DOCUMENT_MB)"
  check; [ "$(tail -1 "$tmp/rss")" -lt 400000 ] || fail "peak RSS $(tail -1 "$tmp/rss") kB"
  ;;
long-list)
  # A list page of 125 MB on one line (400,000 containers): read in parts, so
  # memory stays under twice its size; every container stored, its raw
  # bytes as written.
  awk 'BEGIN { printf "{\"object\": \"list\", \"data\": ["
    for (i = 0; i < 400000; i++)
      printf "%s{\"id\": \"cntr_long%08d\", \"object\": \"container\", \"name\": \"%0150d\", \"created_at\": 1780000000, \"status\": \"expired\", \"last_active_at\": 1780000060, \"memory_limit\": \"1g\"}", (i ? ", " : ""), i, i
    printf "], \"has_more\": false}\n" }' >"$tmp/long.jsonl"
  size_kb=$(( $(stat -c %s "$tmp/long.jsonl") / 1024 ))
  limited "$bin" --db "$tmp/audit.db" import "$tmp/long.jsonl" 2>"$tmp/err"; rc=$?
  expect 0 "imported 400000 objects from 1 document"
  check; [ "$(tail -1 "$tmp/rss")" -lt $((2 * size_kb)) ] || fail "peak RSS $(tail -1 "$tmp/rss") kB for a line of $size_kb kB"
  want='{"id": "cntr_long00123456", "object": "container", "name": "'$(printf '%0150d' 123456)'", "created_at": 1780000000, "status": "expired", "last_active_at": 1780000060, "memory_limit": "1g"}'
  check; [ "$("$bin" --db "$tmp/audit.db" raw cntr_long00123456)" = "$want" ] || fail "the raw bytes differ"
  ;;
focus-streams)
  # report focus writes its rows in the order the audit already holds
  # (UTC day, then ID), so no sort holds them: its peak memory is the
  # audit's, near the summary's, where sorting 60,000 wide rows took
  # about twice as much.
  bench/generate-containers 60000 >"$tmp/many.jsonl"
  "$bin" -q --db "$tmp/audit.db" import "$tmp/many.jsonl"
  limited "$bin" --db "$tmp/audit.db" report summary >/dev/null 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 0 ] || fail "report summary exited $rc: $(head -c 400 "$tmp/err")"
  summary_kb=$(tail -1 "$tmp/rss")
  limited "$bin" --db "$tmp/audit.db" --org org-x report focus >"$tmp/focus.csv" 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 0 ] || fail "report focus exited $rc: $(head -c 400 "$tmp/err")"
  check; [ "$(wc -l <"$tmp/focus.csv")" = 60001 ] || fail "$(wc -l <"$tmp/focus.csv") lines of focus, expected 60001"
  check; [ "$(tail -1 "$tmp/rss")" -lt $((summary_kb * 5 / 4 + 4096)) ] ||
    fail "report focus peaked at $(tail -1 "$tmp/rss") kB, the summary at $summary_kb kB: the rows are held"
  ;;
no-threads)
  # A stack limit larger than the address space: no thread can start (each
  # asks for a stack that big). Import and report run on the caller's
  # thread and give what they give with threads.
  bench/generate-containers 30000 >"$tmp/big.jsonl"
  "$bin" -q --db "$tmp/threads.db" import "$tmp/big.jsonl"
  "$bin" --db "$tmp/threads.db" report containers --format csv >"$tmp/with-threads.csv"
  (ulimit -v 2000000; ulimit -s 2500000; exec "$bin" --db "$tmp/audit.db" import "$tmp/big.jsonl") 2>"$tmp/err"; rc=$?
  expect 0 "imported 30000 objects from 300 documents"
  (ulimit -v 2000000; ulimit -s 2500000; exec "$bin" --db "$tmp/audit.db" report containers --format csv) >"$tmp/without.csv" 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 0 ] || fail "report exited $rc: $(head -c 300 "$tmp/err")"
  check; cmp -s "$tmp/with-threads.csv" "$tmp/without.csv" || fail "the report without threads differs"
  ;;
*)
  fail "unknown case"
  ;;
esac
finish
