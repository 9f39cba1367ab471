#!/usr/bin/env bash
# The FOCUS export of one fixtures/ scenario against the FOCUS 1.2 column
# rules (tests/focus/check.py): both datasets (estimates; billed, with the
# documented deviations only), as CSV and as JSON, and each dollar counted
# once: the estimates' EffectiveCost sums to the containers report's priced
# estimates, the billed dataset's BilledCost to the reconcile report's
# billed dollars (less results without an amount), and BilledCost of the
# estimates is 0.
#   focus_test.sh CNTRAUDIT SCENARIO            (from the source root)
#   focus_test.sh CNTRAUDIT --rules-can-fail    the checker fails on the export
#     before FOCUS 1.2 was followed (tests/focus/before/), naming the five
#     missing mandatory columns, and on a good export with any mandatory
#     column removed.
set -u
bin=$1 scenario=$2
. tests/lib.sh "focus $scenario"
checker="python3 tests/focus/check.py"

if [ "$scenario" = --rules-can-fail ]; then
  $checker tests/focus/before/forum-repetitive.csv >"$tmp/before" && fail "the old export passes"
  for column in BillingAccountId BillingAccountName BillingPeriodStart BillingPeriodEnd ContractedCost; do
    check; grep -q "present: $column MUST be present" "$tmp/before" || fail "the old export's missing $column is not named"
  done
  check; grep -q "not-null: BilledCost MUST NOT be null" "$tmp/before" || fail "an empty BilledCost is not named"
  check; grep -q "one-dataset" "$tmp/before" || fail "estimates mixed with billed rows are not named"
  "$bin" -q --db "$tmp/audit.db" import fixtures/forum-repetitive/api/* 2>/dev/null
  "$bin" -q --db "$tmp/audit.db" --now "$(cat fixtures/forum-repetitive/now)" report focus >"$tmp/good.csv"
  $checker "$tmp/good.csv" >/dev/null || fail "the forum export breaks a rule: $($checker "$tmp/good.csv")"
  for column in $(python3 -c 'import json; c = json.load(open("tests/focus/focus-1.2-columns.json"))["columns"]
print(" ".join(k for k, v in c.items() if v["feature_level"] == "Mandatory"))'); do
    python3 -c 'import csv, sys; csv.field_size_limit(sys.maxsize)
rows = list(csv.reader(open(sys.argv[1]))); i = rows[0].index(sys.argv[2])
csv.writer(sys.stdout, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])' "$tmp/good.csv" "$column" >"$tmp/cut.csv"
    check; $checker "$tmp/cut.csv" | grep -q "present: $column MUST" || fail "removing $column is not caught"
  done
  finish
fi

dir=fixtures/$scenario
run() { "$bin" -q --db "$tmp/audit.db" --now "$(cat "$dir/now")" --org org-test "$@"; }
run import "$dir"/api/* 2>/dev/null
for dataset in estimates billed; do
  for format in csv json; do
    out=$tmp/$dataset.$format
    run report focus --dataset "$dataset" --format "$format" >"$out" || fail "report focus --dataset $dataset failed"
    deviations=""
    [ "$dataset" = billed ] && deviations="--deviations tests/focus/deviations.json"
    check; $checker $deviations "$out" >"$tmp/check" || fail "$dataset $format breaks FOCUS: $(grep -v '^deviation' "$tmp/check" | head -5)"
  done
done
sum() { # FILE COLUMN: the decimal sum of a CSV column
  python3 -c 'import csv, sys; csv.field_size_limit(sys.maxsize)
from decimal import Decimal
print(sum((Decimal(r[sys.argv[2]]) for r in csv.DictReader(open(sys.argv[1])) if r[sys.argv[2]]), Decimal("0")).quantize(Decimal("0.000001")))' "$1" "$2"
}
run report containers >"$tmp/containers.csv"
run report reconcile >"$tmp/reconcile.csv"
check; [ "$(sum "$tmp/estimates.csv" EffectiveCost)" = "$(sum "$tmp/containers.csv" estimated_cost_usd)" ] \
  || fail "estimates EffectiveCost $(sum "$tmp/estimates.csv" EffectiveCost) != containers $(sum "$tmp/containers.csv" estimated_cost_usd)"
check; [ "$(sum "$tmp/estimates.csv" BilledCost)" = 0.000000 ] || fail "the estimates carry a BilledCost"
check; [ "$(sum "$tmp/billed.csv" BilledCost)" = "$(sum "$tmp/reconcile.csv" billed_cost_usd)" ] \
  || fail "billed BilledCost $(sum "$tmp/billed.csv" BilledCost) != reconcile $(sum "$tmp/reconcile.csv" billed_cost_usd)"
check; [ "$(jq '[.rows[].EffectiveCost | numbers] | length' "$tmp/estimates.json")" = "$(jq '.rows | length' "$tmp/estimates.json")" ] \
  || fail "a JSON cost is not a number"
finish
