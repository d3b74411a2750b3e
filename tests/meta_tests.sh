#!/usr/bin/env bash
# Runs the 83 official ruleset meta tests through the command line: True must exit 0, False must exit 1,
# with `validate --layers rules --no-builtin-rules --rules RULESET FILE`.
set -u
bin=$(readlink -f "$1")
dir=$(cd "$(dirname "$0")/.." && pwd)/../shared/iati/rulesets/meta_tests
if [ ! -f "$dir/EXPECTED.tsv" ]; then
  echo "SKIP: ../shared/iati/rulesets/meta_tests is absent"
  exit 77
fi
pass=0 total=0
while IFS=$'\t' read -r ruleset xml expected; do
  [ "$ruleset" = ruleset ] && continue  # header
  total=$((total + 1))
  "$bin" validate --layers rules --no-builtin-rules --rules "$dir/$ruleset" "$dir/$xml" >/dev/null 2>&1
  code=$?
  want=1
  [ "$expected" = True ] && want=0
  if [ "$code" = "$want" ]; then pass=$((pass + 1)); else echo "FAIL: $ruleset $xml: exit $code, expected $want"; fi
done < "$dir/EXPECTED.tsv"
echo "rules meta tests through the CLI: $pass of $total give the expected exit code"
[ "$pass" = "$total" ] && [ "$total" = 83 ]
