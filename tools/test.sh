#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test (unit, golden CLI, corpus,
# conformance); then the same suite under ASan+UBSan (clang) and each fuzz target for FUZZ_SECONDS (60).
# PROJCONV_QUICK=1 skips the sanitizer and fuzz steps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh -DPROJCONV_WERROR=ON
ctest --test-dir build --output-on-failure -j2
# The conformance harnesses print their pass rates; ctest keeps them in its log.
grep -h '^conformance: ' build/Testing/Temporary/LastTest.log | sort -u
[ "${PROJCONV_QUICK:-}" = 1 ] && exit 0
echo "== the test suite under AddressSanitizer and UBSan (build-fuzz)"
bash tools/sanitize.sh
echo "== fuzzing, ${FUZZ_SECONDS:-60} s per target"
FUZZ_NO_BUILD=1 bash tools/fuzz "${FUZZ_SECONDS:-60}"
