#!/usr/bin/env bash
# Checks that protocol/generated is what generate.py makes of the spec.
#   check.sh [SPEC_JSON]
# Without an argument it uses the copy of the spec in codegen/spec. Exits non-zero
# and shows the difference when the committed output is stale.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
spec=${1:-$here/spec/amqp-rabbitmq-0.9.1.json}
python=${PYTHON:-python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$python" "$here/generate.py" "$spec" --out "$out"
if ! diff -r "$out" "$here/../generated"; then
    echo "protocol/generated is out of date: run protocol/codegen/generate.py $spec" >&2
    exit 1
fi
