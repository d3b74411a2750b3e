#!/usr/bin/env bash
# Benchmarks projconv against xmllint on one generated file, in one run: median wall time and peak RSS.
# Usage: tools/bench.sh [MB] [RUNS]   (default 200 MB, 3 runs; needs ../shared for the source activities)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-200}
runs=${2:-3}
bin=build/projconv
work=${BENCH_DIR:-/tmp/projconv-bench}
mkdir -p "$work"
xml=$work/big-$mb.xml
[ -f "$xml" ] || python3 tools/gen_big.py --mb "$mb" --out "$xml"
size=$(stat -c %s "$xml")
cat "$xml" >/dev/null  # page cache warm, as for every command below

# run NAME CMD...: prints NAME, median seconds, MB/s of the input, and the largest peak RSS of the runs.
run() {
  local name=$1; shift
  local times=() rss=0
  for _ in $(seq "$runs"); do
    local out
    local rc=0
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null 2>&1 || rc=$?
    # Exit 1 means findings in the data (the generated file has some), not a failed run.
    [ "$rc" -le 1 ] || { echo "$name failed (exit $rc)" >&2; exit 1; }
    out=$(tail -n 1 "$work/time")
    times+=("${out% *}")
    local r=${out#* }
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v n="$name" -v t="$median" -v s="$size" -v r="$rss" \
    'BEGIN {printf "%-34s %7.2f s %8.1f MB/s %8.1f MiB peak\n", n, t, s / 1e6 / t, r / 1024}'
}

echo "input: $xml ($size bytes), $runs runs each, median wall time"
run "cat" cat "$xml"
run "xmllint --stream --noout" xmllint --stream --noout "$xml"
run "projconv XML -> JSON" "$bin" --no-validate "$xml" "$work/out.json"
run "projconv JSON -> XML (same data)" "$bin" --no-validate "$work/out.json" "$work/out.xml"
run "projconv XML -> XML" "$bin" --no-validate "$xml" "$work/out2.xml"
run "projconv XML -> JSON, validating" "$bin" --max-errors 0 "$xml" "$work/out.json"
run "xmllint --stream --noout --schema" xmllint --stream --noout --nonet --schema ../shared/iati/schema/2.03/iati-activities-schema.xsd "$xml"
run "projconv validate" "$bin" validate --max-errors 0 "$xml"
run "projconv validate --layers structure" "$bin" validate --layers structure "$xml"
