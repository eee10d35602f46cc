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

import base64
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pika

TIMEOUT = 10.0
AUTH = ("guest", "guest")

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


class Broker:
    """The broker process; its output is read on a thread so that waits stay bounded."""

    def __init__(self, binary, fault_file):
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--http-port", "0", "--faults", fault_file],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = queue.Queue()
        self.output = []
        threading.Thread(target=self._read, daemon=True).start()
        self.amqp_url = self.wait_for_line(r"listening on (amqp://\S+)")
        self.http_url = self.wait_for_line(r"management API on (http://\S+)")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, pattern, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            check(remaining > 0, f"no line matching {pattern!r} within {timeout}s", self.output)
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            check(line is not None, f"the broker exited before printing {pattern!r}", self.output)
            self.output.append(line)
            match = re.search(pattern, line)
            if match:
                return match.group(1) if match.groups() else line

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)


class Api:
    def __init__(self, base_url):
        self.base_url = base_url

    def request(self, method, path, body=None, raw_body=None, auth=AUTH):
        """(status, parsed JSON body or None); never raises on HTTP errors."""
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base_url + path.lstrip("/"), data=data, method=method)
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                status, text = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        return status, (json.loads(text) if text else None)

    def faults(self):
        status, body = self.request("GET", "api/faults")
        check_equal(status, 200, "GET /api/faults status")
        return body

    def add(self, rules):
        status, body = self.request("POST", "api/faults", rules)
        check_equal(status, 201, f"POST /api/faults status ({body})")
        return body["ids"]


def connect(amqp_url, name):
    params = pika.URLParameters(amqp_url)
    params.client_properties = {"connection_name": name}
    params.socket_timeout = TIMEOUT
    params.blocked_connection_timeout = TIMEOUT
    params.connection_attempts = 1
    return pika.BlockingConnection(params)


def wait_for_fired(api, count):
    deadline = time.monotonic() + TIMEOUT
    while True:
        fired = api.faults()["fired"]
        if len(fired) >= count:
            return fired
        check(time.monotonic() < deadline, f"fewer than {count} faults fired within {TIMEOUT}s", fired)
        time.sleep(0.02)


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
    fired = wait_for_fired(api, 1)
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
        status, body = api.request("POST", "api/faults", raw_body=raw)
        check_equal(status, 400, f"status for {raw!r}")
        check_equal(body["error"], "bad_request", f"error for {raw!r}")
        check(reason in body["reason"], f"reason for {raw!r} lacks {reason!r}", body)
    # All or nothing: the valid first rule of the bad list was not added either.
    check_equal(len(api.faults()["rules"]), before, "rules after bad requests")
    status, body = api.request("PUT", "api/faults/chaos", {"drop": 1.5})
    check_equal(status, 400, "chaos with a bad probability")
    check("drop" in body["reason"], "chaos reason", body)
    status, _ = api.request("GET", "api/faults", auth=None)
    check_equal(status, 401, "no credentials")


def check_drop_over_http(broker, api):
    connection = connect(broker.amqp_url, "victim")
    channel = connection.channel()
    ids = api.add({"on": "method_received", "connection": "victim", "method": "queue.declare", "then": "drop"})
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
    api.add({"on": "method_received", "connection": "channel-victim", "method": "queue.declare",
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
    api.add({"on": "connection_accepted",
             "then": {"action": "refuse_connections", "count": 1, "how": "access_refused"}})
    try:
        connect(broker.amqp_url, "refused")
        raise AssertionError("the refused connection opened")
    except pika.exceptions.AMQPConnectionError as e:
        check("ACCESS_REFUSED" in repr(e), f"refusal {e!r} does not say ACCESS_REFUSED")
    connect(broker.amqp_url, "accepted").close()


def check_remove_and_clear(api):
    ids = api.add([{"on": "heartbeat_tick", "then": "drop"}, {"on": "heartbeat_tick", "then": "reset"}])
    check_equal(len(ids), 2, "two ids")
    status, _ = api.request("DELETE", f"api/faults/{ids[0]}")
    check_equal(status, 204, "delete one")
    status, _ = api.request("DELETE", f"api/faults/{ids[0]}")
    check_equal(status, 404, "delete it again")
    status, _ = api.request("DELETE", "api/faults/abc")
    check_equal(status, 400, "delete a non-id")
    check(ids[1] in [r["id"] for r in api.faults()["rules"]], "the other rule stays")
    status, _ = api.request("DELETE", "api/faults")
    check_equal(status, 204, "clear")
    body = api.faults()
    check_equal((body["rules"], body["fired"]), ([], []), "after clear")


def check_chaos(broker, api):
    check_equal(api.faults()["chaos"], None, "chaos before")
    status, _ = api.request("PUT", "api/faults/chaos", {"seed": 77, "delay": 0.5, "hooks": ["before_method_sent"],
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
    status, _ = api.request("DELETE", "api/faults/chaos")
    check_equal(status, 204, "chaos off")
    check_equal(api.faults()["chaos"], None, "chaos after")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} PATH/TO/fakebroker")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(FAULT_FILE, f)
        fault_file = f.name
    broker = None
    try:
        broker = Broker(sys.argv[1], fault_file)
        api = Api(broker.http_url)
        check_the_fault_file(broker, api)
        check_bad_requests(api)
        check_drop_over_http(broker, api)
        check_channel_close_over_http(broker, api)
        check_refusal_over_http(broker, api)
        check_remove_and_clear(api)
        check_chaos(broker, api)
    except Exception:
        if broker:
            print("broker output so far:\n  " + "\n  ".join(broker.output), file=sys.stderr)
        raise
    finally:
        if broker:
            broker.kill()
        os.unlink(fault_file)
    print("fault API: all checks passed")


if __name__ == "__main__":
    main()
