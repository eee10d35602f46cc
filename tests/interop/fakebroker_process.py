"""The standalone fakebroker as the Python interop programs use it.

``BrokerProcess(binary).start()`` runs ``fakebroker --port 0 --http-port 0``,
takes the two URLs it prints when ready::

    fakebroker listening on amqp://guest:guest@127.0.0.1:PORT/
    management API on http://127.0.0.1:PORT/

and reads everything it prints afterwards on a thread, so that a chatty broker
(``-v``) never blocks on a full pipe and a test can wait for a line of its log.
``stop()`` sends SIGTERM and waits a bounded time.  ``ManagementApi`` speaks to
the HTTP API (``/api/faults`` included).  ``ExternalBroker`` stands for a broker
somebody else runs (a real RabbitMQ): nothing is started, and it has no fault API.

``run_checks`` is the main program of a check-style interop program: given the
binary it starts a broker, given ``--url URL`` it uses that one; it runs named
checks, each printing what it expected and what it saw, skips the checks that
need the fault API against an external broker, and ends with the line
``NAME: N passed, N failed, N skipped``.  Every wait is bounded.
"""

import asyncio
import base64
import collections
import inspect
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

START_TIMEOUT = 15.0  # seconds until the broker prints its URLs
STOP_TIMEOUT = 15.0  # seconds from SIGTERM to exit
HTTP_TIMEOUT = 10.0  # seconds for one management API request
CHECK_TIMEOUT = 30.0  # seconds for one check

_AMQP_LINE = re.compile(r"listening on (amqp://\S+)")
_HTTP_LINE = re.compile(r"management API on (http://\S+)")


class BrokerError(Exception):
    pass


class Endpoint:
    """Where a broker listens: host, port and the credentials of its URL."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "amqp" or parsed.hostname is None or parsed.port is None:
            raise BrokerError("not an amqp://user:password@host:port URL: %r" % url)
        self.url = url
        self.host = parsed.hostname
        self.port = parsed.port
        self.username = urllib.parse.unquote(parsed.username or "guest")
        self.password = urllib.parse.unquote(parsed.password or "guest")
        self.vhost = urllib.parse.unquote(parsed.path[1:]) if len(parsed.path) > 1 else "/"

    def __repr__(self):
        return "Endpoint(%s:%d)" % (self.host, self.port)


Response = collections.namedtuple("Response", "status body headers")


class ManagementApi:
    """The management HTTP API, shaped like RabbitMQ's, with the fake's /api/faults."""

    def __init__(self, base_url, auth=("guest", "guest")):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.auth = auth

    def request(self, method, path, body=None, raw_body=None, auth=None, headers=None):
        """A Response(status, parsed JSON body or None, headers); HTTP errors are answers too.

        ``auth`` None means the default credentials; ``auth=False`` sends none.
        """
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base_url + path.lstrip("/"), data=data, method=method)
        credentials = self.auth if auth is None else auth
        if credentials:
            token = base64.b64encode(("%s:%s" % credentials).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
                status, text, response_headers = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            status, text, response_headers = e.code, e.read(), e.headers
        return Response(status, json.loads(text) if text else None, response_headers)

    def get(self, path):
        """The JSON body of a GET that must answer 200."""
        response = self.request("GET", path)
        if response.status != 200:
            raise BrokerError("GET %s: expected 200, got %d %r" % (path, response.status, response.body))
        return response.body

    def queue(self, name, vhost="/"):
        return self.get("api/queues/%s/%s" % (quote(vhost), quote(name)))

    def faults(self):
        """{"rules": [...], "fired": [...], "chaos": ...}"""
        return self.get("api/faults")

    def add_faults(self, rules):
        """Adds one rule (a dict) or a list of them; returns their ids."""
        response = self.request("POST", "api/faults", rules)
        if response.status != 201:
            raise BrokerError("POST /api/faults: expected 201, got %d %r" % (response.status, response.body))
        return response.body["ids"]

    def wait_for_fired(self, count, timeout=HTTP_TIMEOUT):
        """The fired log once it holds at least ``count`` entries."""
        deadline = time.monotonic() + timeout
        while True:
            fired = self.faults()["fired"]
            if len(fired) >= count:
                return fired
            if time.monotonic() >= deadline:
                raise BrokerError("fewer than %d faults fired within %.0f s: %r" % (count, timeout, fired))
            time.sleep(0.02)  # polling the log, bounded by the deadline


def quote(segment):
    return urllib.parse.quote(segment, safe="")


class BrokerProcess:
    """The fakebroker binary in a subprocess, on free ports."""

    def __init__(self, binary, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.process = None
        self.endpoint = None
        self.amqp_url = None
        self.http_url = None
        self.api = None
        self.output = []  # every line the broker printed (stdout and stderr)
        self._changed = threading.Condition()
        self._ended = False
        self._cursor = 0  # wait_for_line looks at output[_cursor:]
        self._reader = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.stop()
        else:
            self.kill()

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", "0", "--http-port", "0"] + self.extra_args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.amqp_url = self.wait_for_line(_AMQP_LINE, START_TIMEOUT)
            self.http_url = self.wait_for_line(_HTTP_LINE, START_TIMEOUT)
        except BaseException:
            self.kill()
            raise
        self.endpoint = Endpoint(self.amqp_url)
        self.api = ManagementApi(self.http_url)
        return self.endpoint

    def _read(self):
        for line in self.process.stdout:
            with self._changed:
                self.output.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for_line(self, pattern, timeout=HTTP_TIMEOUT):
        """Waits for a line matching ``pattern`` among those not looked at yet.

        Returns the first group of the match, or the whole line when the pattern has
        none; raises BrokerError after ``timeout`` seconds or when the output ends.
        """
        pattern = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                while self._cursor < len(self.output):
                    line = self.output[self._cursor]
                    self._cursor += 1
                    match = pattern.search(line)
                    if match:
                        return match.group(1) if match.groups() else line
                remaining = deadline - time.monotonic()
                if self._ended or remaining <= 0:
                    why = "the broker's output ended" if self._ended else "%.0f s passed" % timeout
                    raise BrokerError("no line matching %r (%s); broker output:\n  %s"
                                      % (pattern.pattern, why, "\n  ".join(self.output)))
                self._changed.wait(remaining)

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERM, then the exit status; kills and raises if the broker does not exit in time."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BrokerError("the broker did not exit within %.0f s of SIGTERM" % STOP_TIMEOUT)
        self._reader.join(timeout=STOP_TIMEOUT)
        return code

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


class ExternalBroker:
    """A broker somebody else runs (e.g. RabbitMQ): start and stop do nothing, no fault API."""

    def __init__(self, url):
        self.endpoint = Endpoint(url)
        self.amqp_url = url
        self.http_url = None
        self.api = None
        self.output = []

    def start(self):
        return self.endpoint

    def is_running(self):
        return True

    def stop(self):
        return 0

    def kill(self):
        pass


def broker_for(target):
    """A BrokerProcess for a binary path, an ExternalBroker for an amqp:// URL."""
    if target.startswith("amqp://"):
        return ExternalBroker(target)
    return BrokerProcess(target)


