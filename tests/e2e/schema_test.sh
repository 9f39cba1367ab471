#!/usr/bin/env bash
# Real shapes: documents checked against the official definition of the API
# (tests/schemas/openapi-subset.json, from openai/openai-openapi) by
# tests/schemas/validate.py.
#   examples   every example the definition gives for an endpoint cntraudit
#              reads validates, and imports with exit 0
#   fixtures   every document under fixtures/*/api validates (bad-input's
#              are broken on purpose and left out)
#   fake-dump  what the fake API's --dump writes, for a synthetic account
#              and for every fixture scenario, validates; a synthetic
#              account alone streams to the same bytes as one held
#   fake-live  a sample of what the fake API answers over HTTP (every
#              endpoint cntraudit reads, pages after the first, grouped
#              usage and costs, error bodies; what POST /responses,
#              /conversations and /containers create, and every event of a
#              streamed response) validates
# Usage: schema_test.sh CNTRAUDIT FAKE_API CASE   (from the source root)
set -u
bin=$1 fake=$2 case_name=$3
validate=tests/schemas/validate.py
. tests/lib.sh "schema $case_name"
valid() { # FILE...: every document in them validates
  checks=$((checks + 1))
  "$validate" "$@" >"$tmp/invalid" 2>"$tmp/count" || fail "$(head -5 "$tmp/invalid") ($(cat "$tmp/count"))"
  cat "$tmp/count"
}

case $case_name in
examples)
  checks=$((checks + 1))
  "$validate" --examples >"$tmp/invalid" 2>&1 || fail "$(cat "$tmp/invalid")"
  # Each example as the file a user would save it in, imported on its own.
  jq -c '."x-cntraudit-examples" | to_entries[]' tests/schemas/openapi-subset.json >"$tmp/examples"
  [ -s "$tmp/examples" ] || fail "no examples in the schema subset"
  n=0
  while IFS= read -r entry; do
    n=$((n + 1))
    name=$(jq -r .key <<<"$entry")
    jq .value <<<"$entry" >"$tmp/example-$n.json"
    rm -f "$tmp"/e.db*
    "$bin" --db "$tmp/e.db" import "$tmp/example-$n.json" >/dev/null 2>"$tmp/err"
    rc=$?
    checks=$((checks + 1))
    [ "$rc" = 0 ] || fail "the example of $name does not import (exit $rc): $(head -2 "$tmp/err")"
    echo "$name: exit $rc, $(tail -1 "$tmp/err")"
  done <"$tmp/examples"
  ;;
