#!/usr/bin/env bash
# Runs the pre-commit hook's entry the way pre-commit does: in batches, two at a time, on a test repository;
# the run fails if any batch fails. (pre-commit itself is not needed: the hook is its entry command.)
set -u
bin=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/data"
ln -s "$bin" "$work/bin/projconv"
export PATH="$work/bin:$PATH"
entry=$(sed -n 's/^ *entry: *//p' "$repo/.pre-commit-hooks.yaml")
[ "$entry" = "projconv validate" ] || { echo "FAIL: unexpected entry '$entry'"; exit 1; }
for i in 1 2 3 4 5; do cp "$repo/fixtures/invalid/clean.xml" "$work/data/good$i.xml"; done
cp "$repo/fixtures/seed/seed.json" "$work/data/seed.json"
run_batches() {  # prints the combined status, as pre-commit would report the hook
  (cd "$work" && ls data/* | xargs -n 2 -P 2 $entry >/dev/null 2>"$work/err")
}
if run_batches; then echo "clean files: hook passes"; else echo "FAIL: the hook failed on clean files"; cat "$work/err"; exit 1; fi
cp "$repo/fixtures/invalid/bad-date.xml" "$work/data/good3.xml"
if run_batches; then echo "FAIL: the hook passed although one batch has an error"; exit 1; fi
grep -q 'good3.xml:19:37: error' "$work/err" || { echo "FAIL: the finding was not reported"; cat "$work/err"; exit 1; }
echo "a file with an error: hook fails, and names good3.xml:19:37"