# --- running named checks ---------------------------------------------------------


class CheckFailed(AssertionError):
    pass


class Check:
    """What a check function gets: the broker, unique names, and expectations that print."""

    def __init__(self, broker, run_id):
        self.broker = broker
        self.url = broker.amqp_url
        self.endpoint = broker.endpoint
        self.api = broker.api
        self.run_id = run_id

    def name(self, what):
        """A name no other run uses: ``interop.<what>.<run id>``."""
        return "interop.%s.%s" % (what, self.run_id)

    def expect(self, what, expected, saw):
        """Prints what was expected and what was seen; raises CheckFailed when they differ."""
        if expected == saw:
            print("    ok   %s: expected %r, saw %r" % (what, expected, saw))
        else:
            print("    FAIL %s: expected %r, saw %r" % (what, expected, saw))
            raise CheckFailed("%s: expected %r, saw %r" % (what, expected, saw))

    def expect_true(self, what, condition, saw):
        """For an expectation that is a property (``startswith``, ``in``): ``saw`` is shown."""
        print("    %s %s: saw %r" % ("ok  " if condition else "FAIL", what, saw))
        if not condition:
            raise CheckFailed("%s: saw %r" % (what, saw))

    def note(self, text):
        print("    ..   " + text)

    def wait_until(self, condition, what, timeout=10.0):
        return wait_until(condition, what, timeout)

    def drain_until(self, connection, condition, what, timeout=10.0):
        """Runs ``connection.drain_events`` (py-amqp's or kombu's) until ``condition()``."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CheckFailed("timed out after %.0f s waiting until %s" % (timeout, what))
            try:
                connection.drain_events(timeout=min(remaining, 0.5))
            except socket.timeout:
                pass

    def outcome(self, what, call, errors, ok="ok"):
        """``ok`` when ``call()`` returns, "CODE TEXT" when it raises one of ``errors``; noted."""
        try:
            call()
            result = ok
        except errors as e:
            result = "%s %s" % (e.reply_code, e.reply_text)
        self.note("%s: %s" % (what, result))
        return result

    async def async_wait_until(self, condition, what, timeout=10.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = condition()
            if value:
                return value
            if loop.time() >= deadline:
                raise CheckFailed("timed out after %.0f s waiting until %s" % (timeout, what))
            await asyncio.sleep(0.01)  # polling a condition, bounded by the deadline


def wait_until(condition, what, timeout=10.0):
    """Polls ``condition()`` until it is truthy and returns it; CheckFailed after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise CheckFailed("timed out after %.0f s waiting until %s" % (timeout, what))
        time.sleep(0.01)  # polling a condition, bounded by the deadline


