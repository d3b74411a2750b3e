#!/usr/bin/env bash
# Runs one golden CLI case (Miller style): CASE/cmd is run by bash in a scratch copy of the case folder with
# $PROJCONV set and $SHARED pointing at ../shared; stdout, stderr and the exit code must equal CASE/expout,
# CASE/experr and CASE/expcode. With UPDATE=1 the expected files are rewritten instead (review with git diff).
set -u
bin=$(readlink -f "$1")
case_dir=$(cd "$2" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$case_dir/." "$work/"
cd "$work"
if grep -q '\$SHARED' cmd && [ ! -d "$repo/../shared" ]; then
  echo "SKIP: this case reads ../shared, which is absent"
  exit 0
fi
# The report format defaults to github under GitHub Actions; cases set it themselves when they test that.
unset GITHUB_ACTIONS
PROJCONV=$bin SHARED=$(cd "$repo/.." && pwd)/shared REPO=$repo bash ./cmd >"$work/.out" 2>"$work/.err"
code=$?
# Temp and repository paths vary between machines; golden files hold them as placeholders.
sed -i -e "s#$work#{CASE}#g" -e "s#$repo#{REPO}#g" "$work/.out" "$work/.err"
if [ "${UPDATE:-0}" = 1 ]; then
  cp "$work/.out" "$case_dir/expout"
  cp "$work/.err" "$case_dir/experr"
  echo "$code" >"$case_dir/expcode"
  echo "updated $(basename "$case_dir")"
  exit 0
fi
fail=0
if ! diff -u "$case_dir/expout" "$work/.out"; then echo "FAIL: stdout differs"; fail=1; fi
if ! diff -u "$case_dir/experr" "$work/.err"; then echo "FAIL: stderr differs"; fail=1; fi
want=$(cat "$case_dir/expcode")
if [ "$code" != "$want" ]; then echo "FAIL: exit code $code, expected $want"; fail=1; fi
[ $fail = 0 ] && echo "ok: $(basename "$case_dir")"
exit $fail
