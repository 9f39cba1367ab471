#!/usr/bin/env bash
# The end-to-end suites under valgrind (memcheck): builds an uninstrumented
# debug binary in build-valgrind/, and runs the fixture, command-line and
# evidence tests through a wrapper that runs every cntraudit invocation
# under valgrind, failing on any memory error or definite leak.
#   tests/valgrind.sh        (from anywhere; takes several minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DCNTRAUDIT_TESTS=ON >/dev/null
cmake --build build-valgrind -j"$(nproc)" --target cntraudit >/dev/null
wrapper=build-valgrind/cntraudit-valgrind
cat >"$wrapper" <<WRAP
#!/usr/bin/env bash
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
  --log-file=$PWD/build-valgrind/valgrind.%p.log $PWD/build-valgrind/cntraudit "\$@"
WRAP
chmod +x "$wrapper"
rm -f build-valgrind/valgrind.*.log
failed=0 ran=0
for s in fixtures/*/; do
  s=$(basename "$s"); [ -f "fixtures/$s/now" ] || continue
  ran=$((ran + 1)); tests/e2e/fixture_test.sh "$wrapper" "$s" >/dev/null || { echo "fixture $s failed"; failed=$((failed + 1)); }
done
for c in tests/cli/*.case; do
  ran=$((ran + 1)); tests/cli/run_case.sh "$wrapper" "$c" >/dev/null || { echo "case $c failed"; failed=$((failed + 1)); }
done
ran=$((ran + 1)); tests/e2e/evidence_test.sh "$wrapper" forum-repetitive >/dev/null || { echo "evidence failed"; failed=$((failed + 1)); }
# With -q valgrind writes only errors: every non-empty log is a report.
errors=$(find build-valgrind -name 'valgrind.*.log' -size +0 | wc -l)
echo "valgrind: $ran suites run, $failed failed, $errors valgrind error reports ($(ls build-valgrind/valgrind.*.log | wc -l) processes checked)"
[ "$failed" = 0 ] && [ "$errors" = 0 ]