# The routing check of every program: bindings, what is published, and which queue
# (named by its binding) must hold which bodies afterwards, sorted.
TOPIC_BINDINGS = ["orders.*", "orders.#", "*.eu.#"]
TOPIC_KEYS = ["orders", "orders.new", "orders.eu.new", "stock.eu", "stock.us.new"]
HEADERS_BINDINGS = {
    "x-match all": {"x-match": "all", "format": "pdf", "type": "report"},
    "x-match any": {"x-match": "any", "format": "pdf", "type": "log"},
}
HEADERS_MESSAGES = [
    ("pdf-report", {"format": "pdf", "type": "report"}),
    ("pdf-log", {"format": "pdf", "type": "log"}),
    ("zip-report", {"format": "zip", "type": "report"}),
    ("zip-log", {"format": "zip", "type": "log"}),
    ("none", {}),
]
ROUTED = {
    "orders.*": ["orders.new"],
    "orders.#": ["orders", "orders.eu.new", "orders.new"],
    "*.eu.#": ["orders.eu.new", "stock.eu"],
    "x-match all": ["pdf-report"],
    "x-match any": ["pdf-log", "pdf-report", "zip-log"],
}


def check(name, needs_faults=False):
    """Marks a function ``f(c: Check)`` (or a coroutine function) as a named check."""
    def mark(function):
        function.check_name = name
        function.needs_faults = needs_faults
        return function
    return mark


class _Watchdog(Exception):
    pass


def _run_one(function, c, timeout):
    if inspect.iscoroutinefunction(function):
        asyncio.run(asyncio.wait_for(function(c), timeout))
        return

    def on_alarm(signum, frame):
        raise _Watchdog("the check took longer than %.0f s" % timeout)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        function(c)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_checks(program, checks, argv=None, timeout=CHECK_TIMEOUT):
    """The main program: ``PROGRAM PATH/TO/fakebroker`` or ``PROGRAM --url amqp://...``.

    Exits 0 only when every check that ran passed (and a broker it started exited 0).
    """
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 1 and not argv[0].startswith("-"):
        broker = BrokerProcess(argv[0])
    elif len(argv) == 2 and argv[0] == "--url":
        broker = ExternalBroker(argv[1])
    else:
        sys.exit("usage: %s PATH/TO/fakebroker | --url amqp://USER:PASSWORD@HOST:PORT/" % program)

    sys.stdout.reconfigure(line_buffering=True)
    passed, failed, skipped = [], [], []
    broker.start()
    print("%s: against %s" % (program, broker.amqp_url))
    try:
        c = Check(broker, uuid.uuid4().hex[:10])
        for function in checks:
            name = function.check_name
            if function.needs_faults and broker.api is None:
                print("SKIP %s: needs the fake broker's fault API (POST /api/faults), "
                      "not available at %s" % (name, broker.amqp_url))
                skipped.append(name)
                continue
            print("CHECK %s" % name)
            started = time.monotonic()
            try:
                _run_one(function, c, timeout)
            except Exception as e:  # noqa: BLE001 - any failure of a check is reported, then the next runs
                if not isinstance(e, CheckFailed):
                    traceback.print_exc(file=sys.stdout)
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
                failed.append(name)
            else:
                print("PASS %s (%.2f s)" % (name, time.monotonic() - started))
                passed.append(name)
    finally:
        code = broker.stop()
    if code != 0:
        print("FAIL the broker exited with %r after SIGTERM; its output:\n  %s"
              % (code, "\n  ".join(broker.output[-50:])))
        failed.append("broker exit")
    elif failed and broker.output:
        print("broker output:\n  " + "\n  ".join(broker.output[-50:]))
    if failed:
        print("failed: " + ", ".join(failed))
    print("%s: %d passed, %d failed, %d skipped" % (program, len(passed), len(failed), len(skipped)))
    sys.exit(1 if failed else 0)
