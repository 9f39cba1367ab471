#!/usr/bin/env bash
# End-to-end tests of `cntraudit proxy` between clients and tests/fake_api,
# everything on 127.0.0.1 (ports chosen by the kernel).
#   sdk         the official openai SDK (bench/peer/) makes an application's
#               calls (tests/proxy/sdk_calls.mjs) straight to a fake API and,
#               against a second fake in the same state, through the proxy:
#               every status, header (but Date) and body byte it received is
#               the same; the proxy's database alone, with no collect, audits
#               with full coverage and finds exactly the orphans; no key in it
#   streaming   server-sent events reach the client as the upstream sends
#               them, not when the stream ends
#   disconnect  a client leaving mid-stream cuts the upstream request at once;
#               the response it had begun is still recorded
#   sigkill     kill -9 mid-traffic loses at most the last batch and leaves
#               the database whole; the next proxy opens it and records again
#   store-fails another writer holds the database past the busy timeout:
#               traffic flows on, the loss is counted, logged and in runs, and
#               recording resumes once the database is free
#   safety      loopback only unless --allow-remote; the upstream is not the
#               proxy itself; an upstream that is down answers 502 and the
#               proxy goes on; an upstream whose TLS certificate is not
#               trusted is not talked to; a key echoed by the upstream is not
#               stored
# Usage: proxy_test.sh CNTRAUDIT FAKE_API CASE     (run from the source root)
set -u
bin=$1 fake=$2 case_name=$3
. tests/lib.sh "proxy $case_name"
unset OPENAI_BASE_URL OPENAI_PROJECT_ID OPENAI_ORG_ID CNTRAUDIT_LOG CNTRAUDIT_NOW
key=sk-proj-cntrauditPROXYtest0123456789abcdefghij
clock=1790000000 # 2026-09-21T14:13:20Z: what the fake creates is created then
proxy_pid=""
# stop_proxy [EXIT]: SIGTERM, and the exit code it must end with (default 0:
# a clean stop, nothing lost; under ASan, no leak)
stop_proxy() {
  [ -n "$proxy_pid" ] || return 0
  kill "$proxy_pid" 2>/dev/null
  wait "$proxy_pid" 2>/dev/null
  local rc=$?
  proxy_pid=""
  check
  [ "$rc" = "${1:-0}" ] || fail "the proxy exited $rc, expected ${1:-0}: $(tail -3 "$tmp/proxy.err")"
}
trap '[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null; lib_exit' EXIT
# start_proxy DB ARGS...: a proxy in front of $url; sets $purl
start_proxy() {
  rm -f "$tmp/pport"
  "$bin" --db "$1" --base-url "$url" proxy --listen 127.0.0.1:0 --port-file "$tmp/pport" "${@:2}" 2>>"$tmp/proxy.err" &
  proxy_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/pport" ] && break; sleep 0.05; done
  [ -s "$tmp/pport" ] || { fail "the proxy did not start: $(tail -3 "$tmp/proxy.err")"; exit 1; }
  purl="http://127.0.0.1:$(cat "$tmp/pport")/v1"
}
expect() { check; [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
no_key_in() { check; ! grep -rqa -e "$key" "$@" || fail "the key is in $*"; }
post() { curl -s -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }

case $case_name in
sdk)
  peer=$PWD/bench/peer
  [ -d "$peer/node_modules/openai" ] || { fail "the openai SDK is not installed: run (cd bench/peer && npm ci)"; finish; }
  sdk() { OPENAI_API_KEY=$key OPENAI_BASE_URL=$1 node tests/proxy/sdk_calls.mjs "$peer" "$2" 2>"$tmp/sdk.err" ||
    fail "the SDK run failed: $(tail -3 "$tmp/sdk.err")"; }
  start_fake --api-key "$key" --clock $clock --stream-delay-ms 20
  sdk "$url" "$tmp/direct.json"
  start_fake --api-key "$key" --clock $clock --stream-delay-ms 20
  start_proxy "$tmp/proxy.db"
  sdk "$purl" "$tmp/proxied.json"
  stop_proxy
  expect "$(jq '.received | length' "$tmp/direct.json")" 11 "replies the SDK received directly"
  check
  cmp -s "$tmp/direct.json" "$tmp/proxied.json" ||
    fail "the proxy changed what the SDK received: $(diff <(jq -c '.received[] | del(.body)' "$tmp/direct.json") \
      <(jq -c '.received[] | del(.body)' "$tmp/proxied.json") | head -6)"
  expect "$(jq -r '[.received[].headers["content-type"]] | map(select(startswith("text/event-stream"))) | length' \
    "$tmp/proxied.json")" 2 "streamed replies"
  # The proxy's database alone: no collect, no --scan, no --from.
  now="--now 2026-09-21T16:00:00Z"
  "$bin" --db "$tmp/proxy.db" $now report summary --format json >"$tmp/summary.json" || fail "report summary failed"
  row() { jq -r --arg s "$1" --arg i "$2" '.rows[] | select(.section == $s and .item == $i) | .count' "$tmp/summary.json"; }
  expect "$(row coverage containers)" 6 "containers known to the audit"
  expect "$(row coverage outside_coverage)" 0 "containers outside coverage"
  expect "$(row coverage 'responses collected')" 5 "responses recorded"
  expect "$(row coverage conversations)" 1 "conversations recorded"
  "$bin" --db "$tmp/proxy.db" $now report orphans --format json | jq -r '.rows[].container_id' | sort >"$tmp/orphans"
  jq -r '.containers - .containers_called | .[]' "$tmp/direct.json" | sort >"$tmp/expected"
  check
  [ -s "$tmp/expected" ] && cmp -s "$tmp/orphans" "$tmp/expected" ||
    fail "orphans found: $(tr '\n' ' ' <"$tmp/orphans"); expected (never called): $(tr '\n' ' ' <"$tmp/expected")"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM responses WHERE request_id LIKE 'req_%'")" 5 \
    "responses stored with their x-request-id"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM responses WHERE conversation_id IS NOT NULL")" 2 \
    "responses in the conversation"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM containers WHERE name = 'made-by-hand'")" 1 \
    "the container made with POST /containers"
  expect "$("$bin" --db "$tmp/proxy.db" runs --format csv | grep -c '^[0-9]*,proxy,')" 1 "proxy runs recorded"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT status || ' ' || requests FROM runs WHERE command = 'proxy'")" "ok 11" \
    "the proxy's run"
  "$bin" --db "$tmp/proxy.db" raw >"$tmp/unpacked-objects"
  check; [ -s "$tmp/unpacked-objects" ] || fail "no stored object to look for the key in"
  no_key_in "$tmp"/proxy.db* "$tmp/proxy.err" "$tmp/unpacked-objects"
  echo "$(jq '.received | length' "$tmp/proxied.json") replies identical through the proxy;" \
    "$(row coverage containers) containers, $(wc -l <"$tmp/orphans") orphans, found from the proxy's database alone"
  ;;
streaming)
  start_fake --api-key "$key" --stream-delay-ms 400
  start_proxy "$tmp/proxy.db"
  post -N "$purl/responses" -d '{"model":"gpt-5","input":"hi","stream":true}' |
    while IFS= read -r line; do
      case $line in event:*) echo "$(date +%s%N) $line" ;; esac
    done >"$tmp/events"
  expect "$(wc -l <"$tmp/events")" 6 "events received"
  first=$(head -1 "$tmp/events" | cut -d' ' -f1) last=$(tail -1 "$tmp/events" | cut -d' ' -f1)
  spread=$(( (last - first) / 1000000 ))
  check
  # five 400 ms pauses upstream: a proxy that buffered would deliver them all at once
  [ "$spread" -ge 1500 ] || fail "events arrived within $spread ms of each other: the stream was buffered"
  stop_proxy
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT status FROM responses")" completed "the streamed response"
  ;;
