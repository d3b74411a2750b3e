#!/usr/bin/env bash
# Regenerates the codelist files from the official IATI codelist XML and checks both equal the committed ones byte for byte.
set -euo pipefail
python=${1:-python3}
cd "$(dirname "$0")/.."
if [ ! -d ../shared/iati/codelists ]; then
  echo "SKIP: ../shared/iati/codelists is absent, so the codelist files cannot be regenerated"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" tools/gen_codelists.py --out-dir "$tmp"
status=0
for f in codelists.txt codelist-bindings.txt; do
  if cmp -s "$tmp/$f" "schemas/$f"; then
    echo "schemas/$f regenerates identically"
  else
    echo "FAIL: regenerating schemas/$f gives a different file:"
    diff -u "schemas/$f" "$tmp/$f" | head -40 || true
    status=1
  fi
done
exit $status
