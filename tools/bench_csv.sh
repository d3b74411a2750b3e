#!/usr/bin/env bash
# Benchmarks projconv on CSV (wide file) against Miller: median time, input MB/s and peak RSS, on a big and a small file.
# Usage: tools/bench_csv.sh [MB] [RUNS] [SMALL_MB]   (default 120 MB, 3 runs, 12 MB; needs ../shared for the source
# activities). PROJCONV=path picks the binary (default build/projconv); BENCH_DIR the scratch folder.
# Installs Debian's miller when it is missing and we are root; without it the mlr row is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-120}
runs=${2:-3}
small_mb=${3:-12}
bin=$(readlink -f "${PROJCONV:-build/projconv}")
work=${BENCH_DIR:-/tmp/projconv-bench-csv}
mkdir -p "$work"
[ -x "$bin" ] || { echo "bench_csv: no projconv binary at $bin (build first, or set PROJCONV)" >&2; exit 2; }
[ -d ../shared ] || { echo "bench_csv: ../shared is absent: gen_big.py needs its activities" >&2; exit 2; }

if ! command -v mlr >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends miller >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends miller >/dev/null 2>&1; } ||
    echo "bench_csv: could not install miller; its row is skipped" >&2
fi

# prepare MB: generates big-MB.xml once, and its JSON and wide CSV (not validated: this measures the formats).
prepare() {
  local m=$1 base=$work/big-$1
  [ -f "$base.xml" ] || python3 tools/gen_big.py --mb "$m" --out "$base.xml" >/dev/null
  [ -f "$base.json" ] || "$bin" --no-validate "$base.xml" "$base.json"
  [ -f "$base.csv" ] || "$bin" --no-validate "$base.xml" "$base.csv"
}

# run NAME INPUT CMD...: median seconds, MB/s of INPUT, and the largest peak RSS of the runs. projconv exits 1
# when validation finds errors in the data, which still is a complete run; 2 or more, or a signal, is a failure.
run() {
  local name=$1 input=$2; shift 2
  local times=() rss=0 size code
  size=$(stat -c %s "$input")
  cat "$input" >/dev/null  # page cache warm, as for every command
  for _ in $(seq "$runs"); do
    local out
    code=0
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null 2>"$work/stderr" || code=$?
    if [ "$code" -gt 1 ]; then
      echo "bench_csv: $name failed (exit $code):" >&2
      tail -n 5 "$work/stderr" >&2
      exit 1
    fi
    out=$(tail -n 1 "$work/time")
    times+=("${out% *}")
    local r=${out#* }
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v n="$name" -v t="$median" -v s="$size" -v r="$rss" \
    'BEGIN {printf "%-44s %8.1f MB %7.2f s %8.1f MB/s %8.1f MiB peak\n", n, s / 1e6, t, s / 1e6 / (t > 0 ? t : 0.01), r / 1024}'
}

prepare "$mb"
prepare "$small_mb"
big=$work/big-$mb
small=$work/big-$small_mb
rows=$(($(grep -c '<iati-activity[ >]' "$big.xml")))
echo "input: $big.{xml,json,csv} ($rows activities; CSV $(head -n 1 "$big.csv" | tr ',' '\n' | wc -l) columns), $runs runs each, median wall time"
run "cat big.csv" "$big.csv" cat "$big.csv"
run "projconv CSV -> JSON --no-validate" "$big.csv" "$bin" --no-validate "$big.csv" "$work/out.json"
run "projconv CSV -> JSON (validating)" "$big.csv" "$bin" "$big.csv" "$work/out.json"
run "projconv JSON -> CSV --no-validate" "$big.json" "$bin" --no-validate "$big.json" "$work/out.csv"
run "projconv XML -> CSV --no-validate" "$big.xml" "$bin" --no-validate "$big.xml" "$work/out.csv"
if command -v mlr >/dev/null 2>&1; then
  run "mlr --icsv --ojson cat (same CSV)" "$big.csv" mlr --icsv --ojson cat "$big.csv"
fi
run "projconv CSV -> JSON --no-validate (small)" "$small.csv" "$bin" --no-validate "$small.csv" "$work/out-small.json"
run "projconv JSON -> CSV --no-validate (small)" "$small.json" "$bin" --no-validate "$small.json" "$work/out-small.csv"
if command -v mlr >/dev/null 2>&1; then
  run "mlr --icsv --ojson cat (small)" "$small.csv" mlr --icsv --ojson cat "$small.csv"
fi
rm -f "$work/out.json" "$work/out.csv" "$work/out-small.json" "$work/out-small.csv" "$work/time" "$work/stderr"