fixtures)
  files=$(ls fixtures/*/api/*.json fixtures/*/api/*.jsonl | grep -v '^fixtures/bad-input/')
  [ -n "$files" ] || fail "no fixture documents"
  # shellcheck disable=SC2086
  valid $files
  ;;
fake-dump)
  "$fake" --synthetic 2000:1500:100 --seed 5 --dump "$tmp/synthetic" || fail "--dump failed"
  valid "$tmp"/synthetic/*
  # A synthetic account alone is written as it is generated: the same bytes
  # as the account held in memory (any --fixture, even an empty one, holds
  # it), in a fraction of the memory. (AddressSanitizer keeps freed memory
  # in quarantine, which would count every page the stream frees.)
  mkdir "$tmp/empty"
  export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
  /usr/bin/time -f %M -o "$tmp/rss-stream" "$fake" --synthetic 20000:20000:400 --seed 5 --dump "$tmp/stream" ||
    fail "--dump (streamed) failed"
  /usr/bin/time -f %M -o "$tmp/rss-held" "$fake" --fixture "$tmp/empty" --synthetic 20000:20000:400 --seed 5 \
    --dump "$tmp/held" || fail "--dump (held) failed"
  check; diff -r "$tmp/stream" "$tmp/held" >"$tmp/diff" || fail "the streamed dump differs: $(head -c 300 "$tmp/diff")"
  check; [ "$(ls "$tmp/stream" | wc -l)" -gt 400 ] || fail "$(ls "$tmp/stream" | wc -l) files dumped"
  stream_kb=$(tail -1 "$tmp/rss-stream") held_kb=$(tail -1 "$tmp/rss-held")
  check; [ "$stream_kb" -lt $((held_kb / 4)) ] || fail "the streamed dump peaked at $stream_kb kB, held $held_kb kB"
  # A last page shorter than the others (150 containers: pages of 100 and 50).
  timeout 60 "$fake" --synthetic 150:120:5 --seed 5 --dump "$tmp/stream-150" || fail "--dump (streamed, 150) failed"
  "$fake" --fixture "$tmp/empty" --synthetic 150:120:5 --seed 5 --dump "$tmp/held-150" || fail "--dump (held, 150) failed"
  check; diff -r "$tmp/stream-150" "$tmp/held-150" >"$tmp/diff" || fail "the streamed dump of 150 differs: $(head -c 300 "$tmp/diff")"
  for dir in fixtures/*/; do
    s=$(basename "$dir")
    [ -f "$dir/now" ] && [ "$s" != bad-input ] || continue
    "$fake" --fixture "$dir" --dump "$tmp/$s" || fail "--dump of $s failed"
    valid "$tmp/$s"/*
  done
  ;;
fake-live)
  "$fake" --port-file "$tmp/port" --fixture fixtures/forum-repetitive --fixture fixtures/hosted-shell \
    --fixture fixtures/healthy-reuse --fixture fixtures/container-files --fixture fixtures/grouped-projects \
    --fixture fixtures/citations-in-items --page-size 2 &
  fake_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || { fail "the fake API did not start"; exit 1; }
  url="http://127.0.0.1:$(cat "$tmp/port")/v1"
  get() { # NAME KEY PATH: the reply body saved as $tmp/live/NAME.json
    curl -s -g -H "Authorization: Bearer $2" "$url$3" >"$tmp/live/$1.json" || fail "GET $3 failed"
  }
  mkdir "$tmp/live"
  p=test-project-key a=test-admin-key
  get containers $p '/containers?order=asc&limit=100'
  after=$(jq -r .last_id "$tmp/live/containers.json")
  get containers-next $p "/containers?order=asc&limit=100&after=$after"
  get containers-desc $p '/containers?limit=3'
  cid=$(jq -r '.data[0].id' "$tmp/live/containers.json")
  get container $p "/containers/$cid"
  fid=$(jq -r '.[0].data[0].container_id' <(jq -s . fixtures/container-files/api/*files*.json))
  get container-files $p "/containers/$fid/files?order=asc&limit=100"
  for r in $(cat fixtures/hosted-shell/api/*.jsonl fixtures/healthy-reuse/api/responses.jsonl | jq -r .id); do
    get "response-$r" $p "/responses/$r"
  done
  for f in fixtures/*/api/conv_*.items.json; do
    c=$(basename "$f" .items.json)
    [ -n "$(jq -r '.data[0].id // empty' "$f")" ] || continue
    get "conv_items_$c" $p "/conversations/$c/items?order=asc&limit=100" 2>/dev/null
  done
  r=$(basename fixtures/healthy-reuse/api/resp_*.input_items.json .input_items.json)
  get input_items $p "/responses/$r/input_items?order=asc&limit=100"
  get usage $a '/organization/usage/code_interpreter_sessions?start_time=1700000000&bucket_width=1d&group_by[]=project_id&limit=1'
  next=$(jq -r .next_page "$tmp/live/usage.json")
  [ "$next" != null ] || fail "no second usage page to ask for"
  get usage-next $a "/organization/usage/code_interpreter_sessions?start_time=1700000000&limit=1&page=$(jq -rn --arg v "$next" '$v|@uri')"
  get usage-ungrouped $a '/organization/usage/code_interpreter_sessions?start_time=1700000000'
  get costs $a '/organization/costs?start_time=1700000000&bucket_width=1d&group_by[]=line_item&group_by[]=project_id&limit=180'
  get projects $a '/organization/projects?limit=100'
  get api-keys $a '/organization/projects/proj_fake0000000000000000/api_keys?limit=100'
  post() { # NAME BODY PATH: the reply to a POST saved as $tmp/live/NAME.json
    curl -s -H "Authorization: Bearer $p" -H 'Content-Type: application/json' -d "$2" "$url$3" \
      >"$tmp/live/$1.json" || fail "POST $3 failed"
  }
  post created-conversation '{}' /conversations
  conv=$(jq -r .id "$tmp/live/created-conversation.json")
  post created-container '{"name": "explicit", "memory_limit": "4g"}' /containers
  ci='[{"type": "code_interpreter", "container": {"type": "auto"}}]'
  post created-response "{\"model\": \"gpt-5\", \"input\": \"hello\", \"tools\": $ci}" /responses
  post created-response-ran "{\"model\": \"gpt-5\", \"input\": \"run it\", \"tools\": $ci, \"conversation\": \"$conv\"}" /responses
  # a stream: every event, one per line
  curl -s -N -H "Authorization: Bearer $p" -d "{\"model\": \"gpt-5\", \"input\": \"run it\", \"stream\": true,
    \"tools\": [{\"type\": \"shell\", \"environment\": {\"type\": \"container_auto\"}}]}" "$url/responses" |
    sed -n 's/^data: //p' >"$tmp/live/stream-events.jsonl"
  checks=$((checks + 1))
  [ "$(tail -1 "$tmp/live/stream-events.jsonl" | jq -r .type)" = response.completed ] || fail "the stream does not end with response.completed"
  checks=$((checks + 1))
  [ "$(jq -r .error.code "$tmp/live/created-response.json")" = null ] && [ "$(jq -r '.output[0].type' "$tmp/live/created-response-ran.json")" = code_interpreter_call ] ||
    fail "POST /responses did not answer a response that ran code"
  get conversation-items $p "/conversations/$conv/items"
  get error-404 $p '/responses/resp_doesnotexist000000000000'
  get error-401 wrong-key '/containers'
  get error-mangled-cursor $a '/organization/costs?start_time=1700000000&page=page_+/+/AAAA'
  checks=$((checks + 1))
  [ "$(jq -r .error.message "$tmp/live/error-mangled-cursor.json")" != null ] || fail "a cursor sent unencoded was not refused"
  checks=$((checks + 1))
  [ "$(jq '[.data[].results[].project_id] | unique' "$tmp/live/usage-ungrouped.json")" = '[
  null
]' ] || fail "ungrouped usage results carry a project"
  checks=$((checks + 1))
  [ "$(jq -r '.data[0].results[0].project_id' "$tmp/live/usage.json")" = proj_fake0000000000000000 ] || fail "grouped usage results carry no project"
  valid "$tmp"/live/*.json "$tmp"/live/*.jsonl
  ;;
*)
  fail "unknown case"
  ;;
esac
finish
