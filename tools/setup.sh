#!/usr/bin/env bash
# Installs the Debian packages projconv needs to build and test; idempotent, and silent when nothing is missing.
set -euo pipefail

pkgs=(g++ cmake ninja-build pkg-config libpugixml-dev rapidjson-dev libcsv-dev libcli11-dev catch2
      libxml2-utils python3 python3-jsonschema)
# --hardening: clang with its sanitizer and libFuzzer runtimes, for tools/sanitize.sh and tools/fuzz, and
# llvm's coverage tools for tools/fuzz_coverage.sh.
[ "${1:-}" = "--hardening" ] && pkgs+=(clang libclang-rt-14-dev llvm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
