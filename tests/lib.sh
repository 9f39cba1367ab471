# What every test driver shares. Source it with the test's name, from the
# source root:   . tests/lib.sh "fault $case_name"
# It makes $tmp (removed at exit, the fake API stopped first), counts
# failures and checks, and `finish` ends the script with one line.
test_name=$1
tmp=$(mktemp -d)
failures=0 checks=0 fake_pid=""
lib_exit() {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  wait 2>/dev/null
  chmod -R u+w "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap lib_exit EXIT
fail() { echo "FAIL [$test_name] $*"; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# start_fake ARGS...: a fresh fake API ($fake) on 127.0.0.1, on a port the
# kernel picks, logging every request to $tmp/requests.log; sets $url.
start_fake() {
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -f "$tmp/port"
  : >"$tmp/requests.log"
  "$fake" --port-file "$tmp/port" --log "$tmp/requests.log" "$@" &
  fake_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || { fail "the fake API did not start"; exit 1; }
  url="http://127.0.0.1:$(cat "$tmp/port")/v1"
}

# finish [WHAT]: "ok [NAME] WHAT" (default: how many checks ran) when
# nothing failed; a run that checked nothing fails.
finish() {
  [ "$checks" -gt 0 ] || fail "no checks ran"
  [ "$failures" = 0 ] && echo "ok [$test_name] ${1:-$checks checks}"
  exit $((failures > 0))
}
