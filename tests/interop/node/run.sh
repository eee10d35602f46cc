#!/bin/sh
# Runs amqplib_test.js with the amqplib pinned in package-lock.json, installing it first
# with `npm ci` when node_modules is missing or older than the lock file (no stdin,
# bounded time).
# Usage: run.sh PATH/TO/fakebroker | --url AMQP_URL [CHECK...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
installed="$here/node_modules/.package-lock.json"
if [ ! -f "$here/node_modules/amqplib/package.json" ] || [ ! -f "$installed" ] ||
   [ "$here/package-lock.json" -nt "$installed" ]; then
    if ! (cd "$here" && CI=true timeout 120 npm ci --no-audit --no-fund --loglevel=error </dev/null); then
        echo "FAIL: npm ci in $here did not install amqplib" >&2
        exit 1
    fi
fi
exec node "$here/amqplib_test.js" "$@"
