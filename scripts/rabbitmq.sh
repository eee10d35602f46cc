#!/usr/bin/env bash
# Starts or stops a local RabbitMQ (Debian's rabbitmq-server) on 127.0.0.1:5672 for
# the conformance suite.
#   scripts/rabbitmq.sh start | stop
set -euo pipefail
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
log=${TMPDIR:-/tmp}/rabbitmq-server.log

case "${1:-}" in
start)
    if rabbitmqctl -n "$RABBITMQ_NODENAME" status >/dev/null 2>&1; then
        echo "RabbitMQ already running"
        exit 0
    fi
    setsid /usr/sbin/rabbitmq-server >"$log" 2>&1 < /dev/null &
    # await_startup fails at once while the node is not reachable yet: retry it.
    deadline=$((SECONDS + 180))
    until timeout 60 rabbitmqctl -n "$RABBITMQ_NODENAME" await_startup >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "RabbitMQ did not start; its log:" >&2
            tail -50 "$log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "RabbitMQ $(rabbitmqctl -n "$RABBITMQ_NODENAME" version 2>/dev/null) running"
    ;;
stop)
    rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
