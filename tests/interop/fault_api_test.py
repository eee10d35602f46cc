#!/usr/bin/env python3
"""Fault injection from outside the process: the standalone broker's /api/faults
endpoints and its --faults file, with python3-pika as the victim.

Starts `fakebroker --port 0 --http-port 0 --faults FILE`, then checks: the rule from
the file fires (a pika connection named "scripted" is dropped at its 2nd
queue.declare); rules posted over HTTP drop a pika BlockingConnection, close a
channel with 406 and refuse a connection with 403; the fired log and the rule
counters; removing and clearing rules; chaos on and off; and that bad JSON, an
unknown hook, method or action give 400 with a reason that names the problem.

Usage: fault_api_test.py PATH/TO/fakebroker

Standard library only, apart from pika. Every wait is bounded.
"""

import json
import os
import sys
import tempfile

import pika

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import BrokerProcess  # noqa: E402

TIMEOUT = 10.0

# Loaded with --faults: the second queue.declare of the connection named "scripted".
FAULT_FILE = {
    "rules": [
        {
            "name": "scripted drop",
            "on": "method_received",
            "connection": "scripted",
            "method": "queue.declare",
            "nth": 2,
            "then": "drop",
        }
    ]
}


def check(condition, message, *details):
    if not condition:
        raise AssertionError(message + "".join("\n  " + repr(d) for d in details))


