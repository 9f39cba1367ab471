#!/usr/bin/env bash
# Runs one command-line case (tests/cli/NAME.case) against the real binary.
# A case is data, one "key: value" per line ('#' lines are comments):
#   setup: SCENARIO          import fixtures/SCENARIO/api/* first (repeatable)
#   now: TIME                CNTRAUDIT_NOW for the run (default: the scenario's now file)
#   args: ARGS               the arguments, shell-quoted; {tmp} is a scratch folder
#   stdin: FILE              fed to standard input (default: none)
#   exit: N                  the expected exit code (required)
#   stdout: TEXT             standard output contains this line (fixed string)
#   stdout-has: TEXT         standard output contains this text somewhere
#   stdout-lacks: TEXT       standard output does not contain this text
#   stdout-lines: N          standard output has exactly N lines
#   stdout-golden: NAME      standard output is exactly tests/cli/golden/NAME ({tmp} written
#                            as is); UPDATE_GOLDEN=1 rewrites the file instead: review the diff
#   stderr: TEXT             standard error contains this line (fixed string)
#   stderr-has: TEXT         standard error contains this text somewhere
#   stderr-lines: N          standard error has exactly N lines
#   file-has: PATH TEXT      the file at PATH ({tmp} allowed) contains TEXT
#   file-mode: PATH MODE     the file at PATH has permissions MODE (e.g. 600)
#   env: NAME=VALUE          set for the main run (repeatable)
#   umask: MASK              the main run's umask (default: the caller's)
#   before: SHELL            a shell command run first ({tmp} and {bin}, the binary, allowed)
#   stdout-to: PATH          send the main run's standard output to PATH (e.g. /dev/full)
#   after: SHELL             a shell check that must succeed ({tmp} and {bin} allowed)
#   then: ARGS               a follow-up run after the main one (its exit must be 0);
#                            its output replaces stdout for the checks after it
# The database is {tmp}/audit.db, passed as CNTRAUDIT_DB.
set -u
bin=$1 case_file=$2
. tests/lib.sh "$(basename "$case_file")"
export CNTRAUDIT_DB=$tmp/audit.db
unset CNTRAUDIT_NOW CNTRAUDIT_LOG OPENAI_BASE_URL OPENAI_PROJECT_ID OPENAI_ORG_ID
ran=0
sub() { local s=${1//\{tmp\}/$tmp}; printf '%s' "${s//\{bin\}/$bin}"; }

run_main() {
  local stdin=${stdin_file:-/dev/null} out=${stdout_to:-$tmp/stdout}
  eval "set -- $(sub "$args")"
  (umask "${run_umask:-$(umask)}" && exec env "${envs[@]}" "$bin" "$@") <"$stdin" >"$out" 2>"$tmp/stderr"
  status=$?
  ran=1
}

args="" stdin_file="" now="" stdout_to="" run_umask=""
envs=(CNTRAUDIT_DB="$tmp/audit.db")
while IFS= read -r line || [ -n "$line" ]; do
  case $line in ''|'#'*) continue ;; esac
  key=${line%%:*} value=${line#*:} value=${value# }
  case $key in
    setup)
      [ -n "$now" ] || now=$(cat "fixtures/$value/now")
      "$bin" -q import fixtures/"$value"/api/* 2>/dev/null
      ;;
    now) now=$value ;;
    args) args=$value ;;
    stdin) stdin_file=$value ;;
    env) envs+=("$(sub "$value")") ;;
    umask) run_umask=$value ;;
    before) bash -c "$(sub "$value")" || fail "before: '$value' failed" ;;
    stdout-to) stdout_to=$(sub "$value"); : >"$tmp/stdout" ;;
    exit)
      [ -n "$now" ] && export CNTRAUDIT_NOW=$now
      run_main
      checks=$((checks + 1))
      [ "$status" = "$value" ] || fail "exit $status, expected $value; stderr: $(head -c 600 "$tmp/stderr")"
      ;;
    stdout) checks=$((checks + 1)); grep -qFx -- "$(sub "$value")" "$tmp/stdout" || fail "stdout lacks the line: $value" ;;
    stdout-has) checks=$((checks + 1)); grep -qF -- "$(sub "$value")" "$tmp/stdout" || fail "stdout lacks: $value" ;;
    stdout-lacks) checks=$((checks + 1)); ! grep -qF -- "$(sub "$value")" "$tmp/stdout" || fail "stdout has: $value" ;;
    stdout-golden)
      checks=$((checks + 1)) golden=tests/cli/golden/$value
      sed "s#$tmp#{tmp}#g" "$tmp/stdout" >"$tmp/stdout.golden"
      # The clock is an input: a golden holding today's date was written by the wall clock.
      if [ -z "$now" ] && grep -qF "$(date -u +%Y-%m-%d)" "$tmp/stdout.golden"; then
        fail "stdout holds today's date, the case fixes no clock: add now: or setup:"
      fi
      if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$tmp/stdout.golden" "$golden"; fi
      cmp -s "$tmp/stdout.golden" "$golden" || fail "stdout differs from $golden: $(diff "$golden" "$tmp/stdout.golden" 2>&1 | head -20)" ;;
    stdout-lines) checks=$((checks + 1)); n=$(wc -l <"$tmp/stdout"); [ "$n" = "$value" ] || fail "stdout has $n lines, expected $value" ;;
    stderr) checks=$((checks + 1)); grep -qFx -- "$(sub "$value")" "$tmp/stderr" || fail "stderr lacks the line: $value; stderr: $(head -c 600 "$tmp/stderr")" ;;
    stderr-has) checks=$((checks + 1)); grep -qF -- "$(sub "$value")" "$tmp/stderr" || fail "stderr lacks: $value; stderr: $(head -c 600 "$tmp/stderr")" ;;
    stderr-lines) checks=$((checks + 1)); n=$(wc -l <"$tmp/stderr"); [ "$n" = "$value" ] || fail "stderr has $n lines, expected $value: $(head -c 600 "$tmp/stderr")" ;;
    file-has)
      checks=$((checks + 1)); path=$(sub "${value%% *}") text=${value#* }
      grep -qF -- "$text" "$path" 2>/dev/null || fail "$path lacks: $text" ;;
    file-mode)
      checks=$((checks + 1)); path=$(sub "${value%% *}") mode=${value#* }
      got=$(stat -c %a "$path" 2>/dev/null); [ "$got" = "$mode" ] || fail "$path has mode ${got:-missing}, expected $mode" ;;
    after) checks=$((checks + 1)); bash -c "$(sub "$value")" || fail "after: '$value' failed" ;;
    then)
      eval "set -- $(sub "$value")"
      "$bin" "$@" </dev/null >"$tmp/stdout" 2>"$tmp/stderr" || fail "follow-up '$value' exited $?: $(head -c 600 "$tmp/stderr")"
      ;;
    *) fail "unknown key '$key'" ;;
  esac
done <"$case_file"

[ "$ran" = 1 ] || fail "the case never ran the binary (no exit: line)"
[ "$checks" -gt 1 ] || fail "the case checks only the exit code: say what the output must be"
finish
