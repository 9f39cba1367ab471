#!/usr/bin/env bash
# Runs one collect case (tests/collect/NAME.case) against the real binary
# and the fake API. A case is data, one "key: value" per line, read in
# order ('#' lines are comments); the model is curl's tests/data:
#   fake: ARGS           (re)start the fake API with ARGS; its request log starts empty
#   ids: SCENARIO        write fixtures/SCENARIO's resp_/conv_ IDs to {tmp}/ids.txt
#   dump: ARGS           the fake API's account for ARGS as import files in {tmp}/dump,
#                        its response IDs in {tmp}/ids.txt
#   sql: STATEMENT       run STATEMENT on the collect's database first
#   env: NAME=VALUE      set for the next collect only (repeatable; shell-quoted: $'a\n')
#   global: ARGS         global options for the next collect only (--project, -vv)
#   collect: ARGS        cntraudit --db {db} --base-url {url} collect ARGS --no-progress
#   exit: N              that collect's exit code
#   stderr: LINE         its stderr holds LINE, its volatile part stripped: a
#                        duration ("1.2 s") reads {s}
#   stderr-has: TEXT     its stderr holds TEXT somewhere
#   stderr-lacks: TEXT
#   stderr-lines: N
#   stderr-is:           its whole stderr, stripped, is the indented lines that follow
#   request: LINE        the request log holds LINE exactly ("GET /v1/... key=project project=- org=-")
#   requests: N TEXT     N requests in the log hold TEXT
#   no-requests:         the log is empty
#   db: QUERY => VALUE   sqlite3 on the database prints VALUE
#   within: MS           the collect took less than MS milliseconds
# {tmp} is a scratch folder, {db} the database, {url} the fake's base URL.
# Usage: run_case.sh CNTRAUDIT FAKE_API CASE_FILE      (from the source root)
set -u
bin=$1 fake=$2 case_file=$3
. tests/lib.sh "collect $(basename "$case_file" .case)"
export OPENAI_API_KEY=test-project-key OPENAI_ADMIN_KEY=test-admin-key
export CNTRAUDIT_RETRY_BASE_MS=20 CNTRAUDIT_TIMEOUT_MS=3000
unset OPENAI_BASE_URL OPENAI_PROJECT_ID OPENAI_ORG_ID CNTRAUDIT_LOG CNTRAUDIT_NOW
db=$tmp/collected.db url="" envs=() global="" ran=0 block="" expected=""
sub() { local s=${1//\{tmp\}/$tmp}; s=${s//\{db\}/$db}; printf '%s' "${s//\{url\}/$url}"; }
stripped() { sed -E 's/[0-9]+\.[0-9] s\b/{s}/g' "$tmp/err"; }

run_collect() {
  local start globals=()
  eval "globals=($(sub "$global"))"
  eval "set -- $(sub "$1")"
  start=$(date +%s%N)
  env "${envs[@]}" "$bin" --db "$db" --base-url "$url" "${globals[@]}" collect "$@" --no-progress \
    </dev/null >"$tmp/out" 2>"$tmp/err"
  status=$? took=$(elapsed_ms "$start") envs=() global="" ran=1
}

end_block() { # the indented lines after stderr-is: are complete
  [ -n "$block" ] || return 0
  check
  expected=$(sub "$expected")
  [ "$(stripped)" = "$expected" ] || fail "stderr is not as expected: $(diff <(printf '%s\n' "$expected") <(stripped) | head -20)"
  block="" expected=""
}

while IFS= read -r line || [ -n "$line" ]; do
  if [ -n "$block" ]; then
    case $line in
      '  '*) expected=${expected:+$expected$'\n'}${line#  }; continue ;;
      *) end_block ;;
    esac
  fi
  case $line in ''|'#'*) continue ;; esac
  key=${line%%:*} value=${line#*:} value=${value# }
  case $key in
    fake) eval "set -- $(sub "$value")"; start_fake "$@" ;;
    ids) cat fixtures/"$value"/api/* | grep -oE '(resp|conv)_[A-Za-z0-9]{8,}' | sort -u >"$tmp/ids.txt" ;;
    dump)
      eval "set -- $(sub "$value")"
      "$fake" "$@" --dump "$tmp/dump" >/dev/null && jq -r .id "$tmp/dump/responses.jsonl" >"$tmp/ids.txt" ;;
    sql) sqlite3 "$db" "$(sub "$value")" || fail "sql: '$value' failed" ;;
    env) eval "envs+=($(sub "$value"))" ;;
    global) global=$value ;;
    collect) run_collect "$value" ;;
    exit) check; [ "$status" = "$value" ] || fail "exit $status, expected $value: $(head -c 600 "$tmp/err")" ;;
    stderr) check; stripped | grep -qFx -- "$(sub "$value")" || fail "stderr lacks the line: $value -- stderr: $(stripped | head -c 600)" ;;
    stderr-has) check; stripped | grep -qF -- "$(sub "$value")" || fail "stderr lacks: $value -- stderr: $(stripped | head -c 600)" ;;
    stderr-lacks) check; ! stripped | grep -qF -- "$(sub "$value")" || fail "stderr has: $value" ;;
    stderr-lines) check; n=$(wc -l <"$tmp/err"); [ "$n" = "$value" ] || fail "stderr has $n lines, expected $value: $(head -c 600 "$tmp/err")" ;;
    stderr-is) block=stderr ;;
    request) check; grep -qFx -- "$(sub "$value")" "$tmp/requests.log" || fail "no request $value: $(head -5 "$tmp/requests.log")" ;;
    requests)
      check; n=${value%% *} text=${value#* }
      got=$(grep -cF -- "$(sub "$text")" "$tmp/requests.log")
      [ "$got" = "$n" ] || fail "$got requests hold '$text', expected $n" ;;
    no-requests) check; [ ! -s "$tmp/requests.log" ] || fail "requests were sent: $(head -3 "$tmp/requests.log")" ;;
    db)
      check; query=${value%% => *} want=${value#* => }
      got=$(sqlite3 "$db" "$query" 2>&1)
      [ "$got" = "$want" ] || fail "$query gave '$got', expected '$want'" ;;
    within) check; [ "$took" -lt "$value" ] || fail "took $took ms, not under $value" ;;
    *) fail "unknown key '$key'" ;;
  esac
done <"$case_file"
end_block
[ "$ran" = 1 ] || fail "the case never collected"
finish