disconnect)
  start_fake --api-key "$key" --stream-delay-ms 3000
  start_proxy "$tmp/proxy.db"
  fport=$(cat "$tmp/port")
  post -N --max-time 1 "$purl/responses" -d '{"model":"gpt-5","input":"hi","stream":true}' >"$tmp/partial"
  sleep 0.5
  expect "$(grep -c '^event:' "$tmp/partial")" 1 "events before the client left"
  # the proxy's upstream connection for that stream is gone before the next event is due
  check
  ! ss -Htn state established "( dport = :$fport )" | grep -q . || fail "the upstream request outlived its client"
  stop_proxy
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT status FROM responses")" in_progress "the response the stream had begun"
  ;;
sigkill)
  start_fake --api-key "$key"
  start_proxy "$tmp/proxy.db"
  # one client, 2 requests at a time, thousands in all: far more than a batch
  # is answered before the kill
  mkdir "$tmp/replies"
  for i in $(seq 20000); do printf 'url = "%s/responses"\noutput = "%s/replies/%s"\n' "$purl" "$tmp" "$i"; done >"$tmp/curl.conf"
  curl -s -Z --parallel-max 2 -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"model":"gpt-5","input":"hi","tools":[{"type":"code_interpreter","container":{"type":"auto"}}]}' \
    -K "$tmp/curl.conf" 2>/dev/null &
  client=$!
  started=$(date +%s%N)
  for _ in $(seq 600); do [ "$(find "$tmp/replies" -type f | wc -l)" -ge 1500 ] && break; sleep 0.05; done
  # and past the first update of the run's counts (every 2 s)
  while [ "$(elapsed_ms "$started")" -lt 3000 ]; do sleep 0.1; done
  kill -9 "$proxy_pid"
  wait "$proxy_pid" 2>/dev/null
  proxy_pid=""
  wait "$client"
  # a reply is answered when it arrived whole
  python3 -c '