def check_equal(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def connect(amqp_url, name):
    params = pika.URLParameters(amqp_url)
    params.client_properties = {"connection_name": name}
    params.socket_timeout = TIMEOUT
    params.blocked_connection_timeout = TIMEOUT
    params.connection_attempts = 1
    return pika.BlockingConnection(params)


def check_the_fault_file(broker, api):
    rules = api.faults()["rules"]
    check_equal(len(rules), 1, "rules loaded from the file")
    check_equal(rules[0]["name"], "scripted drop", "the file's rule")
    connection = connect(broker.amqp_url, "scripted")
    channel = connection.channel()
    channel.queue_declare("first")
    try:
        channel.queue_declare("second")
        raise AssertionError("the second queue.declare was answered")
    except (pika.exceptions.StreamLostError, pika.exceptions.AMQPConnectionError):
        pass
    fired = api.wait_for_fired(1)
    check_equal(fired[0]["connection_name"], "scripted", "fired connection")
    check_equal(fired[0]["method"], "queue.declare", "fired method")
    check_equal(fired[0]["count"], 2, "fired count")
    check_equal(fired[0]["actions"], [{"action": "drop"}], "fired actions")
    broker.wait_for_line(r"fault #1 rule 1 \"scripted drop\" at method_received queue.declare")
    rules = api.faults()["rules"]
    check(rules[0]["exhausted"], "the one-shot rule is used up", rules)


def check_bad_requests(api):
    cases = [
        (b"{not json", "not valid JSON"),
        (json.dumps({"on": "method_recieved", "then": "drop"}).encode(), "unknown hook 'method_recieved'"),
        (json.dumps({"on": "method_received", "method": "basic.publsh", "then": "drop"}).encode(),
         "unknown method 'basic.publsh'"),
        (json.dumps({"on": "method_received", "then": "explode"}).encode(), "unknown action 'explode'"),
        (json.dumps({"on": "method_received"}).encode(), "needs \"then\""),
        (json.dumps({"on": "heartbeat_tick", "then": "swallow"}).encode(), "swallow does not apply"),
        (json.dumps({"on": "method_received", "nht": 3, "then": "drop"}).encode(), "unknown field 'nht'"),
        (json.dumps([{"on": "method_received", "then": "drop"},
                     {"on": "method_received", "then": {"action": "close_channel"}}]).encode(),
         "rule 1"),
        (json.dumps({"on": "method_received", "then": {"action": "delay", "ms": -5}}).encode(), "ms must be"),
    ]
    before = len(api.faults()["rules"])
    for raw, reason in cases:
        status, body, _ = api.request("POST", "api/faults", raw_body=raw)
        check_equal(status, 400, f"status for {raw!r}")
        check_equal(body["error"], "bad_request", f"error for {raw!r}")
        check(reason in body["reason"], f"reason for {raw!r} lacks {reason!r}", body)
    # All or nothing: the valid first rule of the bad list was not added either.
    check_equal(len(api.faults()["rules"]), before, "rules after bad requests")
    status, body, _ = api.request("PUT", "api/faults/chaos", {"drop": 1.5})
    check_equal(status, 400, "chaos with a bad probability")
    check("drop" in body["reason"], "chaos reason", body)
    status, _, _ = api.request("GET", "api/faults", auth=False)
    check_equal(status, 401, "no credentials")


def check_drop_over_http(broker, api):
    connection = connect(broker.amqp_url, "victim")
    channel = connection.channel()
    ids = api.add_faults({"on": "method_received", "connection": "victim", "method": "queue.declare", "then": "drop"})
    check_equal(len(ids), 1, "ids")
    try:
        channel.queue_declare("never")
        raise AssertionError("queue.declare was answered after the drop rule")
    except (pika.exceptions.StreamLostError, pika.exceptions.AMQPConnectionError):
        pass
    fired = api.faults()["fired"][-1]
    check_equal((fired["rule"], fired["connection_name"], fired["hook"]), (ids[0], "victim", "method_received"),
                "fired entry")


def check_channel_close_over_http(broker, api):
    connection = connect(broker.amqp_url, "channel-victim")
    channel = connection.channel()
    api.add_faults({"on": "method_received", "connection": "channel-victim", "method": "queue.declare",
             "then": {"action": "close_channel", "code": 406, "text": "PRECONDITION_FAILED - from http"}})
    try:
        channel.queue_declare("refused")
        raise AssertionError("queue.declare was answered after the close_channel rule")
    except pika.exceptions.ChannelClosedByBroker as e:
        check_equal((e.reply_code, e.reply_text), (406, "PRECONDITION_FAILED - from http"), "channel close")
    # The connection lives on: a new channel works.
    connection.channel().queue_declare("after")
    connection.close()


def check_refusal_over_http(broker, api):
    api.add_faults({"on": "connection_accepted",
             "then": {"action": "refuse_connections", "count": 1, "how": "access_refused"}})
    try:
        connect(broker.amqp_url, "refused")
        raise AssertionError("the refused connection opened")
    except pika.exceptions.AMQPConnectionError as e:
        check("ACCESS_REFUSED" in repr(e), f"refusal {e!r} does not say ACCESS_REFUSED")
    connect(broker.amqp_url, "accepted").close()


def check_remove_and_clear(api):
    ids = api.add_faults([{"on": "heartbeat_tick", "then": "drop"}, {"on": "heartbeat_tick", "then": "reset"}])
    check_equal(len(ids), 2, "two ids")
    status, _, _ = api.request("DELETE", f"api/faults/{ids[0]}")
    check_equal(status, 204, "delete one")
    status, _, _ = api.request("DELETE", f"api/faults/{ids[0]}")
    check_equal(status, 404, "delete it again")
    status, _, _ = api.request("DELETE", "api/faults/abc")
    check_equal(status, 400, "delete a non-id")
    check(ids[1] in [r["id"] for r in api.faults()["rules"]], "the other rule stays")
    status, _, _ = api.request("DELETE", "api/faults")
    check_equal(status, 204, "clear")
    body = api.faults()
    check_equal((body["rules"], body["fired"]), ([], []), "after clear")


def check_chaos(broker, api):
    check_equal(api.faults()["chaos"], None, "chaos before")
    status, _, _ = api.request("PUT", "api/faults/chaos", {"seed": 77, "delay": 0.5, "hooks": ["before_method_sent"],
                                                         "max_delay_ms": 5})
    check_equal(status, 204, "chaos on")
    broker.wait_for_line(r"fault chaos: seed 77")
    chaos = api.faults()["chaos"]
    check_equal((chaos["seed"], chaos["delay"], chaos["hooks"]), (77, 0.5, ["before_method_sent"]), "chaos")
    # Delays of at most 5 ms: the connection still works, just slower.
    connection = connect(broker.amqp_url, "chaotic")
    connection.channel().queue_declare("chaotic")
    connection.close()
    check(any(f["rule_name"] == "chaos" and f["seed"] == 77 for f in api.faults()["fired"]), "chaos fired")
    status, _, _ = api.request("DELETE", "api/faults/chaos")
    check_equal(status, 204, "chaos off")
    check_equal(api.faults()["chaos"], None, "chaos after")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} PATH/TO/fakebroker")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(FAULT_FILE, f)
        fault_file = f.name
    broker = BrokerProcess(sys.argv[1], ["--faults", fault_file])
    try:
        broker.start()
        api = broker.api
        check_the_fault_file(broker, api)
        check_bad_requests(api)
        check_drop_over_http(broker, api)
        check_channel_close_over_http(broker, api)
        check_refusal_over_http(broker, api)
        check_remove_and_clear(api)
        check_chaos(broker, api)
    except Exception:
        print("broker output so far:\n  " + "\n  ".join(broker.output), file=sys.stderr)
        raise
    finally:
        broker.kill()
        os.unlink(fault_file)
    print("fault API: all checks passed")


if __name__ == "__main__":
    main()
