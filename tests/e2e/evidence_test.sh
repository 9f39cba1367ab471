#!/usr/bin/env bash
# End-to-end test of `cntraudit evidence` on a fixtures/ scenario: the pack
# must verify with sha256sum -c from its own MANIFEST.json (and fail to once
# a file is altered), hold files 0600 in folders 0700, come out identical
# when written again with --force, refuse a non-empty folder without it, and
# equal fixtures/SCENARIO/golden-evidence/ when that exists.
# Usage: evidence_test.sh CNTRAUDIT SCENARIO [--update]   (from the source root)
set -u
bin=$1 scenario=$2 update=${3:-}
dir=fixtures/$scenario
. tests/lib.sh "evidence $scenario"
run() { "$bin" --db "$tmp/audit.db" --now "$(cat "$dir/now")" "$@"; }
verify() { (cd "$1" && jq -r '.files[] | "\(.sha256)  \(.path)"' MANIFEST.json | sha256sum --quiet -c -); }

run -q import "$dir"/api/* 2>/dev/null
run -q evidence --out "$tmp/pack"
rc=$?
check; [ "$rc" = 0 ] || fail "evidence exited $rc"
check; verify "$tmp/pack" >/dev/null 2>&1 || fail "the manifest does not verify"
check; [ "$(jq '.files | length' "$tmp/pack/MANIFEST.json")" = "$(cd "$tmp/pack" && find . -type f ! -name MANIFEST.json | wc -l)" ] \
  || fail "the manifest does not list every file"
check; [ "$(find "$tmp/pack" -type f ! -perm 600 | wc -l)" = 0 ] || fail "a file is not 0600"
check; [ "$(find "$tmp/pack" -type d ! -perm 700 | wc -l)" = 0 ] || fail "a folder is not 0700"

cp -r "$tmp/pack" "$tmp/first"
run -q evidence --out "$tmp/pack" 2>"$tmp/err"
rc=$?
check; [ "$rc" = 1 ] && grep -q "is not empty (use --force" "$tmp/err" || fail "a non-empty folder was not refused (exit $rc)"
run -q evidence --out "$tmp/pack" --force
check; diff -r "$tmp/first" "$tmp/pack" >/dev/null || fail "a second pack of the same data differs"

# The check can fail: alter one byte of one raw object.
victim=$(cd "$tmp/pack" && find raw -type f | sort | head -1)
if [ -n "$victim" ]; then
  printf ' ' >>"$tmp/pack/$victim"
  check; ! verify "$tmp/pack" >/dev/null 2>&1 || fail "an altered $victim still verifies"
fi

if [ "$update" = --update ]; then
  rm -rf "$dir/golden-evidence" && cp -r "$tmp/first" "$dir/golden-evidence"
elif [ -d "$dir/golden-evidence" ]; then
  check; diff -r "$dir/golden-evidence" "$tmp/first" || fail "the pack differs from golden-evidence/"
fi
finish