import json, os, sys
for name in os.listdir(sys.argv[1]):
    try:
        doc = json.load(open(os.path.join(sys.argv[1], name)))
    except ValueError:
        continue
    if doc.get("object") == "response":
        print(doc["id"])' "$tmp/replies" >"$tmp/ids"
  sort -u "$tmp/ids" >"$tmp/answered"
  sqlite3 "$tmp/proxy.db" "SELECT id FROM responses" | sort >"$tmp/stored"
  answered=$(wc -l <"$tmp/answered") stored=$(wc -l <"$tmp/stored")
  lost=$(comm -23 "$tmp/answered" "$tmp/stored" | wc -l)
  check
  [ "$answered" -ge 1000 ] || fail "only $answered responses answered before the kill: not enough traffic to tell"
  check
  [ "$lost" -le 256 ] || fail "$lost of $answered answered responses lost: more than the last batch (256)"
  expect "$(sqlite3 "$tmp/proxy.db" 'PRAGMA integrity_check')" ok "the database after kill -9"
  expect "$(comm -13 "$tmp/answered" "$tmp/stored" | wc -l)" 0 "responses stored that no client was answered"
  progress=$(sqlite3 "$tmp/proxy.db" "SELECT objects FROM runs WHERE command = 'proxy' AND status = 'running'")
  check
  [ "${progress:-0}" -gt 0 ] && [ "$progress" -le "$stored" ] ||
    fail "the killed run's counts in runs: '$progress' objects for $stored stored"
  echo "answered $answered, stored $stored, lost $lost; the killed run shows $progress objects"
  start_proxy "$tmp/proxy.db"
  post "$purl/responses" -d '{"model":"gpt-5","input":"again"}' >/dev/null
  stop_proxy
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM responses")" $((stored + 1)) "responses after a restart"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT group_concat(status, ' ') FROM runs WHERE command = 'proxy' ORDER BY id")" \
    "running ok" "the killed run and the next one"
  ;;
