#!/usr/bin/env bash
# Installs what is missing, then configures and builds projconv in build/ (extra arguments go to cmake).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build
