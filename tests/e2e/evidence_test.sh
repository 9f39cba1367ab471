#!/usr/bin/env bash
# End-to-end test of `cntraudit evidence` on a fixtures/ scenario: the pack
# must verify with `sha256sum -c SHA256SUMS` and from its own MANIFEST.json
# (and fail to once one byte of a file is altered), hold REQUEST.txt, files
# 0600 in folders 0700, come out identical when written again with --force,
# refuse a non-empty folder without it, give the same --archive twice (one
# that extracts to the pack and verifies), and equal
# fixtures/SCENARIO/golden-evidence/ when that exists.
# It must be durable when the command returns with one sync, not one per
# file, and hash each file as it writes it, never reading one back (strace).
# Usage: evidence_test.sh CNTRAUDIT SCENARIO [--update]   (from the source root)
set -u
bin=$1 scenario=$2 update=${3:-}
dir=fixtures/$scenario
. tests/lib.sh "evidence $scenario"
run() { "$bin" --db "$tmp/audit.db" --now "$(cat "$dir/now")" "$@"; }
verify() { (cd "$1" && jq -r '.files[] | "\(.sha256)  \(.path)"' MANIFEST.json | sha256sum --quiet -c -); }

run -q import "$dir"/api/* 2>/dev/null
sums() { (cd "$1" && sha256sum --quiet --strict -c SHA256SUMS); }

run -q evidence --out "$tmp/pack" --archive "$tmp/pack.tar.gz"
rc=$?
check; [ "$rc" = 0 ] || fail "evidence exited $rc"
check; verify "$tmp/pack" >/dev/null 2>&1 || fail "the manifest does not verify"
check; sums "$tmp/pack" >/dev/null 2>&1 || fail "sha256sum -c SHA256SUMS fails"
check; [ "$(jq '.files | length' "$tmp/pack/MANIFEST.json")" = "$(cd "$tmp/pack" && find . -type f ! -name MANIFEST.json ! -name SHA256SUMS | wc -l)" ] \
  || fail "the manifest does not list every file"
check; [ "$(wc -l <"$tmp/pack/SHA256SUMS")" = "$(cd "$tmp/pack" && find . -type f ! -name SHA256SUMS | wc -l)" ] \
  || fail "SHA256SUMS does not list every other file"
check; grep -q "^To: OpenAI support" "$tmp/pack/REQUEST.txt" || fail "no REQUEST.txt letter"
check; awk 'length > 80 && !/^Subject:/ { exit 1 }' "$tmp/pack/REQUEST.txt" || fail "REQUEST.txt has lines over 80 columns"
check; [ "$(jq '[.files[] | select(.path | startswith("raw/")) | select(.created_at == null and .bucket_start == null)] | length' "$tmp/pack/MANIFEST.json")" = 0 ] \
  || fail "a raw file's manifest entry has no date"
mkdir "$tmp/unpacked"
check; tar -xzf "$tmp/pack.tar.gz" -C "$tmp/unpacked" && sums "$tmp/unpacked/pack" >/dev/null 2>&1 \
  || fail "the archive does not extract to a pack that verifies"
check; diff -r "$tmp/pack" "$tmp/unpacked/pack" >/dev/null || fail "the archive differs from the folder"
check; [ "$(find "$tmp/pack" -type f ! -perm 600 | wc -l)" = 0 ] || fail "a file is not 0600"
check; [ "$(find "$tmp/pack" -type d ! -perm 700 | wc -l)" = 0 ] || fail "a folder is not 0700"

cp -r "$tmp/pack" "$tmp/first"
run -q evidence --out "$tmp/pack" 2>"$tmp/err"
rc=$?
check; [ "$rc" = 1 ] && grep -q "is not empty (use --force" "$tmp/err" || fail "a non-empty folder was not refused (exit $rc)"
run -q evidence --out "$tmp/pack" --force --archive "$tmp/again.tar.gz"
check; diff -r "$tmp/first" "$tmp/pack" >/dev/null || fail "a second pack of the same data differs"
check; cmp -s "$tmp/pack.tar.gz" "$tmp/again.tar.gz" || fail "a second archive of the same data differs"

# Durable at the speed of the disk: one sync of the whole pack, not one per
# file (the four reports' own writer syncs each), and no file read back to
# be hashed (only the four reports, which another writer wrote).
# (LeakSanitizer cannot run under ptrace: the other runs here check leaks.)
rm -rf "$tmp/synced"
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=fsync,fdatasync,syncfs,openat -o "$tmp/strace" \
  "$bin" --db "$tmp/audit.db" --now "$(cat "$dir/now")" -q evidence --out "$tmp/synced" || fail "evidence under strace failed"
files=$(find "$tmp/synced" -type f | wc -l)
check; [ "$(grep -c ' syncfs(' "$tmp/strace")" = 1 ] || fail "the pack is not synced exactly once: $(grep -c ' syncfs(' "$tmp/strace")"
check; [ "$(grep -Ec ' f(data)?sync\(' "$tmp/strace")" = 0 ] ||
  fail "$(grep -Ec ' f(data)?sync\(' "$tmp/strace") fsyncs for $files files: the one syncfs is the pack's"
check; [ "$(grep -E "openat\(.*$tmp/synced/.*O_RDONLY" "$tmp/strace" | grep -vc -e O_DIRECTORY)" = 0 ] ||
  fail "files of the pack read back: $(grep -E "openat\(.*$tmp/synced/.*O_RDONLY" "$tmp/strace" | grep -v O_DIRECTORY | head -2)"

# The check can fail: alter one byte of one raw object.
victim=$(cd "$tmp/pack" && find raw -type f | sort | head -1)
if [ -n "$victim" ]; then
  printf ' ' >>"$tmp/pack/$victim"
  check; ! verify "$tmp/pack" >/dev/null 2>&1 || fail "an altered $victim still verifies"
  check; ! sums "$tmp/pack" >/dev/null 2>&1 || fail "an altered $victim still passes sha256sum -c SHA256SUMS"
fi

# One changed byte, not an added one: the request's first letter.
cp -r "$tmp/first" "$tmp/flipped"
printf 't' | dd of="$tmp/flipped/REQUEST.txt" bs=1 seek=0 conv=notrunc 2>/dev/null
check; ! sums "$tmp/flipped" >/dev/null 2>&1 || fail "a changed byte of REQUEST.txt still passes sha256sum -c"

if [ "$update" = --update ]; then
  rm -rf "$dir/golden-evidence" && cp -r "$tmp/first" "$dir/golden-evidence"
elif [ -d "$dir/golden-evidence" ]; then
  check; diff -r "$dir/golden-evidence" "$tmp/first" || fail "the pack differs from golden-evidence/"
fi
finish
