#!/usr/bin/env bash
# The reports over the facts the writers store (the groups of 15-minute
# buckets, the containers at a window's edges, the running ones found by
# their index) against the same reports audited in memory: byte-identical
# at several --now, windows that cut buckets, and time zones whose days
# begin on a half hour or, as an offset may, on no quarter hour at all, over
#   fixtures   every fixtures/ scenario
#   synthetic  an account from the fake API's generator
# Run from the source root. Usage: facts_test.sh CNTRAUDIT FAKE_API CASE
set -u
bin=$1 fake=$2 case=$3
. tests/lib.sh "facts $case"

render() { # DB NOW SINCE UNTIL TZ OUT: every report into OUT
  local r args
  for r in "${reports[@]}"; do
    case $r in
    html) args=(--db "$1" --now "$2" report html --tz "$5") ;;
    check) args=(--db "$1" --now "$2" check --format json --max-orphans 0) ;;
    *) args=(--db "$1" --now "$2" report $r --tz "$5" --format csv) ;;
    esac
    [ -n "$3" ] && args+=(--since "$3")
    [ -n "$4" ] && args+=(--until "$4")
    echo "== $r" >>"$6"
    "$bin" -q "${args[@]}" >>"$6" 2>&1 || echo "exit $?" >>"$6"
  done
}
compare() { # DB LABEL NOWS ZONES: every window at each --now and zone, stored facts against in memory
  local db=$1 first last span now since until tz
  [ "$(sqlite3 "$db" "SELECT engine IS NOT NULL AND dirty = 0 FROM audit_facts_state")" = 1 ] ||
    { fail "$2: the import did not store the facts"; return; }
  first=$(sqlite3 "$db" "SELECT coalesce(min(created_at), 1780000000) FROM containers")
  last=$(sqlite3 "$db" "SELECT coalesce(max(created_at), 1780000000) FROM containers")
  span=$((last - first + 1))
  for now in $3; do
    now=$(( now ))
    for window in ":" "$((first + span / 3 + 7)):" ":$((first + 2 * span / 3 + 13))" \
      "$((first + span / 4 + 451)):$((last - span / 4 + 3))" "$((first + 100)):$((first + 400))"; do
      since=${window%%:*} until=${window##*:}
      for tz in $4; do
        check
        rm -f "$tmp/stored" "$tmp/memory"
        render "$db" "$now" "$since" "$until" "$tz" "$tmp/stored"
        sqlite3 "$db" "UPDATE audit_facts_state SET dirty = 1"
        render "$db" "$now" "$since" "$until" "$tz" "$tmp/memory"
        sqlite3 "$db" "UPDATE audit_facts_state SET dirty = 0"
        cmp -s "$tmp/stored" "$tmp/memory" ||
          fail "$2, now $now, window $window, $tz: $(diff "$tmp/memory" "$tmp/stored" | head -n 8)"
      done
    done
  done
}

reports=("summary" "daily" "daily --by month" "reconcile" "containers" "check")
case $case in
fixtures)
  for dir in fixtures/*/; do
    [ -f "$dir/now" ] || continue
    rm -f "$tmp/f.db"*
    "$bin" -q --db "$tmp/f.db" import "$dir"/api/* >/dev/null 2>&1
    compare "$tmp/f.db" "$(basename "$dir")" "$(date -u -d "$(cat "$dir/now")" +%s) last+86400*400" "UTC +05:07"
  done
  ;;
synthetic)
  "$fake" --synthetic 3000:3000:60 --seed 7 --dump "$tmp/acct" || { echo "FAIL: fake API --dump"; exit 1; }
  "$bin" -q --db "$tmp/s.db" import "$tmp/acct"/*.jsonl "$tmp"/acct/conv_*.items.json >/dev/null 2>&1
  reports+=("orphans" "threads" "html")
  compare "$tmp/s.db" "synthetic" "first first+span/2 last+600 last+86400*400" "UTC +05:07 America/St_Johns"
  ;;
*)
  echo "unknown case $case"
  exit 2
  ;;
esac
finish "$checks comparisons of every report"
