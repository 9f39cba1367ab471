#!/usr/bin/env bash
# End-to-end test of one fixtures/ scenario, with the real binary:
#  1. import fixtures/S/api/* into a fresh database; the exit code must be
#     fixtures/S/import-exit (0 when absent), stderr must equal
#     golden/import.stderr when that exists;
#  2. every fixtures/S/expect/REPORT.tsv (hand-worked: a header naming report
#     columns, then the expected rows) must equal those columns of the report;
#  3. every fixtures/S/golden/REPORT.FORMAT (txt = text) must equal the report;
#  4. every text report fits 80 columns;
#  5. importing the same files again must change nothing: no new or changed
#     object, the audit's stored facts still current, and every report
#     byte-identical;
#  6. the reports read the facts the import stored; audited in memory
#     instead (the facts made stale as another writer would), every report
#     is byte-identical.
# Run from the source root. Usage: fixture_test.sh BINARY SCENARIO [--update]
# (--update rewrites the golden files from the current output: review the diff.)
set -u
bin=$1 scenario=$2 update=${3:-}
dir=fixtures/$scenario
. tests/lib.sh "$scenario"
db=$tmp/audit.db
now=$(cat "$dir/now")

run() { "$bin" --db "$db" --now "$now" "$@"; }
format_of() { case $1 in txt) echo text ;; *) echo "$1" ;; esac; }

run import "$dir"/api/* >"$tmp/import.out" 2>"$tmp/import.err"
rc=$?
want=$(cat "$dir/import-exit" 2>/dev/null || echo 0)
[ "$rc" = "$want" ] || fail "import exited $rc, expected $want: $(cat "$tmp/import.err")"
if [ -f "$dir/golden/import.stderr" ] || [ "$update" = --update ]; then
  if [ "$update" = --update ]; then cp "$tmp/import.err" "$dir/golden/import.stderr"
  else diff -u "$dir/golden/import.stderr" "$tmp/import.err" || fail "import stderr differs"; fi
fi

for expect in "$dir"/expect/*.tsv; do
  [ -e "$expect" ] || continue
  report=$(basename "$expect" .tsv)
  columns=$(head -n 1 "$expect" | jq -R -c 'split("\t")')
  { head -n 1 "$expect"
    run report "$report" --format json | jq -r --argjson c "$columns" '.rows[] | [.[$c[]] | (. // "") | tostring] | @tsv'
  } >"$tmp/$report.tsv" || fail "report $report failed"
  diff -u "$expect" "$tmp/$report.tsv" || fail "report $report differs from the hand-worked expect/$report.tsv"
done

render_goldens() { # $1: where to write
  for golden in "$dir"/golden/*; do
    name=$(basename "$golden")
    [ "$name" = import.stderr ] && continue
    run report "${name%.*}" --format "$(format_of "${name##*.}")" >"$1/$name" || fail "report $name failed"
  done
}
mkdir "$tmp/first" "$tmp/second"
render_goldens "$tmp/first"
for out in "$tmp"/first/*; do
  [ -e "$out" ] || continue
  name=$(basename "$out")
  if [ "$update" = --update ]; then cp "$out" "$dir/golden/$name"
  else diff -u "$dir/golden/$name" "$out" || fail "golden $name differs"; fi
done

# Every text report fits an 80-column terminal (characters, not bytes).
for args in "summary" "containers" "orphans" "threads" "daily" "daily --by month" "reconcile" "focus" \
  "focus --dataset billed"; do
  run report $args --format text >"$tmp/text.out" 2>/dev/null || fail "report $args --format text failed"
  widest=$(python3 -c 'import sys; print(max([len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] + [0]))' "$tmp/text.out")
  [ "$widest" -le 80 ] || fail "report $args --format text is $widest columns wide: $(grep -m1 -E '.{81}' "$tmp/text.out")"
done

facts_state() { sqlite3 "$db" "SELECT engine IS NOT NULL, dirty FROM audit_facts_state"; }
[ "$(facts_state)" = "1|0" ] || fail "the import left the audit's facts not current: $(facts_state)"
run import "$dir"/api/* >/dev/null 2>"$tmp/again.err"
grep -q "(0 rows new or changed)" "$tmp/again.err" || fail "re-import changed something: $(tail -n 1 "$tmp/again.err")"
[ "$(facts_state)" = "1|0" ] || fail "re-importing the same files made the facts stale: $(facts_state)"
render_goldens "$tmp/second"
diff -r "$tmp/first" "$tmp/second" >/dev/null || fail "a report changed after re-importing the same files"

sqlite3 "$db" "UPDATE audit_facts_state SET dirty = 1"
mkdir "$tmp/in-memory"
render_goldens "$tmp/in-memory"
diff -r "$tmp/first" "$tmp/in-memory" || fail "a report from the stored facts differs from the one audited in memory"

checks=$(ls "$dir"/expect/*.tsv "$dir"/golden/* 2>/dev/null | wc -l)
[ "$checks" -gt 0 ] || fail "no expect/ or golden/ files: this scenario checks nothing"
finish "$checks expectation and golden files, re-import unchanged"
