#!/usr/bin/env bash
# Installs projconv into a temp prefix, builds examples/ against that install tree only, and runs it on the seed.
set -eu
build=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -x "$work/prefix/bin/projconv" ] || { echo "FAIL: no installed binary"; exit 1; }
"$work/prefix/bin/projconv" --version
# The example is built with the compiler the library was built with (a sanitizer build needs clang's runtime).
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
cmake -S "$repo/examples" -B "$work/ex" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" ${cxx:+-DCMAKE_CXX_COMPILER="$cxx"} >/dev/null
cmake --build "$work/ex" >/dev/null
out=$("$work/ex/convert_and_list" "$repo/fixtures/seed/seed.xml" "$work/seed.json")
echo "$out"
grep -q '^1 activities converted; 0 errors, 1 warnings$' <<<"$out" || { echo "FAIL: unexpected example output"; exit 1; }
grep -q '"#text": 200000.00' "$work/seed.json" || { echo "FAIL: the example's JSON lost the budget digits"; exit 1; }
echo "the example program, built against the install tree, converted the seed"
