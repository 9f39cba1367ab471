#!/usr/bin/env bash
# Writers side by side, as real processes on one database: each waits its
# turn (short batches, a busy timeout in minutes) and every one succeeds.
# The collect-time case is collect_test.sh writers-side-by-side.
# Usage: concurrency_test.sh CNTRAUDIT CASE      (from the source root)
set -u
bin=$1 case_name=$2
. tests/lib.sh "concurrency $case_name"
unset CNTRAUDIT_LOG CNTRAUDIT_DB CNTRAUDIT_BUSY_TIMEOUT
count() { sqlite3 "$1" "SELECT count(*) FROM containers"; }
latest=$(ls sql/migrations/*.sql | sed 's|.*/0*||; s|_.*||' | sort -n | tail -1)

case $case_name in
two-imports)
  # Two imports of 20,000 containers each, started together.
  bench/generate-containers 20000 >"$tmp/a.jsonl"
  sed 's/"cntr_/"cntr_b/g' "$tmp/a.jsonl" >"$tmp/b.jsonl"
  "$bin" -q --db "$tmp/audit.db" import fixtures/forum-repetitive/api/containers.json
  "$bin" -q --db "$tmp/audit.db" import "$tmp/a.jsonl" 2>"$tmp/err-a" & a=$!
  "$bin" -q --db "$tmp/audit.db" import "$tmp/b.jsonl" 2>"$tmp/err-b" & b=$!
  wait "$a"; rc_a=$?
  wait "$b"; rc_b=$?
  check; [ "$rc_a" = 0 ] && [ "$rc_b" = 0 ] || fail "exits $rc_a and $rc_b: $(cat "$tmp/err-a" "$tmp/err-b")"
  check; [ "$(count "$tmp/audit.db")" = 40006 ] || fail "$(count "$tmp/audit.db") containers stored, expected 40006"
  check; [ "$(sqlite3 "$tmp/audit.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity check failed"
  ;;
first-users)
  # Two processes are the first to open a new database, six times over:
  # both succeed, the schema is created once, both imports are stored.
  for try in 1 2 3 4 5 6; do
    db=$tmp/new-$try.db
    "$bin" -q --db "$db" import fixtures/forum-repetitive/api/containers.json 2>"$tmp/err-a" & a=$!
    "$bin" -q --db "$db" import fixtures/pricing/api/containers.json 2>"$tmp/err-b" & b=$!
    wait "$a"; rc_a=$?
    wait "$b"; rc_b=$?
    check; [ "$rc_a" = 0 ] && [ "$rc_b" = 0 ] || fail "try $try: exits $rc_a and $rc_b: $(cat "$tmp/err-a" "$tmp/err-b")"
    check; [ "$(sqlite3 "$db" 'PRAGMA user_version')" = "$latest" ] || fail "try $try: schema $(sqlite3 "$db" 'PRAGMA user_version'), expected $latest"
    want=$(( $("$bin" -q --db "$tmp/alone-a-$try.db" import fixtures/forum-repetitive/api/containers.json && count "$tmp/alone-a-$try.db") + $("$bin" -q --db "$tmp/alone-b-$try.db" import fixtures/pricing/api/containers.json && count "$tmp/alone-b-$try.db") ))
    check; [ "$(count "$db")" = "$want" ] || fail "try $try: $(count "$db") containers, expected $want"
  done
  ;;
silent-pipe)
  # An import from a pipe that goes silent for 6 s commits what it has and
  # holds no lock meanwhile: an import with a 3 s busy timeout gets through.
  bench/generate-containers 300 >"$tmp/a.jsonl"
  sed 's/"cntr_/"cntr_b/g' "$tmp/a.jsonl" >"$tmp/b.jsonl"
  { cat "$tmp/a.jsonl"; sleep 6; echo; } | "$bin" -q --db "$tmp/audit.db" import - 2>"$tmp/err-a" & a=$!
  sleep 2
  start=$(date +%s%N)
  CNTRAUDIT_BUSY_TIMEOUT=3 "$bin" -q --db "$tmp/audit.db" import "$tmp/b.jsonl" 2>"$tmp/err-b"; rc_b=$?
  waited=$(( ($(date +%s%N) - start) / 1000000 ))
  check; [ "$waited" -lt 2500 ] || fail "the second import took $waited ms: it waited for the silent one"
  check; kill -0 "$a" 2>/dev/null || fail "the piped import ended before the second ran: the case proves nothing"
  wait "$a"; rc_a=$?
  check; [ "$rc_a" = 0 ] && [ "$rc_b" = 0 ] || fail "exits $rc_a and $rc_b: $(cat "$tmp/err-a" "$tmp/err-b")"
  check; [ "$(count "$tmp/audit.db")" = 600 ] || fail "$(count "$tmp/audit.db") containers stored, expected 600"
  ;;
*)
  fail "unknown case"
  ;;
esac
finish
