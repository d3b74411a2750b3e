#!/usr/bin/env bash
# Memory stays bounded whatever the file size: a 100 MB file converts and validates under a 200 MiB
# address-space limit (ulimit -v), which a reader holding the file or its tree could not.
set -u
bin=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$repo/../shared/corpus/iati-real/un-iom-2.03.xml" ] || { echo "SKIP: needs ../shared"; exit 77; }
if "$bin" --version 2>/dev/null | grep -q . && nm -C "$bin" 2>/dev/null | grep -q __asan_init; then
  echo "SKIP: AddressSanitizer reserves terabytes of address space, so ulimit -v cannot apply"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$repo/tools/gen_big.py" --mb 100 --out "$work/big.xml" >/dev/null 2>&1 || exit 1
fail=0
check() {  # name, command...
  local name=$1; shift
  if ( ulimit -v 204800; "$@" ) >/dev/null 2>"$work/err"; then echo "ok: $name"
  else echo "FAIL: $name (exit $?): $(head -c 300 "$work/err")"; fail=1; fi
}
check "XML -> JSON of 100 MB in 200 MiB" "$bin" --no-validate "$work/big.xml" "$work/big.json"
check "JSON -> CSV of $(du -m "$work/big.json" | cut -f1) MB in 200 MiB" "$bin" --no-validate "$work/big.json" "$work/big.csv"
check "CSV -> XML in 200 MiB" "$bin" --no-validate "$work/big.csv" "$work/back.xml"
rc=0; ( ulimit -v 204800; "$bin" validate -q --max-errors 1 "$work/big.xml" ) >/dev/null 2>&1 || rc=$?
if [ "$rc" -le 1 ]; then echo "ok: validating 100 MB in 200 MiB (exit $rc)"; else echo "FAIL: validate exit $rc"; fail=1; fi
exit $fail
