#!/usr/bin/env bash
# The reports over the facts the writers store (the groups of 15-minute
# buckets, the containers at a window's edges, the running ones found by
# their index) against the same reports audited in memory: byte-identical
# at several --now, windows that cut buckets, and time zones whose days
# begin on a half hour or, as an offset may, on no quarter hour at all, over
#   fixtures   every fixtures/ scenario
#   synthetic  an account from the fake API's generator
# and the facts a writer changed row by row against the same facts written
# whole, table for table, after each import of an account in pieces:
#   increments every fixture file by file, and a synthetic account in a
#              shuffled order of pieces, some re-imported changed
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

# The stored facts and their indexes, as sorted text.
dump_facts() { # DB OUT
  local t
  sqlite3 "$1" "SELECT type, name, sql FROM sqlite_master WHERE tbl_name LIKE 'audit%' ORDER BY name" >"$2"
  for t in audit_container_facts audit_thread_facts audit_response_facts audit_call_facts \
    audit_container_groups audit_response_groups; do
    echo "== $t" >>"$2"
    sqlite3 "$1" "SELECT * FROM $t" | LC_ALL=C sort >>"$2"
  done
}
# import_piece DB LABEL FILE...: imports FILEs, then checks the facts it
# left against the same facts written whole (another engine's, as far as
# the copy knows: every table is replaced).
import_piece() {
  local db=$1 label=$2
  shift 2
  "$bin" -vv --db "$db" import "$@" >/dev/null 2>>"$tmp/writes.log"
  check
  rm -f "$tmp/whole.db"*
  sqlite3 "$db" "VACUUM INTO '$tmp/whole.db'"
  sqlite3 "$tmp/whole.db" "UPDATE audit_facts_state SET engine = NULL, dirty = 1"
  "$bin" -q --db "$tmp/whole.db" import /dev/null >/dev/null 2>&1 || { fail "$label: cannot write the facts whole"; return; }
  dump_facts "$db" "$tmp/changed.txt"
  dump_facts "$tmp/whole.db" "$tmp/whole.txt"
  cmp -s "$tmp/changed.txt" "$tmp/whole.txt" ||
    fail "$label: the facts changed row by row differ from the facts written whole: $(diff "$tmp/whole.txt" "$tmp/changed.txt" | head -n 6)"
}
# Fails unless some import changed TABLE's rows (not all of it) and, with
# DELETED, deleted some.
changed_rows() { # TABLE [DELETED]
  check
  grep -qE "audit facts: $1: [0-9]+ rows written" "$tmp/writes.log" || fail "no import changed $1 row by row"
  [ -z "${2:-}" ] || grep -qE "audit facts: $1: [0-9]+ rows written, [1-9][0-9]* deleted" "$tmp/writes.log" ||
    fail "no import deleted a row of $1"
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
increments)
  for dir in fixtures/*/; do
    rm -f "$tmp/f.db"*
    for file in "$dir"/api/*; do
      import_piece "$tmp/f.db" "$(basename "$dir") up to $(basename "$file")" "$file"
    done
  done
  "$fake" --synthetic 3000:3000:60 --seed 11 --dump "$tmp/acct" || { echo "FAIL: fake API --dump"; exit 1; }
  mkdir "$tmp/p"
  split -n l/24 "$tmp/acct/containers.jsonl" "$tmp/p/c."
  split -n l/24 "$tmp/acct/responses.jsonl" "$tmp/p/r."
  ls "$tmp"/acct/conv_*.items.json | split -n r/6 - "$tmp/items."
  # The first half of the pieces at once (a piece later is a small change),
  # the others one by one in a shuffled order.
  ls "$tmp"/p/* "$tmp"/items.* | shuf --random-source=<(yes) >"$tmp/order"
  pieces() { local f; for f in "$@"; do case $f in */items.*) cat "$f" ;; *) echo "$f" ;; esac; done; }
  rm -f "$tmp/s.db"*
  import_piece "$tmp/s.db" "synthetic, first half" $(pieces $(head -n 27 "$tmp/order"))
  for piece in $(tail -n +28 "$tmp/order"); do
    import_piece "$tmp/s.db" "synthetic, up to $(basename "$piece")" $(pieces "$piece")
  done
  # Re-imported changed: every container of a piece a second later (its
  # key in the copies moves), then as it was; responses of a piece, created
  # and completed later (a later completion replaces the stored one).
  perl -pe 's/"created_at":(\d+)/"\"created_at\":".($1 + 1)/ge' "$tmp/p/c.ae" >"$tmp/moved.jsonl"
  import_piece "$tmp/s.db" "synthetic, containers moved" "$tmp/moved.jsonl"
  import_piece "$tmp/s.db" "synthetic, containers moved back" "$tmp/p/c.ae"
  perl -pe 's/"(created_at|completed_at)":(\d+)/"\"$1\":".($2 + 90)/ge' "$tmp/p/r.ag" >"$tmp/later.jsonl"
  import_piece "$tmp/s.db" "synthetic, responses later" "$tmp/later.jsonl"
  # A copy dropped behind cntraudit's back is written whole by the next change.
  sqlite3 "$tmp/s.db" "DROP TABLE audit_thread_facts; UPDATE audit_facts_state SET dirty = 1"
  import_piece "$tmp/s.db" "synthetic, the threads' copy dropped" /dev/null
  check
  tail -n 5 "$tmp/writes.log" | grep -q "audit_thread_facts: written whole" || fail "the dropped threads' copy was not written whole"
  changed_rows audit_container_facts deleted
  changed_rows audit_thread_facts
  changed_rows audit_response_facts deleted
  finish "$checks imports whose facts equal the same written whole"
  ;;
*)
  echo "unknown case $case"
  exit 2
  ;;
esac
finish "$checks comparisons of every report"
