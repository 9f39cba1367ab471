#!/usr/bin/env bash
# Fault tests with the real binary: each fault gets one clear error line and
# the right exit code, and the database stays intact (PRAGMA integrity_check
# and the row counts are what they were before the fault).
# Usage: fault_test.sh CNTRAUDIT CASE      (from the source root)
set -u
bin=$1 case_name=$2
. tests/lib.sh "fault $case_name"
chmod 755 "$tmp"
db=$tmp/audit.db
export CNTRAUDIT_DB=$db CNTRAUDIT_NOW=2025-11-04
unset CNTRAUDIT_LOG
state() { sqlite3 "$db" "PRAGMA integrity_check; SELECT count(*) FROM containers; SELECT count(*) FROM responses; SELECT count(*) FROM items; SELECT count(*) FROM costs;" 2>&1 | tr '\n' ' '; }
setup() { "$bin" -q import fixtures/forum-repetitive/api/* || fail "setup import failed"; before=$(state); }
intact() { check; after=$(state); [ "$after" = "$before" ] || fail "database changed or damaged: before [$before] after [$after]"; }
expect() { # EXIT LINE: the last run's exit code and its one error line
  check; [ "$rc" = "$1" ] || fail "exit $rc, expected $1"
  check; grep -qF -- "$2" "$tmp/err" || fail "stderr lacks: $2 -- got: $(head -c 400 "$tmp/err")"
  check; [ "$(grep -c . "$tmp/err")" -le 2 ] || fail "more than one error line: $(head -c 600 "$tmp/err")"
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

case $case_name in
read-only)
  setup
  chmod 644 "$db"
  as_nobody "$bin" import fixtures/pricing/api/containers.json 2>"$tmp/err"; rc=$?
  expect 1 "cntraudit: database $db: attempt to write a readonly database"
  intact
  as_nobody "$bin" report orphans >"$tmp/out" 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 0 ] && [ "$(wc -l <"$tmp/out")" = 7 ] || fail "a read-only database does not report (exit $rc)"
  ;;
corrupt)
  setup
  size=$(stat -c %s "$db")
  cp "$db" "$tmp/good.db"
  head -c $((size / 2)) "$tmp/good.db" >"$db"
  "$bin" report summary >"$tmp/out" 2>"$tmp/err"; rc=$?
  expect 1 "database disk image is malformed"
  "$bin" import fixtures/pricing/api/containers.json 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 1 ] || fail "import into a corrupt database exited $rc"
  check; cmp -s "$db" <(head -c $((size / 2)) "$tmp/good.db") || fail "the corrupt file was modified"
  ;;
locked)
  # Another writer holds the database longer than the busy timeout: the
  # import gives up with one line naming that writer from runs, and stores nothing.
  setup
  sqlite3 "$db" "INSERT INTO runs(command, options, started_at, status) VALUES ('collect all', '--jobs 8', 1780000000, 'running')"
  before=$(state)
  printf 'BEGIN IMMEDIATE;\nINSERT INTO containers(id, project_id, name, status, created_at, raw) VALUES ("cntr_held", "", "", "running", 0, X\x27007B7D\x27);\n.shell sleep 6\nROLLBACK;\n' | sqlite3 "$db" &
  holder=$!
  sleep 1
  CNTRAUDIT_BUSY_TIMEOUT=2 "$bin" import fixtures/pricing/api/containers.json 2>"$tmp/err"; rc=$?
  expect 1 "database is locked after waiting 2 s: another cntraudit is writing it ('collect all --jobs 8', run "
  check; grep -qF "started 2026-05-28T20:26:40Z); try again when it ends, or raise CNTRAUDIT_BUSY_TIMEOUT" "$tmp/err" || fail "the other writer's start is not named: $(cat "$tmp/err")"
  wait "$holder"
  intact
  ;;
disk-full)
  setup
  bench/generate-containers 30000 >"$tmp/big.jsonl"
  (ulimit -f 600; exec "$bin" import "$tmp/big.jsonl") 2>"$tmp/err"; rc=$?
  expect 1 "cntraudit: import stopped at $tmp/big.jsonl:"
  check; [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity check failed after a full disk"
  check; [ "$(sqlite3 "$db" "SELECT count(*) FROM containers WHERE id LIKE 'cntr_6909%'")" = 6 ] || fail "data stored before the full disk was lost"
  "$bin" -q import "$tmp/big.jsonl"
  check; [ "$(sqlite3 "$db" 'SELECT count(*) FROM containers')" = 30006 ] || fail "the import did not complete once there was room"
  ;;
output-full)
  setup
  "$bin" report containers --format json >/dev/full 2>"$tmp/err"; rc=$?
  expect 1 "cannot write the report to standard output: No space left on device"
  mkdir "$tmp/locked" && chmod 755 "$tmp/locked" && chmod 644 "$db"
  as_nobody "$bin" evidence --out "$tmp/locked/pack" 2>"$tmp/err"; rc=$?
  expect 1 "cntraudit: evidence: cannot create $tmp/locked/pack: Permission denied"
  intact
  ;;
stdout-closed)
  setup
  "$bin" report summary >&- 2>"$tmp/err"; rc=$?
  expect 1 "cntraudit: cannot write the report to standard output: Bad file descriptor"
  intact
  ;;
deep-nesting)
  setup
  { printf '{"object":"container","id":"cntr_deep","name":"x","created_at":1762199975,"status":"expired","extra":'
    for _ in $(seq 10000); do printf '['; done; for _ in $(seq 10000); do printf ']'; done; printf '}\n'; } >"$tmp/deep.json"
  "$bin" import "$tmp/deep.json" 2>"$tmp/err"; rc=$?
  expect 1 "deep.json:1: malformed JSON: maximum parsing depth reached"
  intact
  ;;
huge-string)
  # A 100 MB container name: stored whole, printed whole in CSV, cut in text.
  setup
  head -c 100000000 /dev/zero | tr '\0' 'A' >"$tmp/name"
  { printf '{"object":"container","id":"cntr_huge","name":"'; cat "$tmp/name"; printf '","created_at":1762199975,"status":"expired","memory_limit":"1g"}\n'; } >"$tmp/huge.json"
  "$bin" import "$tmp/huge.json" 2>"$tmp/err"; rc=$?
  check; [ "$rc" = 0 ] || fail "a 100 MB name was not imported (exit $rc): $(head -c 300 "$tmp/err")"
  check; [ "$(sqlite3 "$db" "SELECT length(name) FROM containers WHERE id = 'cntr_huge'")" = 100000000 ] || fail "the name was not stored whole"
  "$bin" report containers | grep '^cntr_huge,' | cut -d, -f3 | tr -d '\n' | wc -c >"$tmp/len"
  check; [ "$(cat "$tmp/len")" = 100000000 ] || fail "CSV did not print the name whole ($(cat "$tmp/len") bytes)"
  "$bin" report containers --format text --wide | grep -q 'AAAAAAAAA' || fail "--wide did not print the name"
  check; [ "$("$bin" report containers --format text | wc -c)" -lt 4096 ] || fail "the 80-column text table printed the name"
  check
  ;;
invalid-utf8)
  setup
  printf '{"object":"container","id":"cntr_bad_utf8","name":"caf\xc3 \xff\xfe","created_at":1762199975,"status":"expired"}\n' >"$tmp/bad.json"
  "$bin" import "$tmp/bad.json" 2>"$tmp/err"; rc=$?
  expect 1 "bad.json:1: malformed JSON: unable to decode byte 0xc3"
  intact
  ;;
*) fail "unknown case" ;;
esac
finish
