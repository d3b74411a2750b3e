#!/usr/bin/env bash
# Measures which source lines the fuzz corpora reach: replays each corpus once through a coverage build.
#
#   bash tools/fuzz_coverage.sh [xml|json|csv ...]      default: all three targets
#
# Builds the fuzz targets with clang source coverage in build-fuzzcov/, runs every input of
# build-fuzz/corpus/<format> (the corpus tools/fuzz grew) once, and prints llvm-cov's summary of src/ per
# target and for the three together. Environment: FUZZ_CORPUS (corpus folder, default build-fuzz/corpus),
# COV_BUILD (default build-fuzzcov).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(xml json csv)
build="${COV_BUILD:-build-fuzzcov}"
corpus="${FUZZ_CORPUS:-build-fuzz/corpus}"
for fmt in "${targets[@]}"; do
  if [ ! -d "$corpus/$fmt" ]; then
    echo "fuzz_coverage: no corpus in $corpus/$fmt (run bash tools/fuzz first)" >&2
    exit 2
  fi
done

bash tools/setup.sh --hardening
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14 || true)
llvmcov=$(command -v llvm-cov || command -v llvm-cov-14 || true)
if [ -z "$profdata" ] || [ -z "$llvmcov" ]; then
  echo "fuzz_coverage: llvm-profdata and llvm-cov are needed (Debian package llvm)" >&2
  exit 2
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DPROJCONV_FUZZ=ON -DPROJCONV_COVERAGE=ON >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

# The replay writes CSV packages under $TMPDIR, as the fuzz runs do.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

summary() {  # label, profile, binaries...
  local label="$1" prof="$2" first="$3"
  shift 3
  local objects=()
  for b in "$@"; do objects+=(-object "$b"); done
  local total
  total=$("$llvmcov" report "$first" "${objects[@]}" -instr-profile="$prof" "$PWD/src" | awk '$1 == "TOTAL"')
  # TOTAL regions missed cover% functions missed executed% lines missed cover% branches missed cover%
  echo "$total" | awk -v l="$label" '{printf "%-8s lines %s of %s (%s), functions %s, regions %s, branches %s\n",
    l, $8 - $9, $8, $10, $7, $4, $13}'
}

profiles=()
for fmt in "${targets[@]}"; do
  raw="$build/profiles/$fmt"
  rm -rf "$raw"
  mkdir -p "$raw"
  # -runs=0: read and run every corpus input once, mutate nothing.
  LLVM_PROFILE_FILE="$raw/%p.profraw" "$build/fuzz_$fmt" -runs=0 -timeout=20 -rss_limit_mb=2048 "$corpus/$fmt" \
    >"$build/replay-$fmt.log" 2>&1 || {
    echo "fuzz_coverage: replaying $corpus/$fmt failed; see $build/replay-$fmt.log" >&2
    exit 1
  }
  "$profdata" merge -sparse "$raw"/*.profraw -o "$build/$fmt.profdata"
  profiles+=("$build/$fmt.profdata")
  summary "fuzz_$fmt" "$build/$fmt.profdata" "$build/fuzz_$fmt"
done
if [ ${#targets[@]} -gt 1 ]; then
  "$profdata" merge -sparse "${profiles[@]}" -o "$build/all.profdata"
  bins=()
  for fmt in "${targets[@]}"; do bins+=("$build/fuzz_$fmt"); done
  summary "together" "$build/all.profdata" "${bins[@]}"
fi
echo "per file: $llvmcov report $build/fuzz_${targets[0]} -instr-profile=$build/${targets[0]}.profdata $PWD/src"
