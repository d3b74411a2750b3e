#!/usr/bin/env bash
# Builds everything with clang, AddressSanitizer and UBSan (any finding fatal) in build-fuzz, the same build
# the fuzz targets live in, and runs the whole test suite there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --hardening
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DPROJCONV_FUZZ=ON -DPROJCONV_WERROR=ON >/dev/null
cmake --build build-fuzz
# Leaks count as failures too; a report names the test that made it.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-fuzz --output-on-failure -j2 "$@"
