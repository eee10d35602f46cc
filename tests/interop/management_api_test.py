#!/usr/bin/env python3
"""The standalone broker's management HTTP API, end to end, as RabbitMQ clients see it.

Starts `fakebroker --port 0 --http-port 0`, reads both URLs from its output, builds
some state with pika (a queue with arguments, a topic exchange and a binding,
published messages, a consumer holding an unacked delivery) and checks each endpoint's
JSON against RabbitMQ's field names, then purge, get-without-consuming, closing a
connection (pika sees 320 CONNECTION_FORCED), 404s, 401s, and a clean exit on SIGTERM.

Usage: management_api_test.py PATH/TO/fakebroker

Standard library only, apart from pika for the AMQP side. Every wait is bounded.
"""

import base64
import datetime
import os
import sys
import time
import urllib.parse

import pika

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import BrokerProcess, quote, wait_until  # noqa: E402

TIMEOUT = 10.0  # seconds, for any single wait


def check(condition, message, *details):
    if not condition:
        raise AssertionError(message + "".join("\n  " + repr(d) for d in details))


def check_equal(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def find(items, what, **fields):
    found = [i for i in items if all(i.get(k) == v for k, v in fields.items())]
    check(len(found) == 1, f"expected one {what} with {fields}, found {len(found)}", items)
    return found[0]


NOT_FOUND = {"error": "Object Not Found", "reason": "Not Found"}

QUEUE = "mgmt.orders"
CONSUMED = "mgmt.consumed"
EXCHANGE = "mgmt.events"
QUEUE_ARGUMENTS = {
    "x-max-length": 100,
    "note": "text",
    "flag": True,
    "nested": {"depth": 2, "name": "inner"},
    "list": [1, "two", False],
}
BINDING_ARGUMENTS = {"origin": "test"}
HEADERS = {
    "h-str": "v",
    "h-int": 42,
    "h-bool": True,
    "h-table": {"k": "v"},
    "h-array": [1, "a"],
    "h-bytes": b"raw",
    "h-time": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
}
PAYLOADS = [b"m0", b"second message", b"\xff\xfe"]


def connect(amqp_url, name):
    params = pika.URLParameters(amqp_url)
    params.client_properties = {"connection_name": name}
    params.socket_timeout = TIMEOUT
    params.blocked_connection_timeout = TIMEOUT
    return pika.BlockingConnection(params)


def expect_forced_close(connection, reason):
    """Drives pika until it reports the broker's connection.close; checks 320 and the text."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            connection.process_data_events(time_limit=0.1)
        except pika.exceptions.ConnectionClosedByBroker as e:
            check_equal(e.reply_code, 320, "close reply code")
            check(reason in e.reply_text, f"close reply text {e.reply_text!r} lacks {reason!r}")
            return
        except pika.exceptions.StreamLostError as e:
            raise AssertionError(f"the broker closed the socket without a connection.close: {e}") from e
    raise AssertionError("pika did not see the connection closed within the timeout")


def check_auth(api):
    status, body, headers = api.request("GET", "api/overview", auth=False)
    check_equal(status, 401, "no credentials")
    check_equal(body["error"], "not_authorized", "401 error")
    check("Basic" in headers.get("WWW-Authenticate", ""), "401 without a Basic challenge", dict(headers))
    status, _, _ = api.request("GET", "api/queues", auth=("guest", "wrong"))
    check_equal(status, 401, "wrong password")
    status, _, _ = api.request("GET", "api/queues", auth=("nobody", "guest"))
    check_equal(status, 401, "unknown user")


def check_not_found(api):
    for method, path in [
        ("GET", "api/queues/%2F/no.such.queue"),
        ("GET", "api/queues/no-such-vhost"),
        ("GET", "api/exchanges/%2F/no.such.exchange"),
        ("GET", "api/bindings/no-such-vhost"),
        ("GET", "api/vhosts/no-such-vhost"),
        ("GET", "api/no-such-endpoint"),
        ("DELETE", "api/queues/%2F/no.such.queue/contents"),
        ("DELETE", "api/connections/no-such-connection"),
    ]:
        status, body, _ = api.request(method, path)
        check_equal((status, body), (404, NOT_FOUND), f"{method} {path}")


def build_state(broker, api):
    publisher = connect(broker.amqp_url, "mgmt-publisher")
    pch = publisher.channel()
    pch.confirm_delivery()  # publishes return once the broker has routed them
    pch.exchange_declare(EXCHANGE, exchange_type="topic")
    pch.queue_declare(QUEUE, arguments=QUEUE_ARGUMENTS)
    pch.queue_bind(QUEUE, EXCHANGE, routing_key="orders.*", arguments=BINDING_ARGUMENTS)
    properties = pika.BasicProperties(
        content_type="text/plain",
        delivery_mode=2,
        priority=3,
        correlation_id="corr-1",
        message_id="msg-1",
        timestamp=1600000000,
        headers=HEADERS,
    )
    for payload in PAYLOADS:
        pch.basic_publish(EXCHANGE, "orders.new", payload, properties)

    consumer = connect(broker.amqp_url, "mgmt-consumer")
    cch = consumer.channel()
    cch.basic_qos(prefetch_count=7)
    cch.queue_declare(CONSUMED)
    cch.basic_publish("", CONSUMED, b"to be held unacked")
    cch.basic_consume(CONSUMED, lambda *args: None, auto_ack=False)
    wait_until(lambda: api.queue(CONSUMED)["messages_unacknowledged"] == 1, "the consumer's unacked delivery")
    wait_until(lambda: api.queue(QUEUE)["messages_ready"] == len(PAYLOADS), "the published messages")
    return publisher, consumer


def check_queues(api):
    q = api.queue(QUEUE)
    for key, expected in {
        "name": QUEUE,
        "vhost": "/",
        "durable": False,
        "auto_delete": False,
        "exclusive": False,
        "arguments": QUEUE_ARGUMENTS,
        "messages": 3,
        "messages_ready": 3,
        "messages_unacknowledged": 0,
        "consumers": 0,
    }.items():
        check_equal(q.get(key), expected, f"queue {key}")
    held = api.queue(CONSUMED)
    check_equal(
        (held["messages"], held["messages_ready"], held["messages_unacknowledged"], held["consumers"]),
        (1, 0, 1, 1),
        "consumed queue counts",
    )
    for path in ["api/queues", "api/queues/%2F", "api/queues/%2f/"]:
        listed = api.get(path)
        check_equal(find(listed, "queue", name=QUEUE), q, f"{path} entry")
        find(listed, "queue", name=CONSUMED)


def check_exchanges(api):
    expected = {
        "name": EXCHANGE,
        "vhost": "/",
        "type": "topic",
        "durable": False,
        "auto_delete": False,
        "internal": False,
        "arguments": {},
    }
    for path in ["api/exchanges", "api/exchanges/%2F"]:
        listed = api.get(path)
        entry = find(listed, "exchange", name=EXCHANGE)
        check_equal({k: entry.get(k) for k in expected}, expected, f"{path} entry")
        find(listed, "default exchange", name="", type="direct")
    check_equal(api.get("api/exchanges/%2F/amq.default")["name"], "", "amq.default by path")


def check_bindings(api):
    for path in ["api/bindings", "api/bindings/%2F"]:
        listed = api.get(path)
        ours = find(listed, "binding", source=EXCHANGE, destination=QUEUE)
        check_equal(ours["vhost"], "/", "binding vhost")
        check_equal(ours["destination_type"], "queue", "binding destination_type")
        check_equal(ours["routing_key"], "orders.*", "binding routing_key")
        check_equal(ours["arguments"], BINDING_ARGUMENTS, "binding arguments")
        check(ours["properties_key"].startswith("orders.%2A~"), "binding properties_key", ours)
        default = find(listed, "default binding", source="", destination=QUEUE)
        check_equal(
            (default["routing_key"], default["properties_key"], default["arguments"]),
            (QUEUE, QUEUE, {}),
            "default exchange binding",
        )


def check_connections_and_channels(broker, api):
    connections = api.get("api/connections")
    check_equal(len(connections), 2, "connection count")
    publisher = find(connections, "connection", name="mgmt-publisher")
    check_equal(publisher["user_provided_name"], "mgmt-publisher", "user_provided_name")
    check_equal((publisher["user"], publisher["vhost"]), ("guest", "/"), "connection user and vhost")
    check_equal(publisher["peer_host"], "127.0.0.1", "peer_host")
    check(isinstance(publisher["peer_port"], int) and publisher["peer_port"] > 0, "peer_port", publisher)
    check_equal(publisher["channels"], 1, "connection channels")
    properties = publisher["client_properties"]
    check_equal(properties.get("connection_name"), "mgmt-publisher", "client_properties.connection_name")
    check(isinstance(properties.get("capabilities"), dict), "client capabilities as an object", properties)
    check(properties["capabilities"].get("publisher_confirms") is True, "capability booleans", properties)
    check_equal(api.get("api/connections/mgmt-publisher")["name"], "mgmt-publisher", "connection by name")

    channels = api.get("api/channels")
    check_equal(len(channels), 2, "channel count")
    held = find(channels, "channel", name="mgmt-consumer (1)")
    for key, expected in {
        "number": 1,
        "prefetch_count": 7,
        "global_prefetch_count": 0,
        "messages_unacknowledged": 1,
        "consumer_count": 1,
        "confirm": False,
        "transactional": False,
        "user": "guest",
        "vhost": "/",
    }.items():
        check_equal(held.get(key), expected, f"channel {key}")
    check_equal(held["connection_details"]["name"], "mgmt-consumer", "channel connection_details.name")
    confirming = find(channels, "channel", name="mgmt-publisher (1)")
    check_equal(confirming["confirm"], True, "publisher channel in confirm mode")

    overview = api.get("api/overview")
    check_equal(overview["product_name"], "RabbitMQ", "product_name")
    check(overview["product_version"] and overview["management_version"], "versions", overview)
    totals = overview["object_totals"]
    check_equal(
        (totals["queues"], totals["connections"], totals["channels"], totals["consumers"]),
        (2, 2, 2, 1),
        "object_totals",
    )
    check(totals["exchanges"] >= 8, "object_totals.exchanges counts the amq.* ones too", totals)
    amqp_port = urllib.parse.urlparse(broker.amqp_url).port
    find(overview["listeners"], "amqp listener", protocol="amqp", port=amqp_port)

    vhost = find(api.get("api/vhosts"), "vhost", name="/")
    check_equal((vhost["messages_ready"], vhost["messages_unacknowledged"]), (3, 1), "vhost message counts")
    check_equal(api.get("api/vhosts/%2F")["name"], "/", "vhost by name")


def check_get_messages(api):
    path = f"api/queues/%2F/{QUEUE}/get"
    status, messages, _ = api.request(
        "POST", path, {"count": 5, "ackmode": "ack_requeue_true", "encoding": "auto", "truncate": 50000}
    )
    check_equal(status, 200, "get status")
    check_equal(len(messages), 3, "messages got")
    first = messages[0]
    for key, expected in {
        "payload": "m0",
        "payload_bytes": 2,
        "payload_encoding": "string",
        "redelivered": False,
        "exchange": EXCHANGE,
        "routing_key": "orders.new",
        "message_count": 2,
    }.items():
        check_equal(first.get(key), expected, f"message {key}")
    check_equal(
        first["properties"],
        {
            "content_type": "text/plain",
            "delivery_mode": 2,
            "priority": 3,
            "correlation_id": "corr-1",
            "message_id": "msg-1",
            "timestamp": 1600000000,
            "headers": {
                "h-str": "v",
                "h-int": 42,
                "h-bool": True,
                "h-table": {"k": "v"},
                "h-array": [1, "a"],
                "h-bytes": "raw",
                "h-time": 1577836800,
            },
        },
        "message properties",
    )
    check_equal([m["message_count"] for m in messages], [2, 1, 0], "message_count sequence")
    binary = messages[2]
    check_equal(
        (binary["payload_encoding"], binary["payload"], binary["payload_bytes"]),
        ("base64", base64.b64encode(PAYLOADS[2]).decode(), 2),
        "non-UTF-8 payload",
    )
    check_equal(api.queue(QUEUE)["messages_ready"], 3, "get did not consume")

    _, encoded, _ = api.request("POST", path, {"count": 1, "ackmode": "reject_requeue_true", "encoding": "base64"})
    check_equal(encoded[0]["payload"], base64.b64encode(b"m0").decode(), "base64 encoding")
    _, truncated, _ = api.request("POST", path, {"count": "2", "ackmode": "ack_requeue_true", "truncate": 1})
    check_equal([(m["payload"], m["payload_bytes"]) for m in truncated], [("m", 2), ("s", 14)], "truncate")

    for body, what in [
        ({"count": 1, "ackmode": "ack_requeue_false"}, "a consuming ackmode"),
        ({"count": 1}, "a missing ackmode"),
        ({"count": -1, "ackmode": "ack_requeue_true"}, "a negative count"),
        ({"count": 1, "ackmode": "ack_requeue_true", "encoding": "hex"}, "an unknown encoding"),
    ]:
        status, error, _ = api.request("POST", path, body)
        check_equal((status, error["error"]), (400, "bad_request"), what)
    status, _, _ = api.request("POST", path, raw_body=b"{not json")
    check_equal(status, 400, "malformed JSON")
    status, body, _ = api.request("POST", "api/queues/%2F/no.such.queue/get", {"count": 1, "ackmode": "ack_requeue_true"})
    check_equal((status, body), (404, NOT_FOUND), "get from a missing queue")


def check_purge(api):
    status, body, _ = api.request("DELETE", f"api/queues/%2F/{QUEUE}/contents")
    check_equal((status, body), (204, None), "purge")
    q = api.queue(QUEUE)
    check_equal((q["messages"], q["messages_ready"]), (0, 0), "purged queue")
    check_equal(api.queue(CONSUMED)["messages_unacknowledged"], 1, "other queue untouched")


def check_close_connections(api, publisher, consumer):
    status, body, _ = api.request("DELETE", "api/connections/mgmt-publisher")
    check_equal((status, body), (204, None), "close by name")
    expect_forced_close(publisher, "Closed via management plugin")

    # RabbitMQ-style "peer -> broker" names work too, and X-Reason sets the text.
    held = find(api.get("api/connections"), "connection", name="mgmt-consumer")
    rabbit_name = f"{held['peer_host']}:{held['peer_port']} -> {held['host']}:{held['port']}"
    status, _, _ = api.request("DELETE", "api/connections/" + quote(rabbit_name), headers={"X-Reason": "test over"})
    check_equal(status, 204, "close by RabbitMQ-style name")
    expect_forced_close(consumer, "test over")

    wait_until(lambda: api.get("api/connections") == [], "the closed connections to disappear")
    check_equal(api.get("api/channels"), [], "channels after close")
    status, body, _ = api.request("DELETE", "api/connections/mgmt-publisher")
    check_equal((status, body), (404, NOT_FOUND), "closing a closed connection")
    # The unacked delivery went back to its queue with the consumer's connection.
    def requeued():
        q = api.queue(CONSUMED)
        return q if q["messages_ready"] == 1 else None

    q = wait_until(requeued, "the unacked message to be requeued")
    check_equal((q["consumers"], q["messages_unacknowledged"]), (0, 0), "requeued")


def check_sigterm(broker):
    check_equal(broker.stop(), 0, "exit code after SIGTERM")
    broker.wait_for_line(r"fakebroker stopped")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} PATH/TO/fakebroker")
    broker = BrokerProcess(sys.argv[1])
    broker.start()
    try:
        api = broker.api
        check_auth(api)
        check_not_found(api)
        publisher, consumer = build_state(broker, api)
        check_queues(api)
        check_exchanges(api)
        check_bindings(api)
        check_connections_and_channels(broker, api)
        check_get_messages(api)
        check_purge(api)
        check_close_connections(api, publisher, consumer)
        check_sigterm(broker)
    except Exception:
        print("broker output so far:\n  " + "\n  ".join(broker.output), file=sys.stderr)
        raise
    finally:
        broker.kill()
    print("management API: all checks passed")


if __name__ == "__main__":
    main()
