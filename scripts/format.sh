#!/usr/bin/env bash
# Formats the C++ sources as .clang-format says (protocol/generated excepted: the
# generator writes it), or with --check lists the files that do not follow it and fails.
#   scripts/format.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

format=clang-format-14  # another version would format differently
command -v "$format" > /dev/null || scripts/deps.sh
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' ':!protocol/generated')

if [ "${1:-}" = "--check" ]; then
    "$format" --dry-run --Werror "${files[@]}"
else
    "$format" -i "${files[@]}"
fi