store-fails)
  start_fake --api-key "$key"
  CNTRAUDIT_BUSY_TIMEOUT=1 start_proxy "$tmp/proxy.db"
  before=$(post "$purl/responses" -d '{"model":"gpt-5","input":"before"}' | jq -r .id)
  sleep 0.3 # stored before the lock
  (echo "BEGIN EXCLUSIVE;"; sleep 4; echo "COMMIT;") | sqlite3 "$tmp/proxy.db" &
  locker=$!
  sleep 0.3
  start=$(date +%s%N)
  for i in 1 2 3 4 5; do
    status=$(post -o /dev/null -w '%{http_code}' "$purl/responses" -d '{"model":"gpt-5","input":"during"}')
    expect "$status" 200 "a request while the database is locked"
  done
  check
  [ "$(elapsed_ms "$start")" -lt 2000 ] || fail "requests waited on the locked database ($(elapsed_ms "$start") ms for five)"
  wait "$locker"
  after=$(post "$purl/responses" -d '{"model":"gpt-5","input":"after"}' | jq -r .id)
  sleep 0.3
  stop_proxy 3
  # every response answered is stored or counted lost, and the lock cost some
  stored=$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM responses")
  lost=$(sqlite3 "$tmp/proxy.db" "SELECT failed FROM runs WHERE command = 'proxy'")
  expect "$((stored + lost))" 7 "responses stored ($stored) and lost ($lost)"
  check
  [ "$lost" -ge 1 ] || fail "nothing lost while the database was locked"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM responses WHERE id IN ('$before', '$after')")" 2 \
    "the responses before and after the lock"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT status FROM runs WHERE command = 'proxy'")" partial "the run's status"
  check
  grep -q "not recorded.*the store failed" "$tmp/proxy.err" || fail "the loss was not logged: $(tail -3 "$tmp/proxy.err")"
  "$bin" --db "$tmp/proxy.db" runs --format csv >"$tmp/runs.csv"
  check
  grep -q "store failed" "$tmp/runs.csv" || fail "runs does not show why: $(cat "$tmp/runs.csv")"
  ;;
safety)
  start_fake --api-key "$key" --fault containers:echo-key:0
  "$bin" --db "$tmp/x.db" --base-url "$url" proxy --listen 0.0.0.0:0 2>"$tmp/err"
  expect $? 2 "exit for a non-loopback --listen"
  check; grep -q "not a loopback address" "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"
  "$bin" --db "$tmp/x.db" --base-url http://127.0.0.1:8788/v1 proxy 2>"$tmp/err"
  expect $? 2 "exit for an upstream that is the proxy itself"
  "$bin" --db "$tmp/x.db" proxy --upstream http://example.com/v1 2>"$tmp/err"
  expect $? 2 "exit for an unencrypted upstream"
  start_proxy "$tmp/proxy.db"
  post "$purl/containers" -d '{"name": "first"}' >/dev/null
  post "$purl/containers?limit=5" >"$tmp/echoed"
  check; grep -q "$key" "$tmp/echoed" || fail "the fault did not echo the key (the test proves nothing)"
  stop_proxy
  "$bin" --db "$tmp/proxy.db" raw >"$tmp/unpacked-objects"
  check; [ -s "$tmp/unpacked-objects" ] || fail "no stored object to look for the key in"
  no_key_in "$tmp"/proxy.db* "$tmp/proxy.err" "$tmp/unpacked-objects"
  expect "$(sqlite3 "$tmp/proxy.db" "SELECT count(*) FROM containers WHERE name LIKE '%[key%'")" 1 \
    "the echoed key stored redacted"
  # an upstream that is down: a 502 in the API's error shape, and the proxy goes on
  url=http://127.0.0.1:9/v1
  start_proxy "$tmp/down.db"
  status=$(post -o "$tmp/502" -w '%{http_code}' "$purl/responses" -d '{}')
  expect "$status" 502 "status when the upstream is down"
  expect "$(jq -r .error.type "$tmp/502")" proxy_error "error type"
  status=$(post -o /dev/null -w '%{http_code}' "$purl/responses" -d '{}')
  expect "$status" 502 "status of the next request"
  stop_proxy
  # an upstream whose certificate nothing vouches for: never talked to
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null
  tls_port=$((20000 + RANDOM % 20000))
  openssl s_server -quiet -accept "127.0.0.1:$tls_port" -cert "$tmp/tls.crt" -key "$tmp/tls.key" -www >/dev/null 2>&1 &
  tls_pid=$!
  sleep 0.5
  url=https://127.0.0.1:$tls_port/v1
  start_proxy "$tmp/tls.db"
  status=$(post -o "$tmp/tls-reply" -w '%{http_code}' "$purl/responses" -d '{}')
  stop_proxy
  kill "$tls_pid" 2>/dev/null
  expect "$status" 502 "status for an untrusted upstream certificate"
  check
  grep -qi "certificate" "$tmp/tls-reply" || fail "the 502 does not say why: $(cat "$tmp/tls-reply")"
  ;;
*)
  fail "unknown case"
  ;;
esac
finish
