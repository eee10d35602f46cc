#!/usr/bin/env bash
# Starts or stops a local RabbitMQ (Debian's rabbitmq-server) for the conformance and
# client suites: AMQP on 127.0.0.1:5672, and AMQP over TLS on 5671 with the test
# certificates of tests/tls (client certificates verified when sent, not required).
# Besides guest it has the users the permission rows act as (tests/support,
# permission_rows.hpp): limited/limited, with configure and read on "limited.*" and
# write on those and the default exchange, and unprivileged/unprivileged, allowed
# nothing.
#   scripts/rabbitmq.sh start | stop
set -euo pipefail
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
log=${TMPDIR:-/tmp}/rabbitmq-server.log
# RabbitMQ runs as its own user: give it copies it can surely read, whatever the
# permissions of the directories above this checkout.
tls=${TMPDIR:-/tmp}/amqp-fake-tls
config=${TMPDIR:-/tmp}/amqp-fake-rabbitmq.conf

# Idempotent: a node started earlier may have the user already.
#   add_user NAME CONFIGURE WRITE READ (the password is the name)
add_user() {
    local out
    if ! out=$(rabbitmqctl -n "$RABBITMQ_NODENAME" add_user "$1" "$1" 2>&1); then
        case $out in
        *already*exist*) ;;
        *) echo "$out" >&2; return 1 ;;
        esac
    fi
    rabbitmqctl -n "$RABBITMQ_NODENAME" set_permissions -p / "$1" "$2" "$3" "$4" >/dev/null
}
add_permission_users() {
    add_user limited '^limited\.' '^limited\.|^amq\.default$' '^limited\.'
    add_user unprivileged '' '' ''
}

case "${1:-}" in
start)
    if rabbitmqctl -n "$RABBITMQ_NODENAME" status >/dev/null 2>&1; then
        add_permission_users
        echo "RabbitMQ already running"
        exit 0
    fi
    mkdir -p "$tls"
    cp "$(dirname "$0")"/../tests/tls/{ca,server,server-key}.pem "$tls/"
    chmod 755 "$tls"
    chmod 644 "$tls"/*.pem
    cat > "$config" <<CONF
listeners.tcp.default = 5672
listeners.ssl.default = 5671
ssl_options.cacertfile = $tls/ca.pem
ssl_options.certfile = $tls/server.pem
ssl_options.keyfile = $tls/server-key.pem
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
CONF
    RABBITMQ_CONFIG_FILE=$config setsid /usr/sbin/rabbitmq-server >"$log" 2>&1 < /dev/null &
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
    add_permission_users
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
