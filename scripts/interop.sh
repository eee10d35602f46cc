#!/usr/bin/env bash
# Runs the interop programs of other languages' clients against one broker: the
# behavioural checks only (fault checks need the fake's /api/faults), so that a
# difference between the fake and RabbitMQ shows up as a program failing on one only.
#   scripts/interop.sh amqp://guest:guest@127.0.0.1:5672/
# Against the fake broker the same programs run as CTest tests (label interop), which
# start their own standalone broker. The programs run in parallel; each prints what it
# checked, and the output of one that failed is shown whole.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:?usage: scripts/interop.sh AMQP_URL}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

programs=(
    "pika:/usr/bin/python3 tests/interop/pika_test.py $url"
    "py-amqp:/usr/bin/python3 tests/interop/py_amqp_test.py --url $url"
    "kombu:/usr/bin/python3 tests/interop/kombu_test.py --url $url"
    "aio-pika:/usr/bin/python3 tests/interop/aio_pika_test.py --url $url"
    "amqplib:sh tests/interop/node/run.sh --url $url"
    "amqp091-go:bash tests/interop/go/run.sh --url $url"
)

pids=()
for entry in "${programs[@]}"; do
    name=${entry%%:*}
    # Each bounded: a hung client must not hang the run.
    timeout 300 ${entry#*:} >"$out/$name.log" 2>&1 &
    pids+=("$!:$name")
done

failed=0
for p in "${pids[@]}"; do
    name=${p#*:}
    if wait "${p%%:*}"; then
        echo "ok      $name"
    else
        echo "FAILED  $name"
        sed 's/^/    /' "$out/$name.log"
        failed=1
    fi
done
exit $failed
