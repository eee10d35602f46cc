#!/usr/bin/env bash
# The main job: builds the client and runs the RabbitMQ tutorials (hello world, work
# queues, publish/subscribe, routing, topics, RPC, publisher confirms) against a fresh
# embedded broker each, printing what each program of a tutorial prints.
#   scripts/run.sh [tutorial names...] [--url amqp://...]   (default: all, embedded)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target tutorials
build/bin/tutorials "$@"
