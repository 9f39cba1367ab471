#!/usr/bin/env bash
# The audit engine (src/audit/) against the reference SQL audit
# (tests/oracle/audit.sql): every column of every container, thread and
# response row must agree, at several --now, over
#   fixtures   every fixtures/ scenario
#   synthetic  accounts from the fake API's generator (several seeds)
#   random     adversarial random stores (tests/oracle/random_store.awk),
#              then a few of their rows changed (the facts changed row by row)
# Run from the source root. Usage: oracle_test.sh CNTRAUDIT AUDIT_ORACLE FAKE_API CASE
set -u
bin=$1 oracle=$2 fake=$3 case=$4
sql=tests/oracle/audit.sql
. tests/lib.sh "oracle $case"

agree() { # DB NOW LABEL: the engine and the oracle agree at NOW
  local out
  check
  out=$("$oracle" "$1" "$sql" "$2" 2>&1) || fail "$3, now $2: $(echo "$out" | head -n 25)"
}
facts() { # DB STATE: the audit's facts in the store are current (1) or not (0)
  [ "$(sqlite3 "$1" "SELECT engine IS NOT NULL AND dirty = 0 FROM audit_facts_state")" = "$2" ] ||
    fail "$1: the stored facts' state is $(sqlite3 "$1" "SELECT engine, dirty FROM audit_facts_state"), expected current = $2"
}
# The stored groups (src/audit/audit_groups.c) against their definition:
# the stored copies, which agree checks, grouped by SQL per 15-minute bucket.
group_sql="
WITH c AS (SELECT created_at - ((created_at % 900) + 900) % 900 AS b, * FROM audit_container_facts),
cg AS (SELECT b, b + 899, project_id, classification, pricing_rule, tier, unpriced, price_version, count(*),
         sum(estimated_cost_usd), sum(billable_units), max(unit_price_micros), min(created_at), max(created_at)
       FROM c GROUP BY b, project_id, classification, pricing_rule, tier, unpriced, price_version),
r AS (SELECT created_at - ((created_at % 900) + 900) % 900 AS b, * FROM audit_response_facts),
rg AS (SELECT b, b + 899, requests_container_auto, ran_code, count(*) FROM r GROUP BY b, requests_container_auto, ran_code)
SELECT (SELECT count(*) FROM cg) = (SELECT count(*) FROM audit_container_groups)
   AND NOT EXISTS (SELECT * FROM cg EXCEPT SELECT * FROM audit_container_groups)
   AND (SELECT count(*) FROM rg) = (SELECT count(*) FROM audit_response_groups)
   AND NOT EXISTS (SELECT * FROM rg EXCEPT SELECT * FROM audit_response_groups)"
groups() { # DB LABEL
  check
  [ "$(sqlite3 "$1" "$group_sql")" = 1 ] || fail "$2: the stored groups are not the stored facts grouped"
}
both() { # DB LABEL NOW...: agree at every NOW over the facts the import stored, then over the audit in memory
  local db=$1 label=$2 at
  shift 2
  facts "$db" 1
  groups "$db" "$label"
  for at in "$@"; do agree "$db" "$at" "$label (stored facts)"; done
  sqlite3 "$db" "UPDATE audit_facts_state SET dirty = 1"
  for at in "$@"; do agree "$db" "$at" "$label (in memory)"; done
}
import() { # DB FILES...: a fresh store from API files
  local db=$1
  shift
  rm -f "$db"*
  "$bin" -q --db "$db" import "$@" >/dev/null 2>&1
}

case $case in
fixtures)
  for dir in fixtures/*/; do
    [ -f "$dir/now" ] || continue
    import "$tmp/f.db" "$dir"/api/*
    now=$(date -u -d "$(cat "$dir/now")" +%s)
    both "$tmp/f.db" "$(basename "$dir")" "$now" $((now - 3600)) $((now + 86400 * 400)) 0
  done
  ;;
synthetic)
  for spec in "3000:3000:60 1" "3000:3000:60 2" "2000:4000:200 3" "20000:20000:400 4"; do
    set -- $spec
    rm -rf "$tmp/acct"
    "$fake" --synthetic "$1" --seed "$2" --dump "$tmp/acct" || { echo "FAIL: fake API --dump"; exit 1; }
    import "$tmp/s.db" "$tmp/acct"/*.jsonl "$tmp"/acct/conv_*.items.json
    first=$(sqlite3 "$tmp/s.db" "SELECT min(created_at) FROM containers")
    last=$(sqlite3 "$tmp/s.db" "SELECT max(created_at) FROM containers")
    both "$tmp/s.db" "synthetic $spec" "$first" $(((first + last) / 2)) "$last" $((last + 86400))
  done
  ;;
random)
  for seed in $(seq 1 40); do
    echo '[]' >"$tmp/empty.json"
    import "$tmp/r.db" "$tmp/empty.json"
    base=$(awk -v seed="$seed" -f tests/oracle/random_store.awk | sqlite3 -bail "$tmp/r.db") ||
      { echo "FAIL: random store $seed"; exit 1; }
    # Written behind cntraudit's back: the facts stored for the empty store
    # are stale, and the next writer stores them again.
    facts "$tmp/r.db" 0
    "$bin" -q --db "$tmp/r.db" import "$tmp/empty.json" >/dev/null 2>&1
    both "$tmp/r.db" "random seed $seed" "$base" $((base + 1800)) $((base + 7200)) $((base + 86400 * 30))
    # A few rows changed behind cntraudit's back (a container moved, which
    # moves its key in the copies; responses gone, which re-roots chains;
    # a chain relinked, a call gone, a status changed): the next writer
    # changes the stored facts row by row, and they must still agree.
    sqlite3 "$tmp/r.db" "UPDATE audit_facts_state SET dirty = 0;
      UPDATE containers SET created_at = created_at + 10 WHERE id IN ('cntr_1', 'cntr_4');
      UPDATE containers SET status = 'expired' WHERE id = 'cntr_3';
      DELETE FROM responses WHERE id IN ('resp_2', 'resp_5');
      UPDATE responses SET previous_response_id = 'resp_0' WHERE id = 'resp_7';
      DELETE FROM container_calls WHERE id IN (SELECT id FROM container_calls ORDER BY id LIMIT 2);"
    "$bin" -vv --db "$tmp/r.db" import "$tmp/empty.json" 2>&1 | grep "audit facts: audit_container_facts" >>"$tmp/writes.log"
    both "$tmp/r.db" "random seed $seed, changed" "$base" $((base + 1800)) $((base + 86400 * 30))
  done
  check
  [ "$(grep -cE "[0-9]+ rows written, [1-9][0-9]* deleted" "$tmp/writes.log")" -ge 20 ] ||
    fail "fewer than 20 of 40 changed random stores had their facts changed row by row: $(sort "$tmp/writes.log" | uniq -c | head -n 3)"
  ;;
*)
  echo "unknown case $case"
  exit 2
  ;;
esac
finish "$checks comparisons"
