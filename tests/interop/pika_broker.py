"""Start and stop the standalone fakebroker for the pika interop tests.

The broker binary is started with ``--port 0``; it prints one line,
``fakebroker listening on amqp://USER:PASSWORD@HOST:PORT/``, from which the
URL is taken.  Everything it prints afterwards is drained on a thread so a
chatty broker (``-v``) can never block on a full pipe.

A target may also be an ``amqp://`` URL instead of a binary: then nothing is
started and the tests run against that broker (e.g. a real RabbitMQ), which
is how the expected behaviour in pika_test.py was checked.
"""

import re
import selectors
import signal
import subprocess
import threading
import time
import urllib.parse

_LISTENING = re.compile(r"fakebroker listening on (amqp://(\S+?):(\S+?)@([^:/]+):(\d+)/?)")

START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


class BrokerError(Exception):
    pass


class Endpoint:
    """Where a broker listens: host, port and the default credentials."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "amqp" or parsed.hostname is None or parsed.port is None:
            raise BrokerError("not an amqp://user:password@host:port URL: %r" % url)
        self.url = url
        self.host = parsed.hostname
        self.port = parsed.port
        self.username = urllib.parse.unquote(parsed.username or "guest")
        self.password = urllib.parse.unquote(parsed.password or "guest")

    def __repr__(self):
        return "Endpoint(%s:%d)" % (self.host, self.port)


class BrokerProcess:
    """The fakebroker binary running in a subprocess."""

    def __init__(self, binary, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.process = None
        self.endpoint = None
        self.output = []  # every line printed by the broker (stdout and stderr)
        self._drainers = []
        self._lock = threading.Lock()

    def start(self):
        args = [self.binary, "--port", "0"]
        # Newer brokers also serve an HTTP API on a fixed port by default; ask for a
        # free one so that parallel test runs do not share it.
        if "--http-port" in self._help():
            args += ["--http-port", "0"]
        self.process = subprocess.Popen(
            args + self.extra_args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            line = self._read_first_line(START_TIMEOUT)
            match = _LISTENING.search(line)
            if not match:
                raise BrokerError("unexpected first line from broker: %r" % line)
            self.endpoint = Endpoint(match.group(1))
        except BaseException:
            self._kill()
            raise
        self._drain(self.process.stdout)
        self._drain(self.process.stderr)
        return self.endpoint

    def _help(self):
        try:
            return subprocess.run([self.binary, "--help"], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=START_TIMEOUT).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    def _read_first_line(self, timeout):
        """Read stdout's first line, bounded by *timeout* seconds."""
        deadline = time.monotonic() + timeout
        buffered = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in buffered:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrokerError("broker printed no URL within %.0f s" % timeout)
                if not sel.select(remaining):
                    continue
                # read1 returns what is available without waiting for more.
                chunk = self.process.stdout.read1(4096)
                if not chunk:
                    err = self.process.stderr.read().decode(errors="replace")
                    raise BrokerError(
                        "broker exited (%s) before listening: %s" % (self.process.wait(), err))
                buffered += chunk
        first, _, rest = buffered.partition(b"\n")
        self.output.extend(rest.decode(errors="replace").splitlines())
        return first.decode(errors="replace")

    def _drain(self, stream):
        def run():
            for raw in iter(stream.readline, b""):
                with self._lock:
                    self.output.append(raw.decode(errors="replace").rstrip("\n"))
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._drainers.append(thread)

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERM the broker and return its exit status (bounded wait)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._kill()
            raise BrokerError("broker did not exit within %.0f s of SIGTERM" % STOP_TIMEOUT)
        for thread in self._drainers:
            thread.join(timeout=STOP_TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        return code

    def _kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


class ExternalBroker:
    """A broker somebody else runs (e.g. RabbitMQ); start/stop do nothing."""

    def __init__(self, url):
        self.endpoint = Endpoint(url)
        self.output = []

    def start(self):
        return self.endpoint

    def is_running(self):
        return True

    def stop(self):
        return 0


def broker_for(target):
    """A BrokerProcess for a binary path, an ExternalBroker for an amqp:// URL."""
    if target.startswith("amqp://"):
        return ExternalBroker(target)
    return BrokerProcess(target)
