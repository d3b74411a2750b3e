#!/usr/bin/env bash
# Regenerates the schema from the official XSD and checks it equals the committed file byte for byte.
set -euo pipefail
python=${1:-python3}
cd "$(dirname "$0")/.."
if [ ! -d ../shared/iati/schema/2.03 ]; then
  echo "SKIP: ../shared/iati/schema/2.03 is absent, so the schema cannot be regenerated"
  exit 77
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$python" tools/gen_schema.py --out "$tmp"
if cmp -s "$tmp" schemas/iati-activities-2.03.schema; then
  echo "schemas/iati-activities-2.03.schema regenerates identically"
else
  echo "FAIL: regenerating the schema gives a different file:"
  diff -u schemas/iati-activities-2.03.schema "$tmp" | head -40
  exit 1
fi
