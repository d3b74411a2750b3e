#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test (unit, golden CLI, corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh -DPROJCONV_WERROR=ON
ctest --test-dir build --output-on-failure -j2
