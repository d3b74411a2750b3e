#!/usr/bin/env bash
# Opens the seed's wide CSV in LibreOffice Calc (headless, UTF-8, every column as text) and checks that
# 200000.00 and the French title come through intact. Skipped when LibreOffice is not installed.
set -u
bin=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v soffice >/dev/null || { echo "SKIP: LibreOffice (soffice) is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --no-validate "$repo/fixtures/seed/seed.xml" "$work/seed.csv" || exit 1
n=$(head -1 "$work/seed.csv" | tr ',' '\n' | wc -l)
types=$(seq -s/ 1 "$n" | sed 's|/|/2/|g')/2  # column i: type 2 (text)
HOME=$work timeout 300 soffice --headless --infilter="CSV:44,34,76,1,$types" --convert-to xlsx --outdir "$work" \
  "$work/seed.csv" >/dev/null 2>&1 || { echo "FAIL: soffice could not convert the CSV"; exit 1; }
strings=$(unzip -p "$work/seed.xlsx" xl/sharedStrings.xml)
fail=0
grep -q '200000\.00' <<<"$strings" || { echo "FAIL: 200000.00 did not survive"; fail=1; }
grep -q 'Jumelage de villes au Mexique aux fins d’intégration des migrants' <<<"$strings" ||
  { echo "FAIL: the French title did not survive"; fail=1; }
[ $fail = 0 ] && echo "LibreOffice Calc keeps 200000.00 and the French title of the seed's wide CSV"
exit $fail
