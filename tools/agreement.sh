#!/usr/bin/env bash
# Compares projconv's structure verdict with xmllint's (XSD 2.03) on the official suites and the real corpus.
# Usage: tools/agreement.sh [projconv-binary]   (needs ../shared and xmllint)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/projconv}
shared=../shared
xsd=$shared/iati/schema/2.03/iati-activities-schema.xsd
[ -d "$shared" ] || { echo "needs ../shared"; exit 2; }

agree=0 total=0
disagree=()
check() {  # check EXPECT FILE: EXPECT is pass, fail or - (no expectation)
  local expect=$1 f=$2 x p
  xmllint --noout --nonet --schema "$xsd" "$f" >/dev/null 2>&1 && x=pass || x=fail
  "$bin" validate --layers structure "$f" >/dev/null 2>&1 && p=pass || p=fail
  total=$((total + 1))
  if [ "$x" = "$p" ]; then agree=$((agree + 1)); else disagree+=("$f: xmllint $x, projconv $p"); fi
  if [ "$expect" != - ] && [ "$p" != "$expect" ]; then echo "WRONG VERDICT ($expect expected): $f"; fi
}
t=$shared/iati/schema-tests
while IFS= read -r f; do check pass "$f"; done < <(find "$t/should-pass/iati-activities" "$t/activity-tests/should-pass" -name '*.xml' | sort)
while IFS= read -r f; do check fail "$f"; done < <(find "$t/should-fail/iati-activities" "$t/activity-tests/should-fail" -name '*.xml' | sort)
while IFS= read -r f; do check - "$f"; done < <(find "$shared/corpus/iati-real" -name '*.xml' | sort)
echo "structure verdict agrees with xmllint on $agree of $total files (215 should-pass, 323 should-fail, 7 corpus)"
[ ${#disagree[@]} -eq 0 ] || printf "  disagrees: %s\n" "${disagree[@]}"
