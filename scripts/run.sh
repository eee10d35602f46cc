#!/usr/bin/env bash
# The main job: builds and runs the scenarios.
# So far the protocol layer exists, so this decodes a real AMQP conversation
# (RabbitMQ 3.10 talking to pika, captured on the wire) into a readable trace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target decode_conversation
build/bin/decode_conversation tests/unit/golden/conversation.hex
