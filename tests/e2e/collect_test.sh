#!/usr/bin/env bash
# End-to-end tests of `cntraudit collect` against tests/fake_api on
# 127.0.0.1. Each case starts its own fake server (port chosen by the
# kernel), runs the real binary, and checks exit codes, output, the
# database, and the server's request log.
# Usage: collect_test.sh CNTRAUDIT FAKE_API CASE     (run from the source root)
set -u
bin=$1 fake=$2 case_name=$3
. tests/lib.sh "$case_name"
export OPENAI_API_KEY=test-project-key OPENAI_ADMIN_KEY=test-admin-key
export CNTRAUDIT_RETRY_BASE_MS=20 CNTRAUDIT_TIMEOUT_MS=3000
unset OPENAI_BASE_URL OPENAI_PROJECT_ID OPENAI_ORG_ID CNTRAUDIT_LOG CNTRAUDIT_NOW

collect() { "$bin" --db "$tmp/collected.db" --base-url "$url" collect "$@" --no-progress; }
reports() { # DB NOW OUTDIR: every report, for comparison; the containers'
  # x-request-ids are the collect's alone (imported objects have none), so
  # they are compared apart: every collected row must carry one
  mkdir -p "$3"
  for r in summary threads daily; do
    "$bin" --db "$1" --now "$2" report "$r" --format csv >"$3/$r.csv" 2>&1
  done
  "$bin" --db "$1" --now "$2" report containers --format json >"$3/containers.json" 2>&1
  jq -c '.rows[] | del(.request_id, .attributed_request_id)' "$3/containers.json" >"$3/containers.rows"
  jq -r '.rows[] | [.request_id != null, (.attributed_response_id == null) == (.attributed_request_id == null)]
         | map(tostring) | join(" ")' "$3/containers.json" | sort | uniq -c >"$3/request-ids"
  rm "$3/containers.json"
}
import_fixture() { "$bin" -q --db "$tmp/imported.db" import "$@"; }
same_reports() { # NOW: collected and imported databases give identical reports
  check
  reports "$tmp/collected.db" "$1" "$tmp/r-collected"
  reports "$tmp/imported.db" "$1" "$tmp/r-imported"
  ! grep -v " true true$" "$tmp/r-collected/request-ids" >/dev/null ||
    fail "collected containers without their x-request-id: $(cat "$tmp/r-collected/request-ids")"
  rm "$tmp/r-collected/request-ids" "$tmp/r-imported/request-ids"
  diff -r "$tmp/r-imported" "$tmp/r-collected" >"$tmp/diff" || fail "collected and imported reports differ: $(head -20 "$tmp/diff")"
}
log_count() { grep -c -- "$1" "$tmp/requests.log"; }
expect_exit() { check; [ "$1" = "$2" ] || fail "exit $1, expected $2: $(tail -3 "$tmp/err" 2>/dev/null)"; }
expect_err() { check; grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1 -- stderr: $(head -5 "$tmp/err")"; }
# The stored objects unpacked (the database keeps them compressed, where
# grep would not see a key), for the key checks.
unpacked() { [ ! -s "$1" ] || "$bin" --db "$1" raw >"$tmp/unpacked-objects"; }
no_key_anywhere() { # keys never reach output, logs or the database
  check
  unpacked "$tmp/collected.db"
  for f in "$tmp"/err "$tmp"/out "$tmp"/collected.db* "$tmp/unpacked-objects"; do
    [ -f "$f" ] || continue
    ! grep -qa -e test-project-key -e test-admin-key "$f" || fail "a key leaked into $(basename "$f")"
  done
}
no_key_written() { # the key in no report, no evidence file, no runs record, nor where no_key_anywhere looks
  for r in summary containers orphans threads daily reconcile focus; do
    "$bin" --db "$tmp/collected.db" --now 2026-12-01 report "$r" --format json >>"$tmp/out" 2>>"$tmp/err"
  done
  "$bin" --db "$tmp/collected.db" runs --format csv >>"$tmp/out" 2>>"$tmp/err"
  rm -rf "$tmp/pack"
  "$bin" --db "$tmp/collected.db" --now 2026-12-01 evidence --out "$tmp/pack" >>"$tmp/out" 2>>"$tmp/err"
  check; ! grep -rqa -e test-project-key -e test-admin-key "$tmp/pack" || fail "a key leaked into the evidence"
  no_key_anywhere
}
scenario_ids() { cat fixtures/"$1"/api/* | grep -oE '(resp|conv)_[A-Za-z0-9]{8,}' | sort -u >"$tmp/ids.txt"; }

case $case_name in
fixtures)
  # Every scenario, collected from the fake API, reports exactly what its import does.
  for s in forum-repetitive healthy-reuse expired-recreated repetitive-creation pricing attribution; do
    rm -f "$tmp"/*.db*
    start_fake --fixture "fixtures/$s"
    scenario_ids "$s"
    collect all --from "$tmp/ids.txt" --since 2025-01-01 >"$tmp/out" 2>"$tmp/err"
    expect_exit $? 0
    import_fixture fixtures/"$s"/api/*
    same_reports "$(cat "fixtures/$s/now")"
  done
  no_key_anywhere
  ;;
synthetic)
  # A generated account (containers, chains of code interpreter and Hosted Shell calls,
  # conversations, container files): collect == import of the same data.
  start_fake --synthetic 3000:800:60 --seed 7
  "$fake" --synthetic 3000:800:60 --seed 7 --dump "$tmp/dump"
  grep -ohE '(resp|conv)_[A-Za-z0-9]{8,}' "$tmp"/dump/responses.jsonl | sort -u >"$tmp/ids.txt"
  collect all --from "$tmp/ids.txt" --with-files --jobs 16 >"$tmp/out" 2>"$tmp/err"
  expect_exit $? 0
  import_fixture "$tmp"/dump/*
  same_reports 2026-11-21
  check; [ "$(log_count 'GET /v1/containers?order=asc&limit=100 key=')" = 1 ] || fail "first page not requested once with order=asc&limit=100"
  check; [ "$(log_count '&after=')" -ge 29 ] || fail "expected 30 container pages"
  ;;
idempotent)
  start_fake --fixture fixtures/forum-repetitive
  scenario_ids forum-repetitive
  collect all --from "$tmp/ids.txt" --since 2025-11-01 2>"$tmp/err"; expect_exit $? 0
  cp "$tmp/collected.db" "$tmp/first.db"
  collect containers 2>"$tmp/err"; expect_exit $? 0
  expect_err "6 objects stored (0 rows new or changed)"
  collect responses --from "$tmp/ids.txt" 2>"$tmp/err"; expect_exit $? 0
  expect_err "collect responses: 6 of 6 already stored or known missing; fetching 0"
  check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM containers')" = 6 ] || fail "containers duplicated"
  ;;
faults)
  # Each transient fault is retried and leaves the data of a clean run.
  import_fixture fixtures/attribution/api/*
  scenario_ids attribution
  for fault in 429 429ms 500 502 503 delay reset truncate malformed stall; do
    rm -f "$tmp"/collected.db*
    start_fake --fixture fixtures/attribution --fault "/containers:$fault:1" --fault "/responses/resp_698ae5e5:$fault:2"
    CNTRAUDIT_TIMEOUT_MS=1500 collect all --from "$tmp/ids.txt" --since 2026-01-01 >"$tmp/out" 2>"$tmp/err"
    expect_exit $? 0
    check; grep -q "fault=$fault" "$tmp/requests.log" || fail "$fault was never injected"
    want=3; [ "$fault" = delay ] && want=1 # a late reply is a reply
    check; [ "$(log_count 'GET /v1/responses/resp_698ae5e5')" = "$want" ] || fail "$fault: resp_698ae5e5 not fetched $want times"
    same_reports 2026-02-11T00:00:00Z
  done
  ;;
retry-after)
  # Retry-After: 1 is honoured: the retry comes a second later, not at once.
  start_fake --fixture fixtures/forum-repetitive --fault "/containers:429:1"
  start=$(date +%s%N)
  collect containers 2>"$tmp/err"; expect_exit $? 0
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  check; [ "$elapsed" -ge 950 ] || fail "retried after $elapsed ms, before Retry-After's 1 s"
  expect_err "1 retry"
  ;;
kill)
  # SIGKILL at several points, then rerun: the same data as an uninterrupted run.
  start_fake --synthetic 20000:0:0 --seed 3 --latency-ms 5
  collect containers 2>/dev/null; expect_exit $? 0
  "$bin" --db "$tmp/collected.db" raw | md5sum >"$tmp/expected.md5"
  interrupted=0
  for ms in 150 400 700 1000; do
    rm -f "$tmp"/collected.db*
    "$bin" --db "$tmp/collected.db" --base-url "$url" collect containers --no-progress 2>/dev/null &
    pid=$!
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    partial=$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM containers" 2>/dev/null || echo 0)
    killed=$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM runs WHERE status = 'running'" 2>/dev/null || echo 0)
    collect containers 2>"$tmp/err"; expect_exit $? 0
    # A killed run that had recorded itself stays visible as running.
    if [ "$killed" -gt 0 ]; then
      interrupted=$((interrupted + 1))
      check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM runs WHERE status = 'running'")" -ge "$killed" ] ||
        fail "after SIGKILL at ${ms} ms, the killed run is not visible as running"
    fi
    check; "$bin" --db "$tmp/collected.db" raw | md5sum | cmp -s - "$tmp/expected.md5" \
      || fail "after SIGKILL at ${ms} ms ($partial stored) and a rerun, the data differs"
    check; [ "$(sqlite3 "$tmp/collected.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity check failed"
    if [ "$partial" -gt 0 ] && [ "$partial" -lt 20000 ]; then
      expect_err "collect containers: resuming after cntr_"
    fi
  done
  check; [ "$interrupted" -ge 1 ] || fail "no SIGKILL landed while a run was recorded as running"
  ;;
interrupt)
  # SIGINT stops cleanly, says how far it got, and the rerun resumes.
  start_fake --synthetic 20000:0:0 --seed 3 --latency-ms 5
  "$bin" --db "$tmp/collected.db" --base-url "$url" collect containers --no-progress 2>"$tmp/err" &
  pid=$!
  sleep 0.5; kill -INT "$pid"; wait "$pid"; rc=$?
  expect_exit "$rc" 3
  expect_err "interrupted: run the same command again to resume"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT status FROM runs")" = interrupted ] || fail "run not recorded as interrupted"
  collect containers 2>"$tmp/err"; expect_exit $? 0
  expect_err "resuming after"
  check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM containers')" = 20000 ] || fail "resume lost containers"
  ;;
secrets)
  # Keys never reach the database, reports, evidence, runs, logs at any
  # verbosity or error messages, even when the server echoes them back.
  key=sk-test-secret-key-0123456789-abcdefgh admin=sk-test-secret-admin-9876543210-zyxw
  start_fake --fixture fixtures/forum-repetitive --api-key "$key" --admin-key "$admin" --echo-auth \
    --fault "/responses/resp_062c9abf58c3e2fb00690909a6ee:500:0" --fault "/organization/costs:503:2"
  scenario_ids forum-repetitive
  for v in -q "" -v -vv; do
    OPENAI_API_KEY=$key OPENAI_ADMIN_KEY=$admin CNTRAUDIT_MAX_TRIES=2 \
      "$bin" $v --db "$tmp/collected.db" --base-url "$url" collect all --from "$tmp/ids.txt" --since 2025-11-01 --no-progress \
      >>"$tmp/out" 2>>"$tmp/err"
  done
  OPENAI_API_KEY=wrong-$key "$bin" -vv --db "$tmp/collected.db" --base-url "$url" collect containers --no-progress >>"$tmp/out" 2>>"$tmp/err"
  expect_err "[key …efgh]" # the echoed wrong key, replaced by its fingerprint
  export OPENAI_API_KEY=$key OPENAI_ADMIN_KEY=$admin
  for r in summary containers orphans threads daily reconcile focus; do
    for f in text csv json; do "$bin" -vv --db "$tmp/collected.db" --now 2025-11-04 report "$r" --format "$f" >>"$tmp/out" 2>>"$tmp/err"; done
  done
  "$bin" -vv --db "$tmp/collected.db" runs --format csv >>"$tmp/out" 2>>"$tmp/err"
  "$bin" -vv --db "$tmp/collected.db" --now 2025-11-04 evidence --out "$tmp/pack" >>"$tmp/out" 2>>"$tmp/err"
  check; grep -q "project …cdef\|project …efgh" "$tmp/pack/MANIFEST.json" || fail "no key fingerprint in the evidence manifest"
  check; grep -q "fault=500" "$tmp/requests.log" || fail "no echoed error was provoked"
  check; unpacked "$tmp/collected.db"
  if grep -rqa -e "$key" -e "$admin" -e "${key#sk-}" "$tmp"/out "$tmp"/err "$tmp"/collected.db* "$tmp/pack" "$tmp/unpacked-objects"; then
    fail "a key leaked: $(grep -rla -e "$key" -e "$admin" "$tmp"/out "$tmp"/err "$tmp"/collected.db* "$tmp/pack" "$tmp/unpacked-objects" | head -3)"
  fi
  ;;
refused-page)
  # A page with a container the decoder refuses stops the listing there:
  # the pages before it are stored with their resume cursor, the page asked
  # for ahead of it (the next request goes out while a page is stored) is not.
  mkdir -p "$tmp/refused/api"
  for i in $(seq 1000 1249); do
    active=$((1780000000 + i)); [ "$i" = 1150 ] && active='"soon"'
    printf '{"id":"cntr_refused%04d","object":"container","name":"n","created_at":%d,"status":"expired","last_active_at":%s,"memory_limit":"1g"}\n' \
      "$i" $((1780000000 + i)) "$active"
  done >"$tmp/refused/api/containers.jsonl"
  start_fake --fixture "$tmp/refused"
  collect containers 2>"$tmp/err"; expect_exit $? 1
  expect_err "container cntr_refused1150"
  expect_err "cannot store the page /containers?order=asc&limit=100&after=cntr_refused1099"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*), max(id) FROM containers")" = "100|cntr_refused1099" ] \
    || fail "stored: $(sqlite3 "$tmp/collected.db" "SELECT count(*), max(id) FROM containers")"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT after_id FROM collect_cursors")" = cntr_refused1099 ] || fail "resume cursor not at the last stored page"
  check; [ "$(log_count 'GET /v1/containers')" -le 3 ] || fail "pages asked for after the refused one: $(log_count 'GET /v1/containers')"
  ;;
progress)
  # On a terminal a long collect shows items and rate on stderr; --no-progress or a pipe does not.
  start_fake --synthetic 20000:0:0 --seed 3 --latency-ms 5
  script -qec "'$bin' --db '$tmp/collected.db' --base-url '$url' collect containers" /dev/null >"$tmp/tty" 2>&1
  check; grep -qE 'cntraudit: containers: [0-9]+ \([0-9]+/s\)' "$tmp/tty" || fail "no progress line on a terminal: $(head -c 300 "$tmp/tty")"
  rm -f "$tmp"/collected.db*
  # Every other line erases the progress line first: here the note on the
  # key's project, logged while the responses' progress is drawn (it was
  # written after it: "...ETA 0 s, 3 retries)cntraudit: collect: the project key ...").
  "$fake" --synthetic 3000:3000:100 --seed 3 --dump "$tmp/dump" >/dev/null
  grep -ho '"id":"resp_[^"]*"' "$tmp"/dump/responses*.jsonl | cut -d'"' -f4 >"$tmp/ids.txt"
  start_fake --synthetic 3000:3000:100 --seed 3 --latency-ms 5 --fault "resp_:500:3"
  script -qec "'$bin' --db '$tmp/collected.db' --base-url '$url' collect all --from '$tmp/ids.txt'" /dev/null >"$tmp/tty" 2>&1
  check; grep -q 'responses: [0-9]* of 3000' "$tmp/tty" || fail "no responses progress: $(tail -c 300 "$tmp/tty")"
  check; ! grep -q ')cntraudit: ' "$tmp/tty" || fail "a line written over the progress line: $(grep -ao '.\{40\})cntraudit: .\{40\}' "$tmp/tty" | head -2)"
  rm -f "$tmp"/collected.db*
  script -qec "'$bin' --db '$tmp/collected.db' --base-url '$url' collect containers --no-progress" /dev/null >"$tmp/tty" 2>&1
  check; ! grep -qE 'cntraudit: containers: [0-9]+ \(' "$tmp/tty" || fail "progress drawn despite --no-progress"
  rm -f "$tmp"/collected.db*
  collect containers 2>"$tmp/err"; expect_exit $? 0
  check; ! grep -qE 'containers: [0-9]+ \(' "$tmp/err" || fail "progress drawn on a pipe"
  ;;
cursors)
  # Cursors are opaque and go into URLs percent-encoded: container IDs with
  # '+', '&' and '=' as after cursors, and the Usage and Costs APIs'
  # page_...+/+/...= cursors (the fake refuses one whose '+' arrives as a space).
  mkdir -p "$tmp/odd/api"
  for i in 1 2 3 4 5; do
    printf '{"id":"cntr_odd+%d&x=y","object":"container","name":"n","created_at":%d,"status":"expired","last_active_at":%d,"memory_limit":"1g"}\n' \
      "$i" $((1785747600 + i)) $((1785747600 + i))
  done >"$tmp/odd/api/containers.jsonl"
  start_fake --fixture "$tmp/odd" --fixture fixtures/grouped-projects --page-size 2
  collect containers 2>"$tmp/err"; expect_exit $? 0
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM containers WHERE id LIKE 'cntr_odd+%&x=y'")" = 5 ] || fail "not every odd container stored"
  check; grep -qE 'after=cntr_odd\+[0-9]&x=y key=' "$tmp/requests.log" || fail "the cursor did not arrive as sent: $(grep after "$tmp/requests.log" | head -2)"
  start_fake --fixture fixtures/grouped-projects --page-size 1
  collect usage --since 2026-08-01 2>"$tmp/err"; expect_exit $? 0
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM usage_sessions")" = 3 ] || fail "usage pages after the first were not fetched"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM costs")" = 4 ] || fail "costs pages after the first were not fetched"
  check; grep -q 'page=page_+/+/' "$tmp/requests.log" || fail "no page cursor was followed"
  ;;
key-project)
  # With an admin key, collect learns which project the project key belongs
  # to, and reconcile matches OpenAI's per-project figures day by day.
  start_fake --fixture fixtures/grouped-projects --project-id proj_4kTm9Qx2LbV7nR1sWc8yZ0dE
  jq -r .id fixtures/grouped-projects/api/responses.jsonl >"$tmp/ids.txt"
  collect all --from "$tmp/ids.txt" --since 2026-08-01 2>"$tmp/err"; expect_exit $? 0
  expect_err "collect: the project key belongs to proj_4kTm9Qx2LbV7nR1sWc8yZ0dE: containers labelled 'default' are reconciled with its usage and costs"
  check; grep -q "GET /v1/organization/projects/proj_4kTm9Qx2LbV7nR1sWc8yZ0dE/api_keys?limit=100 key=admin" "$tmp/requests.log" || fail "the project's keys were not listed"
  "$bin" --db "$tmp/collected.db" --now 2026-08-05 report reconcile >"$tmp/out"
  check; grep -qx '2026-08-03,proj_4kTm9Qx2LbV7nR1sWc8yZ0dE,3,per_minute_min5,17,17,duration_minutes,3,0.025500,3,0.025500,0,0.000000,' "$tmp/out" \
    || fail "no per-project row: $(cat "$tmp/out")"
  check; [ "$(grep -c '^2026-08-03,' "$tmp/out")" = 2 ] || fail "08-03 not one row per project"
  no_key_anywhere
  # The admin key cannot list projects: a warning, and reconcile compares org-wide.
  rm -f "$tmp"/collected.db*
  start_fake --fixture fixtures/grouped-projects --fault "/organization/projects:500:0"
  CNTRAUDIT_MAX_TRIES=2 collect all --from "$tmp/ids.txt" --since 2026-08-01 2>"$tmp/err"; expect_exit $? 0
  expect_err "warning: collect: cannot learn which project the key belongs to"
  "$bin" --db "$tmp/collected.db" --now 2026-08-05 report reconcile >"$tmp/out"
  check; grep -q '^2026-08-03,,3,per_minute_min5,17,22,duration_minutes,3,0.025500,4,0.033000,1,0.007500,"compared org-wide' "$tmp/out" \
    || fail "not compared org-wide: $(cat "$tmp/out")"
  ;;
key-echoed)
  # A server echoing the key — in a 200 page, in x-request-id, JSON-escaped,
  # percent-encoded, across the 200-character cut of an error message — never
  # gets it stored, printed or reported: it is replaced by its fingerprint.
  start_fake --fixture fixtures/forum-repetitive --fault "/containers?:echo-key:1" --fault "/containers?:echo-key-header:1"
  collect containers 2>"$tmp/err"; expect_exit $? 0
  expect_err "the server sent the key back: it was replaced by its fingerprint before anything was stored"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM containers WHERE name LIKE 'Bearer [key %-key]'")" = 1 ] \
    || fail "the echoed name was not stored redacted: $(sqlite3 "$tmp/collected.db" 'SELECT name FROM containers LIMIT 1')"
  scenario_ids forum-repetitive
  for f in echo-escaped echo-long; do
    start_fake --fixture fixtures/forum-repetitive --fault "/responses/resp_062c9abf58c3e2fb00690909a6ee:$f:0"
    "$bin" -vv --db "$tmp/collected.db" --base-url "$url" collect responses --from "$tmp/ids.txt" --no-progress >>"$tmp/out" 2>>"$tmp/err"
    expect_exit $? 3
  done
  expect_err "Incorrect API key provided: [key …-key], sent as [key …-key]"
  expect_err "xxxxxxxxx[key …"
  no_key_written
  ;;
key-memory)
  # While a key is in memory: no core dump, and the environment no longer holds it.
  start_fake --synthetic 20000:0:0 --seed 3 --latency-ms 20
  "$bin" --db "$tmp/collected.db" --base-url "$url" collect containers --no-progress 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 100); do grep -q 'GET /v1/containers' "$tmp/requests.log" && break; sleep 0.05; done
  check; [ "$(awk '/^Max core file size/ {print $5 $6}' /proc/$pid/limits)" = 00 ] || fail "core dumps allowed: $(grep core /proc/$pid/limits)"
  check; ! tr '\0' '\n' </proc/$pid/environ | grep -q -e test-project-key -e test-admin-key || fail "the key is still in the environment"
  kill -QUIT "$pid"; wait "$pid"
  check; ! ls "$tmp"/core* >/dev/null 2>&1 || fail "a core file was written"
  ;;
bombs)
  # Replies that never end or inflate without bound fail their item with one
  # line: memory stays bounded and nothing aborts.
  export CNTRAUDIT_MAX_REPLY_MB=16
  scenario_ids forum-repetitive
  for f in gzip-bomb endless huge; do
    rm -f "$tmp"/collected.db*
    start_fake --fixture fixtures/forum-repetitive --fault "/responses/resp_062c9abf58c3e2fb00690909a6ee:$f:0"
    start=$(date +%s%N)
    /usr/bin/time -f %M -o "$tmp/rss" "$bin" --db "$tmp/collected.db" --base-url "$url" collect responses --from "$tmp/ids.txt" --no-progress 2>"$tmp/err"
    expect_exit $? 3
    expect_err "the reply is larger than 16 MiB (CNTRAUDIT_MAX_REPLY_MB): not read"
    check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM responses')" = 5 ] || fail "$f: the other responses were not stored"
    check; [ "$(tail -1 "$tmp/rss")" -lt 200000 ] || fail "$f: peak RSS $(tail -1 "$tmp/rss") kB"
    check; [ "$(elapsed_ms "$start")" -lt 20000 ] || fail "$f: took $(elapsed_ms "$start") ms"
  done
  unset CNTRAUDIT_MAX_REPLY_MB
  ;;
bombs-in-2gb)
  # The same bombs at the default 256 MiB cap, in a 2 GB address space (no
  # sanitizer can run there: a limits.* test): each fails its item with one
  # line, nothing aborts, the rest is stored.
  scenario_ids forum-repetitive
  for f in gzip-bomb endless huge; do
    rm -f "$tmp"/collected.db*
    start_fake --fixture fixtures/forum-repetitive --fault "/responses/resp_062c9abf58c3e2fb00690909a6ee:$f:0"
    (ulimit -v 2000000; exec /usr/bin/time -f %M -o "$tmp/rss" "$bin" --db "$tmp/collected.db" --base-url "$url" collect responses --from "$tmp/ids.txt" --no-progress) 2>"$tmp/err"
    expect_exit $? 3
    case $f in
    gzip-bomb) expect_err "resp_062c9abf58c3e2fb00690909a6ee3c81959c18e4f8c3e22008: the response is not valid JSON" ;;
    *) expect_err "the reply is larger than 256 MiB (CNTRAUDIT_MAX_REPLY_MB): not read" ;;
    esac
    check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM responses')" = 5 ] || fail "$f: the other responses were not stored"
    check; [ "$(tail -1 "$tmp/rss")" -lt 900000 ] || fail "$f: peak RSS $(tail -1 "$tmp/rss") kB"
  done
  ;;
file-limit)
  # --jobs beyond the open-file limit is capped with a warning, not 1,000
  # "Couldn't connect" failures.
  "$fake" --synthetic 0:1000:0 --seed 4 --dump "$tmp/dump"
  jq -r .id "$tmp/dump/responses.jsonl" >"$tmp/ids.txt"
  start_fake --synthetic 0:1000:0 --seed 4
  (ulimit -n 20; collect responses --from "$tmp/ids.txt" --no-chain --jobs 64 2>"$tmp/err"); expect_exit $? 0
  expect_err "warning: collect: --jobs 64 needs more open files than the limit of 20 allows (ulimit -n): using 4"
  check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM responses')" = 1000 ] || fail "not every response stored"
  ;;
writers-side-by-side)
  # Writers share one database: during a collect of about 12 s (30 container
  # pages, 400 ms each), an import of 20,000 containers, a price import, a
  # second collect and reports all run beside it, and every one succeeds
  # with everything stored. None holds the write lock across a network wait.
  bench/generate-containers 20000 >"$tmp/big.jsonl"
  start_fake --synthetic 3000:300:0 --seed 5 --latency-ms 400
  "$fake" --synthetic 3000:300:0 --seed 5 --dump "$tmp/dump"
  jq -r .id "$tmp/dump/responses.jsonl" >"$tmp/ids.txt"
  start=$(date +%s%N)
  collect containers >"$tmp/out" 2>"$tmp/err" &
  first=$!
  sleep 2
  "$bin" --db "$tmp/collected.db" import "$tmp/big.jsonl" 2>"$tmp/err-import"; expect_exit $? 0
  "$bin" --db "$tmp/collected.db" prices --import fixtures/bad-input/price-override.csv 2>"$tmp/err-prices"; expect_exit $? 0
  "$bin" --db "$tmp/collected.db" report summary >"$tmp/summary" 2>"$tmp/err-report"; expect_exit $? 0
  "$bin" --db "$tmp/collected.db" --base-url "$url" collect responses --from "$tmp/ids.txt" --no-chain --jobs 16 --no-progress 2>"$tmp/err-second"
  expect_exit $? 0
  check; kill -0 "$first" 2>/dev/null || fail "the first collect ended before the others ran ($(elapsed_ms "$start") ms): the case proves nothing"
  wait "$first"; expect_exit $? 0
  check; [ "$(elapsed_ms "$start")" -ge 10000 ] || fail "the collect lasted only $(elapsed_ms "$start") ms"
  check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM containers')" = 23000 ] || fail "containers: $(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM containers'), expected 3000 + 20000"
  check; [ "$(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM responses')" = 300 ] || fail "responses: $(sqlite3 "$tmp/collected.db" 'SELECT count(*) FROM responses')"
  check; [ "$(sqlite3 "$tmp/collected.db" "SELECT count(*) FROM prices WHERE version = 'acme-contract-2025-12'")" = 1 ] || fail "the price row is missing"
  runs=$(sqlite3 "$tmp/collected.db" "SELECT group_concat(command || '=' || status, ' ') FROM (SELECT * FROM runs ORDER BY id)")
  check; [ "$runs" = "collect containers=ok import=ok collect responses=ok" ] || fail "runs: $runs"
  ;;
*)
  fail "unknown case"
  ;;
esac
finish
