#!/usr/bin/env bash
# For each real publisher file in ../shared/corpus/iati-real: findings per layer and per code, and whether the
# structure verdict agrees with xmllint's (XSD 2.03). Usage: tools/corpus_report.sh [projconv-binary]
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/projconv}
xsd=../shared/iati/schema/2.03/iati-activities-schema.xsd
for f in ../shared/corpus/iati-real/*.xml; do
  name=$(basename "$f")
  xmllint --noout --nonet --schema "$xsd" "$f" >/dev/null 2>&1 && x=valid || x=invalid
  "$bin" validate --layers structure "$f" >/dev/null 2>&1 && p=valid || p=invalid
  [ "$x" = "$p" ] && agree=agrees || agree=DISAGREES
  echo "$name: structure $p, xmllint $x ($agree)"
  for layer in structure codelists rules; do
    out=$("$bin" validate --layers "$layer" --max-errors 0 "$f" 2>&1)
    # Findings end in [code]; the "note:" lines without one point at a finding's second place.
    total=$(grep -c ': \(error\|warning\|note\): .*\[[^]]*\]$' <<<"$out")
    codes=$(grep ': \(error\|warning\|note\): .*\[[^]]*\]$' <<<"$out" | grep -o '\[[^]]*\]$' | tr -d '[]' | sort | uniq -c |
            sort -rn | awk '{printf "%s %s, ", $2, $1}' | sed 's/, $//')
    echo "  $layer: $total${codes:+ ($codes)}"
  done
done
