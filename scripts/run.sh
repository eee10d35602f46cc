#!/usr/bin/env bash
# The main job: builds the client and runs, against the embedded broker,
#  - the RabbitMQ tutorials (hello world, work queues, publish/subscribe, routing,
#    topics, RPC, publisher confirms), a fresh broker each, printing what each program
#    of a tutorial prints;
#  - the twelve reconnect-bug reproductions, with fault rules, in a simulation and
#    over TCP.
#   scripts/run.sh                                  everything
#   scripts/run.sh [tutorial names...] [--url amqp://...]   only those tutorials
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target tutorials reconnect_bugs
if [ $# -gt 0 ]; then
    exec build/bin/tutorials "$@"
fi
build/bin/tutorials
build/bin/reconnect_bugs
