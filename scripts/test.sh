#!/usr/bin/env bash
# Builds and runs the test suite.
#   scripts/test.sh [preset]     preset: default (the default), asan, tsan
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
scripts/deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
