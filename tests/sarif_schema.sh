#!/usr/bin/env bash
# Validates projconv's SARIF output (findings across layers, and a clean file) against the SARIF 2.1.0 schema.
set -u
bin=$(readlink -f "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
schema=$repo/../shared/conformance/sarif/sarif-schema-2.1.0.json
[ -f "$schema" ] || { echo "SKIP: $schema is absent"; exit 77; }
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || { echo "SKIP: Debian's python3-jsonschema is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo/fixtures/invalid"
"$bin" validate --format sarif -o "$work/many.sarif" bad-date.xml withdrawn-code.xml end-before-start.xml \
  duplicate-identifier.xml sector-percentages-90.xml
"$bin" validate --format sarif -o "$work/clean.sarif" clean.xml
/usr/bin/python3 - "$schema" "$work/many.sarif" "$work/clean.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
fails = 0
for path in sys.argv[2:]:
    doc = json.load(open(path))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
    rules = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    results = doc["runs"][0]["results"]
    # Every result names a rule that the driver lists, at its index.
    bad_index = [r for r in results if rules[r["ruleIndex"]] != r["ruleId"]]
    print(f"{path.split('/')[-1]}: {len(results)} results, rules {rules}, {len(errors)} schema errors")
    for e in errors[:5]:
        print("  ", e.message)
    fails += len(errors) + len(bad_index)
if not json.load(open(sys.argv[2]))["runs"][0]["results"]:
    fails += 1
sys.exit(1 if fails else 0)
PY
