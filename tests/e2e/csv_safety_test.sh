#!/usr/bin/env bash
# CSV safety: a dataset whose every text value starts with a formula
# character (IDs, names, statuses, tiers, line items, the project label, a
# price table version, command options) goes through every CSV report;
# tests/csv_check re-parses each with libcsv (strict RFC 4180) and fails on
# any cell a spreadsheet could run, or a ragged record. Numbers, including
# negative ones, must stay bare.
# Usage: csv_safety_test.sh CNTRAUDIT CSV_CHECK   (from the source root)
set -u
bin=$1 check=$2
. tests/lib.sh csv-safety
export CNTRAUDIT_DB=$tmp/audit.db CNTRAUDIT_NOW=2026-03-01
T=1767261600
cat >"$tmp/hostile.jsonl" <<JSON
{"object":"container","id":"=cntr_formula","name":"=HYPERLINK(\"http://evil.example\",\"x\")","created_at":$T,"status":"-running","last_active_at":$((T + 60)),"memory_limit":"1g"}
{"object":"container","id":"+cntr_plus","name":"+1+2","created_at":$((T + 100)),"status":"@expired","memory_limit":"=4g"}
{"object":"container","id":"@cntr_at","name":"@SUM(A1)","created_at":$((T + 200)),"status":"expired","memory_limit":"1g"}
{"object":"container","id":"-cntr_minus","name":"\tTAB","created_at":$((T + 300)),"status":"expired","memory_limit":"1g"}
{"object":"response","id":"=resp_formula","created_at":$((T - 1)),"completed_at":$((T + 5)),"status":"=completed","previous_response_id":"+resp_parent","tools":[{"type":"code_interpreter","container":{"type":"auto"}}],"output":[]}
{"object":"response","id":"-resp_two","created_at":$((T + 99)),"completed_at":$((T + 105)),"status":"completed","conversation":{"id":"@conv_formula"},"tools":[{"type":"code_interpreter","container":{"type":"auto"}}],"output":[{"type":"code_interpreter_call","id":"=ci_x","status":"completed","container_id":"@cntr_at","code":"1","outputs":null}]}
{"object":"page","data":[{"object":"bucket","start_time":1767225600,"end_time":1767312000,"results":[{"object":"organization.usage.code_interpreter_sessions.result","num_sessions":1,"project_id":"=proj"}]}],"has_more":false}
{"object":"page","data":[{"object":"bucket","start_time":1767225600,"end_time":1767312000,"results":[{"object":"organization.costs.result","amount":{"value":0.01,"currency":"usd"},"line_item":"=Code Interpreter sessions","project_id":"-proj","quantity":1,"quantity_unit":"@sessions"},{"object":"organization.costs.result","amount":{"value":0.5,"currency":"usd"},"line_item":"+gpt input","project_id":"-proj"}]}],"has_more":false}
JSON
"$bin" -q --project=-proj import "$tmp/hostile.jsonl" || fail "import failed"
printf 'version,rule,memory_limit,effective_from,unit_price_usd\n=evil-version,per_container,+2g,2026-01-01,0.05\n' >"$tmp/prices-input.txt"
"$bin" -q prices --import "$tmp/prices-input.txt" || fail "price import failed"
n=0
for r in summary containers orphans threads daily reconcile focus; do
  "$bin" report "$r" --format csv >"$tmp/$r.csv" || fail "report $r failed"
  n=$((n + 1))
done
"$bin" prices --format csv >"$tmp/prices-list.csv"
"$bin" runs --format csv >"$tmp/runs.csv"
"$bin" --now 2026-03-01 evidence --out "$tmp/pack" 2>/dev/null || fail "evidence failed"
"$check" "$tmp"/*.csv "$tmp"/pack/*.csv || fail "a CSV could run a formula or is not RFC 4180"
# The hostile values did reach the reports (guarded), and numbers stayed bare.
grep -q "^'=cntr_formula,'-proj,\"'=HYPERLINK" "$tmp/containers.csv" || fail "guarded values missing from containers.csv"
grep -q ",-0.490000," "$tmp/reconcile.csv" 2>/dev/null || grep -q "0.010000" "$tmp/reconcile.csv" || fail "reconcile lost its numbers"
checks=$((n + 3))
finish "$checks CSV reports and the evidence CSVs checked"
