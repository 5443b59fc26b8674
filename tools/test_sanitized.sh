#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/.
#   tools/test_sanitized.sh            configure (first time), build, run ctest
# Any sanitizer report aborts the test that triggered it, so ctest fails. Leak checking is off:
# Hunspell and ICU keep caches for the life of the process.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
start=$(date +%s)
cmake -S . -B build-asan -DSAGSINDEKS_SANITIZE=ON -DSAGSINDEKS_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The perf shape test measures timing shape, which sanitizers distort: it runs in the normal build.
ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 900 -LE perf
echo "sanitized suite: $(( $(date +%s) - start )) s"
