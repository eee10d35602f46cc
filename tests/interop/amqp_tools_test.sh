#!/usr/bin/env bash
# Interop test: drive the standalone fakebroker with amqp-tools (the rabbitmq-c
# command line clients), which nobody here wrote.
#
#   bash amqp_tools_test.sh PATH/TO/fakebroker
#   bash amqp_tools_test.sh amqp://guest:guest@127.0.0.1:5672   # check against a real RabbitMQ
#
# Needs amqp-declare-queue, amqp-publish, amqp-get, amqp-consume and amqp-delete-queue
# (Debian package amqp-tools); installs nothing.  Every client runs under `timeout`.
# Note: amqp-delete-queue's -u means --if-unused, so the URL is always passed as --url=.
set -u

TARGET=${1:?usage: $0 FAKEBROKER_BINARY|amqp://URL}
CLIENT_TIMEOUT=15
START_TIMEOUT=15
STOP_TIMEOUT=15

for tool in amqp-declare-queue amqp-publish amqp-get amqp-consume amqp-delete-queue timeout; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
done

WORK=$(mktemp -d)
BROKER_PID=
FAILURES=0
CHECKS=0

cleanup() {
    if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
        kill -KILL "$BROKER_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { CHECKS=$((CHECKS + 1)); echo "ok   - $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL - $*" >&2; }

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# check_contains DESCRIPTION NEEDLE HAYSTACK
check_contains() {
    if [[ $3 == *"$2"* ]]; then pass "$1"; else fail "$1: [$3] does not contain [$2]"; fi
}

# run NAME TOOL ARGS...: runs the client under timeout; stdout in OUT, stderr in ERR, status in RC.
run() {
    local name=$1
    shift
    timeout "$CLIENT_TIMEOUT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    RC=$?
    OUT=$(<"$WORK/$name.out")
    ERR=$(<"$WORK/$name.err")
    if [[ $RC -eq 124 ]]; then
        echo "note: $name timed out after ${CLIENT_TIMEOUT}s" >&2
    fi
}

# --- start the broker ---------------------------------------------------------------
if [[ $TARGET == amqp://* ]]; then
    URL=${TARGET%/}
else
    # Newer brokers also serve an HTTP API on a fixed port by default; ask for a free
    # one so that parallel test runs do not share it.
    BROKER_ARGS=(--port 0)
    if timeout "$CLIENT_TIMEOUT" "$TARGET" --help 2>/dev/null | grep -q -- '--http-port'; then
        BROKER_ARGS+=(--http-port 0)
    fi
    mkfifo "$WORK/broker.fifo"
    "$TARGET" "${BROKER_ARGS[@]}" >"$WORK/broker.fifo" 2>"$WORK/broker.err" &
    BROKER_PID=$!
    exec 3<"$WORK/broker.fifo"
    if ! read -r -t "$START_TIMEOUT" -u 3 FIRST_LINE; then
        echo "FAIL: broker printed nothing within ${START_TIMEOUT}s: $(<"$WORK/broker.err")" >&2
        exit 1
    fi
    # Keep draining what the broker prints so it can never block on a full pipe.
    cat <&3 >"$WORK/broker.rest" &
    exec 3<&-
    if [[ $FIRST_LINE =~ ^fakebroker\ listening\ on\ (amqp://[^/]+:[0-9]+)/?$ ]]; then
        URL=${BASH_REMATCH[1]}
    else
        echo "FAIL: unexpected first line from broker: $FIRST_LINE" >&2
        exit 1
    fi
fi
echo "# broker at $URL"

QUEUE="amqp-tools-$$-$RANDOM"

# --- declare a durable queue ------------------------------------------------------------
run declare amqp-declare-queue --url="$URL" --durable --queue="$QUEUE"
check_eq "amqp-declare-queue exits 0" 0 "$RC"
check_eq "amqp-declare-queue prints the queue name" "$QUEUE" "$OUT"

run redeclare amqp-declare-queue --url="$URL" -d -q "$QUEUE"
check_eq "an equivalent durable redeclare exits 0" 0 "$RC"

run redeclare_transient amqp-declare-queue --url="$URL" -q "$QUEUE"
check_eq "a non-durable redeclare fails (exit 1)" 1 "$RC"
EXPECTED="server channel error 406, message: PRECONDITION_FAILED - inequivalent arg 'durable'"
EXPECTED+=" for queue '$QUEUE' in vhost '/': received 'false' but current is 'true'"
check_contains "the redeclare error is RabbitMQ's 406" "$EXPECTED" "$ERR"

# --- publish three messages and read them back with amqp-get ----------------------------
run publish1 amqp-publish --url="$URL" -r "$QUEUE" -p -C text/plain -b "first message"
check_eq "amqp-publish 1 (persistent, text/plain) exits 0" 0 "$RC"
run publish2 amqp-publish --url="$URL" --routing-key="$QUEUE" --content-type=application/json \
    --content-encoding=utf-8 -H "x-origin: amqp-tools" -b '{"n": 2}'
check_eq "amqp-publish 2 (application/json, header) exits 0" 0 "$RC"
run publish3 amqp-publish --url="$URL" -e "" -r "$QUEUE" -p -C application/octet-stream -t replies \
    -b "third message"
check_eq "amqp-publish 3 (explicit default exchange, reply-to) exits 0" 0 "$RC"

run get1 amqp-get --url="$URL" -q "$QUEUE"
check_eq "amqp-get 1 exits 0" 0 "$RC"
check_eq "amqp-get 1 body" "first message" "$OUT"
run get2 amqp-get --url="$URL" --queue="$QUEUE"
check_eq "amqp-get 2 exits 0" 0 "$RC"
check_eq "amqp-get 2 body" '{"n": 2}' "$OUT"
run get3 amqp-get --url="$URL" -q "$QUEUE"
check_eq "amqp-get 3 exits 0" 0 "$RC"
check_eq "amqp-get 3 body" "third message" "$OUT"
run get_empty amqp-get --url="$URL" -q "$QUEUE"
check_eq "amqp-get on the empty queue exits 2" 2 "$RC"
check_eq "amqp-get on the empty queue prints nothing" "" "$OUT"

# --- amqp-consume -c 1 with a command that prints the body -------------------------------
run publish4 amqp-publish --url="$URL" -r "$QUEUE" -C text/plain -b "fourth message"
check_eq "amqp-publish 4 exits 0" 0 "$RC"
run publish5 amqp-publish --url="$URL" -r "$QUEUE" -b "fifth message"
check_eq "amqp-publish 5 exits 0" 0 "$RC"

# The body arrives on the command's stdin; "--" ends amqp-consume's own options.
# shellcheck disable=SC2016  # $(cat) is for the inner sh
run consume1 amqp-consume --url="$URL" -q "$QUEUE" -c 1 -- sh -c 'printf "[%s]\n" "$(cat)"'
check_eq "amqp-consume -c 1 exits 0" 0 "$RC"
check_eq "amqp-consume -c 1 runs the command once with the first body" "[fourth message]" "$OUT"
run consume2 amqp-consume --url="$URL" -q "$QUEUE" -c 1 -p 1 -- cat
check_eq "amqp-consume -c 1 -p 1 exits 0" 0 "$RC"
check_eq "amqp-consume gets the next body" "fifth message" "$OUT"
run get_after_consume amqp-get --url="$URL" -q "$QUEUE"
check_eq "the consumed messages were acked (queue empty, exit 2)" 2 "$RC"

# --- delete the queue -----------------------------------------------------------------------
run publish6 amqp-publish --url="$URL" -r "$QUEUE" -b "left behind"
check_eq "amqp-publish 6 exits 0" 0 "$RC"
run delete amqp-delete-queue --url="$URL" -q "$QUEUE"
check_eq "amqp-delete-queue exits 0" 0 "$RC"
check_eq "amqp-delete-queue prints the deleted message count" "1" "$OUT"
run get_deleted amqp-get --url="$URL" -q "$QUEUE"
check_eq "amqp-get on the deleted queue exits 1" 1 "$RC"
check_contains "amqp-get on the deleted queue reports RabbitMQ's 404" \
    "server channel error 404, message: NOT_FOUND - no queue '$QUEUE' in vhost '/'" "$ERR"

# --- refused connections ------------------------------------------------------------------
AUTHORITY=${URL#amqp://*@}
run bad_password amqp-get --url="amqp://guest:wrong-password@$AUTHORITY" -q "$QUEUE"
check_eq "a wrong password exits 1" 1 "$RC"
EXPECTED="server connection error 403, message: ACCESS_REFUSED"
EXPECTED+=" - Login was refused using authentication mechanism PLAIN."
check_contains "a wrong password is refused with 403" "$EXPECTED" "$ERR"
VHOST="no-such-vhost-$$"
run bad_vhost amqp-get --url="$URL/$VHOST" -q "$QUEUE"
check_eq "an unknown vhost exits 1" 1 "$RC"
check_contains "an unknown vhost is refused with 530" \
    "server connection error 530, message: NOT_ALLOWED - vhost $VHOST not found" "$ERR"

# --- stop the broker with SIGTERM -----------------------------------------------------------
if [[ -n $BROKER_PID ]]; then
    kill -TERM "$BROKER_PID"
    # Bounded wait for the exit; `wait` then collects the status.
    timeout "$STOP_TIMEOUT" tail --pid="$BROKER_PID" -f /dev/null
    if kill -0 "$BROKER_PID" 2>/dev/null; then
        fail "broker still running ${STOP_TIMEOUT}s after SIGTERM"
        kill -KILL "$BROKER_PID"
    fi
    wait "$BROKER_PID"
    check_eq "broker exits 0 after SIGTERM" 0 "$?"
    BROKER_PID=
    wait  # the drain of the broker's output ends with the broker
    check_eq "broker says it stopped" "fakebroker stopped" "$(tail -n 1 "$WORK/broker.rest")"
fi

echo "# $CHECKS checks, $FAILURES failed"
[[ $FAILURES -eq 0 ]]
