"""Interop tests: drive the standalone fakebroker with pika, a client nobody here wrote.

Usage:
    python3 pika_test.py PATH/TO/fakebroker [unittest options]
    python3 pika_test.py amqp://guest:guest@127.0.0.1:5672/ [unittest options]

With a binary, one broker is started with ``--port 0 --http-port 0`` for the whole module and
stopped with SIGTERM at the end (its exit status must be 0).  With a URL the
tests run against that broker instead; that is how every expectation here was
checked against a real RabbitMQ 3.10.

Tests marked ``@unittest.expectedFailure`` assert RabbitMQ's behaviour where
the fakebroker currently differs; the comment on each names the bug.

Every test uses fresh names, every wait is bounded (a per-test SIGALRM watchdog
backs up the explicit deadlines), and nothing sleeps to let things settle.
"""

import asyncio
import datetime
import decimal
import os
import signal
import sys
import time
import unittest
import uuid

import pika
import pika.exceptions
from pika.adapters.asyncio_connection import AsyncioConnection

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakebroker_process  # noqa: E402

BROKER = None  # set in main() from argv[1]

TEST_TIMEOUT = 60  # seconds; the watchdog for one test
WAIT = 10.0  # seconds; the bound for one expected event


def setUpModule():
    BROKER.start()


def tearDownModule():
    code = BROKER.stop()
    if code != 0:
        raise AssertionError("broker exited with %r after SIGTERM; output:\n%s"
                             % (code, "\n".join(BROKER.output[-50:])))


class TestTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise TestTimeout("test exceeded %d s" % TEST_TIMEOUT)


def connection_parameters(**overrides):
    ep = BROKER.endpoint
    settings = dict(
        host=ep.host,
        port=ep.port,
        virtual_host="/",
        credentials=pika.PlainCredentials(ep.username, ep.password),
        connection_attempts=1,
        socket_timeout=WAIT,
        stack_timeout=WAIT,
        blocked_connection_timeout=WAIT,
    )
    settings.update(overrides)
    return pika.ConnectionParameters(**settings)


def wait_until(connection, predicate, timeout=WAIT, what="condition"):
    """Pump *connection*'s I/O until *predicate()* holds, at most *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        connection.process_data_events(time_limit=min(0.05, remaining))


def rabbit_reply_text(text):
    """*text* as RabbitMQ sends it: a shortstr, so cut to 252 bytes plus "..." when longer than 255."""
    raw = text.encode()
    return text if len(raw) <= 255 else (raw[:252] + b"...").decode(errors="ignore")


class BrokerTestCase(unittest.TestCase):
    """One connection and channel per test, fresh names, cleanup of what was declared."""

    def setUp(self):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(TEST_TIMEOUT)
        self.addCleanup(signal.alarm, 0)
        self._queues = []
        self._exchanges = []
        self.addCleanup(self._delete_declared)
        self.connection = self.connect()
        self.channel = self.connection.channel()

    def connect(self, **overrides):
        connection = pika.BlockingConnection(connection_parameters(**overrides))
        self.addCleanup(self._close_quietly, connection)
        return connection

    @staticmethod
    def _close_quietly(connection):
        if connection.is_open:
            connection.close()

    def name(self, kind="q"):
        return "pika-%s-%s-%s" % (self._testMethodName, kind, uuid.uuid4().hex[:8])

    def declare_queue(self, channel=None, name=None, **kwargs):
        name = self.name("q") if name is None else name
        ok = (channel or self.channel).queue_declare(name, **kwargs)
        self._queues.append(ok.method.queue)
        return ok.method.queue

    def declare_exchange(self, exchange_type, channel=None, **kwargs):
        name = self.name(exchange_type)
        (channel or self.channel).exchange_declare(name, exchange_type, **kwargs)
        self._exchanges.append(name)
        return name

    def confirm_channel(self, connection=None):
        channel = (connection or self.connection).channel()
        channel.confirm_delivery()
        return channel

    def message_count(self, queue, connection=None):
        """Ready messages in *queue*, asked on a fresh channel."""
        channel = (connection or self.connection).channel()
        try:
            return channel.queue_declare(queue, passive=True).method.message_count
        finally:
            channel.close()

    def get_all(self, channel, queue, limit=1000):
        """basic_get with auto-ack until the queue is empty; returns the bodies."""
        bodies = []
        for _ in range(limit):
            method, _, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return bodies
            bodies.append(body)
        raise AssertionError("queue %s did not drain in %d gets" % (queue, limit))

    def _delete_declared(self):
        if not (self._queues or self._exchanges):
            return
        connection = pika.BlockingConnection(connection_parameters())
        try:
            channel = connection.channel()
            for kind, names in (("queue", self._queues), ("exchange", self._exchanges)):
                for name in names:
                    try:
                        if kind == "queue":
                            channel.queue_delete(name)
                        else:
                            channel.exchange_delete(name)
                    except pika.exceptions.ChannelClosedByBroker:
                        channel = connection.channel()
        finally:
            connection.close()

    def assertChannelClosed(self, code, text, call, *args, **kwargs):
        with self.assertRaises(pika.exceptions.ChannelClosedByBroker) as caught:
            call(*args, **kwargs)
        self.assertEqual(caught.exception.reply_code, code)
        self.assertEqual(caught.exception.reply_text, rabbit_reply_text(text))
        return caught.exception


class DeclareTest(BrokerTestCase):

    def test_queue_declare_returns_name_and_counts(self):
        name = self.name()
        ok = self.channel.queue_declare(name, durable=True)
        self._queues.append(name)
        self.assertEqual(ok.method.queue, name)
        self.assertEqual(ok.method.message_count, 0)
        self.assertEqual(ok.method.consumer_count, 0)

        publisher = self.confirm_channel()
        publisher.basic_publish("", name, b"one")
        publisher.basic_publish("", name, b"two")
        again = self.channel.queue_declare(name, durable=True)  # equivalent redeclare
        self.assertEqual(again.method.message_count, 2)
        passive = self.channel.queue_declare(name, passive=True)
        self.assertEqual(passive.method.message_count, 2)
        self.assertEqual(passive.method.consumer_count, 0)

    def test_server_named_queue(self):
        ok = self.channel.queue_declare("", exclusive=True)
        self.assertTrue(ok.method.queue.startswith("amq.gen-"), ok.method.queue)
        self.channel.basic_publish("", ok.method.queue, b"hello")
        method, _, body = self.channel.basic_get(ok.method.queue, auto_ack=True)
        self.assertEqual(body, b"hello")

    def test_exchange_declare_each_type(self):
        for exchange_type in ("direct", "fanout", "topic", "headers"):
            with self.subTest(exchange_type=exchange_type):
                name = self.declare_exchange(exchange_type, durable=True)
                self.channel.exchange_declare(name, exchange_type, durable=True)  # equivalent
                self.channel.exchange_declare(name, passive=True)

    def test_redeclare_exchange_with_other_type_is_406(self):
        name = self.declare_exchange("direct", auto_delete=True)
        self.assertChannelClosed(
            406,
            "PRECONDITION_FAILED - inequivalent arg 'type' for exchange '%s' in vhost '/': "
            "received 'fanout' but current is 'direct'" % name,
            self.channel.exchange_declare, name, "fanout", auto_delete=True)

    def test_passive_declare_missing_queue_is_404(self):
        name = self.name()
        self.assertChannelClosed(
            404, "NOT_FOUND - no queue '%s' in vhost '/'" % name,
            self.channel.queue_declare, name, passive=True)
        self.assertTrue(self.channel.is_closed)
        self.assertTrue(self.connection.is_open)  # only the channel is closed

    def test_long_reply_text_is_cut_to_a_shortstr(self):
        name = self.name() + "-" + "y" * 200  # 255 characters at most: a valid queue name
        name = name[:255]
        error = self.assertChannelClosed(
            404, "NOT_FOUND - no queue '%s' in vhost '/'" % name,
            self.channel.queue_declare, name, passive=True)
        self.assertTrue(error.reply_text.endswith("..."))
        self.assertEqual(len(error.reply_text), 255)

    def test_passive_declare_missing_exchange_is_404(self):
        name = self.name("x")
        self.assertChannelClosed(
            404, "NOT_FOUND - no exchange '%s' in vhost '/'" % name,
            self.channel.exchange_declare, name, passive=True)

    def test_queue_purge_and_delete_report_counts(self):
        queue = self.declare_queue()
        publisher = self.confirm_channel()
        for i in range(3):
            publisher.basic_publish("", queue, b"%d" % i)
        self.assertEqual(self.channel.queue_purge(queue).method.message_count, 3)
        publisher.basic_publish("", queue, b"again")
        self.assertEqual(self.channel.queue_delete(queue).method.message_count, 1)
        self.assertChannelClosed(
            404, "NOT_FOUND - no queue '%s' in vhost '/'" % queue,
            self.channel.queue_declare, queue, passive=True)


class RoutingTest(BrokerTestCase):

    def setUp(self):
        super().setUp()
        self.publisher = self.confirm_channel()

    def test_default_exchange_routes_by_queue_name(self):
        queue = self.declare_queue()
        self.publisher.basic_publish("", queue, b"direct to queue")
        self.assertEqual(self.get_all(self.channel, queue), [b"direct to queue"])

    def test_direct_exchange_bind_and_unbind(self):
        exchange = self.declare_exchange("direct")
        queue = self.declare_queue()
        self.channel.queue_bind(queue, exchange, routing_key="orange")
        self.publisher.basic_publish(exchange, "orange", b"1")
        self.publisher.basic_publish(exchange, "green", b"not routed")
        self.publisher.basic_publish(exchange, "orange", b"2")
        self.assertEqual(self.get_all(self.channel, queue), [b"1", b"2"])

        self.channel.queue_unbind(queue, exchange, routing_key="orange")
        self.publisher.basic_publish(exchange, "orange", b"after unbind")
        self.assertEqual(self.message_count(queue), 0)

    def test_fanout_exchange_copies_to_every_queue(self):
        exchange = self.declare_exchange("fanout")
        queues = [self.declare_queue() for _ in range(3)]
        for queue in queues:
            self.channel.queue_bind(queue, exchange, routing_key="ignored-%s" % queue)
        self.publisher.basic_publish(exchange, "anything", b"everyone")
        for queue in queues:
            self.assertEqual(self.get_all(self.channel, queue), [b"everyone"])

    def test_topic_exchange_patterns(self):
        exchange = self.declare_exchange("topic")
        one_word = self.declare_queue()
        any_words = self.declare_queue()
        suffix = self.declare_queue()
        self.channel.queue_bind(one_word, exchange, routing_key="a.*")
        self.channel.queue_bind(any_words, exchange, routing_key="a.#")
        self.channel.queue_bind(suffix, exchange, routing_key="#.z")
        for key in ("a.b", "a.b.c", "a", "x.z", "a.z", "b.a"):
            self.publisher.basic_publish(exchange, key, key.encode())
        self.assertEqual(self.get_all(self.channel, one_word), [b"a.b", b"a.z"])
        self.assertEqual(self.get_all(self.channel, any_words), [b"a.b", b"a.b.c", b"a", b"a.z"])
        self.assertEqual(self.get_all(self.channel, suffix), [b"x.z", b"a.z"])

    def test_headers_exchange_all_and_any(self):
        exchange = self.declare_exchange("headers")
        match_all = self.declare_queue()
        match_any = self.declare_queue()
        wanted = {"format": "pdf", "type": "report"}
        self.channel.queue_bind(match_all, exchange, arguments=dict(wanted, **{"x-match": "all"}))
        self.channel.queue_bind(match_any, exchange, arguments=dict(wanted, **{"x-match": "any"}))
        for body, headers in ((b"both", {"format": "pdf", "type": "report", "extra": 1}),
                              (b"one", {"format": "pdf"}),
                              (b"wrong", {"format": "zip", "type": "log"}),
                              (b"none", None)):
            self.publisher.basic_publish(
                exchange, "", body, pika.BasicProperties(headers=headers))
        self.assertEqual(self.get_all(self.channel, match_all), [b"both"])
        self.assertEqual(self.get_all(self.channel, match_any), [b"both", b"one"])

    def test_exchange_to_exchange_binding(self):
        source = self.declare_exchange("topic")
        destination = self.declare_exchange("fanout")
        queue = self.declare_queue()
        self.channel.exchange_bind(destination, source, routing_key="log.*")
        self.channel.queue_bind(queue, destination)
        self.publisher.basic_publish(source, "log.error", b"routed twice")
        self.publisher.basic_publish(source, "metric.cpu", b"dropped")
        self.assertEqual(self.get_all(self.channel, queue), [b"routed twice"])


class PublishGetTest(BrokerTestCase):

    def test_publish_and_basic_get_preserve_properties(self):
        queue = self.declare_queue()
        properties = pika.BasicProperties(
            content_type="application/json",
            content_encoding="utf-8",
            headers={"text": "héllo", "number": 42, "negative": -7, "flag": True,
                     "nested": {"inner": "value"}, "list": [1, "two"]},
            delivery_mode=2,
            priority=3,
            correlation_id="corr-1",
            reply_to="replies",
            expiration="60000",
            message_id="msg-1",
            timestamp=1700000000,
            type="example.type",
            user_id=BROKER.endpoint.username,
            app_id="pika-interop",
        )
        publisher = self.confirm_channel()
        publisher.basic_publish("", queue, b'{"n": 1}', properties)
        publisher.basic_publish("", queue, b"second")

        method, got, body = self.channel.basic_get(queue)
        self.assertEqual(body, b'{"n": 1}')
        self.assertEqual(method.exchange, "")
        self.assertEqual(method.routing_key, queue)
        self.assertFalse(method.redelivered)
        self.assertEqual(method.message_count, 1)
        for field in ("content_type", "content_encoding", "headers", "delivery_mode", "priority",
                      "correlation_id", "reply_to", "expiration", "message_id", "timestamp",
                      "type", "user_id", "app_id"):
            self.assertEqual(getattr(got, field), getattr(properties, field), field)
        self.channel.basic_ack(method.delivery_tag)

        method, got, body = self.channel.basic_get(queue, auto_ack=True)
        self.assertEqual(body, b"second")
        self.assertEqual(method.message_count, 0)
        self.assertIsNone(got.content_type)

    def test_header_field_types_round_trip(self):
        queue = self.declare_queue()
        # No floats (pika 1.2 cannot encode them) and no negative 64-bit integers (pika
        # decodes the "l" type as unsigned): both are client limits, not broker ones.
        headers = {
            "str": "text", "bytes": b"\x00\xffraw", "int": 7, "big": 2 ** 40, "neg": -7,
            "decimal": decimal.Decimal("3.14"), "true": True, "false": False,
            "none": None, "when": datetime.datetime(2023, 11, 14, 22, 13, 20),
            "list": [1, "a", [2, None], {"k": "v"}], "table": {"inner": {"deep": 1}},
        }
        self.confirm_channel().basic_publish("", queue, b"typed",
                                             pika.BasicProperties(headers=headers))
        _, properties, _ = self.channel.basic_get(queue, auto_ack=True)
        self.assertEqual(properties.headers, headers)

    def test_basic_get_on_empty_queue(self):
        queue = self.declare_queue()
        self.assertEqual(self.channel.basic_get(queue), (None, None, None))

    def test_empty_body(self):
        queue = self.declare_queue()
        self.confirm_channel().basic_publish("", queue, b"")
        method, _, body = self.channel.basic_get(queue, auto_ack=True)
        self.assertIsNotNone(method)
        self.assertEqual(body, b"")

    def test_large_message_split_across_frames(self):
        queue = self.declare_queue()
        frame_max = self.connection._impl.params.frame_max  # negotiated value
        body = os.urandom(1024 * 1024)
        self.assertLess(frame_max, len(body), "the body must need several frames")
        self.confirm_channel().basic_publish("", queue, body)
        method, _, got = self.channel.basic_get(queue, auto_ack=True)
        self.assertIsNotNone(method)
        self.assertEqual(len(got), len(body))
        self.assertEqual(got, body)

        # And through a consumer, on a connection that asked for the smallest frame_max.
        small = self.connect(frame_max=4096)
        self.assertEqual(small._impl.params.frame_max, 4096)
        small.channel().basic_publish("", queue, body)
        consumer = small.channel()
        for method, _, got in consumer.consume(queue, auto_ack=True, inactivity_timeout=WAIT):
            self.assertIsNotNone(method, "no delivery within %s s" % WAIT)
            self.assertEqual(got, body)
            break
        consumer.cancel()

    def test_many_messages_arrive_in_order(self):
        count = 10000
        queue = self.declare_queue()
        publisher = self.connection.channel()
        for i in range(count):
            publisher.basic_publish("", queue, b"%d" % i)
        self.channel.basic_qos(prefetch_count=500)
        received = 0
        for method, _, body in self.channel.consume(queue, inactivity_timeout=WAIT):
            self.assertIsNotNone(method, "stalled after %d messages" % received)
            self.assertEqual(body, b"%d" % received)
            received += 1
            if received % 100 == 0:
                self.channel.basic_ack(method.delivery_tag, multiple=True)
            if received == count:
                break
        self.assertEqual(self.channel.cancel(), 0)
        self.assertEqual(self.message_count(queue), 0)


class ConsumeTest(BrokerTestCase):

    def publish(self, queue, bodies):
        publisher = self.confirm_channel()
        for body in bodies:
            publisher.basic_publish("", queue, body)
        publisher.close()

    def test_consume_generator_with_manual_acks(self):
        queue = self.declare_queue()
        bodies = [b"m%d" % i for i in range(5)]
        self.publish(queue, bodies)
        received = []
        for method, properties, body in self.channel.consume(queue, inactivity_timeout=WAIT):
            self.assertIsNotNone(method, "no delivery within %s s" % WAIT)
            self.assertEqual(method.routing_key, queue)
            self.assertFalse(method.redelivered)
            received.append(body)
            self.channel.basic_ack(method.delivery_tag)
            if len(received) == len(bodies):
                break
        self.assertEqual(received, bodies)
        ok = self.channel.queue_declare(queue, passive=True)
        self.assertEqual(ok.method.message_count, 0)
        self.assertEqual(ok.method.consumer_count, 1)
        self.assertEqual(self.channel.cancel(), 0)
        self.assertEqual(self.channel.queue_declare(queue, passive=True).method.consumer_count, 0)

    def test_basic_qos_prefetch_limits_unacked_deliveries(self):
        prefetch = 3
        total = 10
        queue = self.declare_queue()
        self.publish(queue, [b"%d" % i for i in range(total)])
        self.channel.basic_qos(prefetch_count=prefetch)
        deliveries = self.channel.consume(queue, inactivity_timeout=WAIT)
        first = next(deliveries)
        self.assertIsNotNone(first[0])
        wait_until(self.connection, lambda: self.channel.get_waiting_message_count() >= prefetch - 1,
                   what="%d deliveries" % prefetch)
        # The broker holds the rest back: they are still ready in the queue, and
        # after a round trip no more than the prefetch count has arrived.
        self.assertEqual(self.message_count(queue), total - prefetch)
        self.assertEqual(self.channel.get_waiting_message_count(), prefetch - 1)

        self.channel.basic_ack(first[0].delivery_tag)
        wait_until(self.connection, lambda: self.channel.get_waiting_message_count() >= prefetch,
                   what="one more delivery after an ack")
        self.assertEqual(self.message_count(queue), total - prefetch - 1)
        self.assertEqual(self.channel.get_waiting_message_count(), prefetch)

        received = [first[2]]
        for method, _, body in deliveries:
            self.assertIsNotNone(method, "stalled after %d messages" % len(received))
            received.append(body)
            self.channel.basic_ack(method.delivery_tag)
            if len(received) == total:
                break
        self.assertEqual(received, [b"%d" % i for i in range(total)])
        self.assertEqual(self.channel.cancel(), 0)

    def test_cancel_returns_requeued_count(self):
        queue = self.declare_queue()
        self.publish(queue, [b"1", b"2", b"3", b"4", b"5"])
        deliveries = self.channel.consume(queue, inactivity_timeout=WAIT)
        method, _, body = next(deliveries)
        self.assertEqual(body, b"1")
        wait_until(self.connection, lambda: self.channel.get_waiting_message_count() == 4,
                   what="the other four deliveries")
        # pika rejects (requeue=True) the four it holds but has not yielded.  Since
        # pika 0.10 cancel() always returns 0 ("the number of nacked messages is not
        # meaningful"), so the requeued count is read from the queue instead.
        self.assertEqual(self.channel.cancel(), 0)
        self.channel.basic_ack(method.delivery_tag)  # still valid after the cancel

        self.assertEqual(self.message_count(queue), 4)
        redelivered = []
        for _ in range(4):
            got, _, body = self.channel.basic_get(queue, auto_ack=True)
            self.assertTrue(got.redelivered)
            redelivered.append(body)
        self.assertEqual(redelivered, [b"2", b"3", b"4", b"5"])

    def test_basic_consume_callbacks_with_process_data_events(self):
        queue = self.declare_queue()
        received = []

        def on_message(channel, method, properties, body):
            received.append((method.consumer_tag, method.delivery_tag, method.routing_key,
                             properties.correlation_id, body))
            channel.basic_ack(method.delivery_tag)

        tag = self.channel.basic_consume(queue, on_message)
        publisher = self.confirm_channel()
        for i in range(3):
            publisher.basic_publish("", queue, b"cb%d" % i,
                                    pika.BasicProperties(correlation_id="c%d" % i))
        wait_until(self.connection, lambda: len(received) == 3, what="three callbacks")
        self.assertEqual(received, [(tag, i + 1, queue, "c%d" % i, b"cb%d" % i) for i in range(3)])

        self.channel.basic_cancel(tag)
        publisher.basic_publish("", queue, b"after cancel")
        self.connection.process_data_events(time_limit=0)
        self.assertEqual(self.message_count(queue), 1)
        self.assertEqual(len(received), 3)

    def test_consumer_cancelled_by_broker_when_queue_deleted(self):
        queue = self.declare_queue()
        cancelled = []
        self.channel.add_on_cancel_callback(lambda frame: cancelled.append(frame.method.consumer_tag))
        tag = self.channel.basic_consume(queue, lambda *args: None)
        other = self.connection.channel()
        other.queue_delete(queue)
        wait_until(self.connection, lambda: cancelled, what="basic.cancel from the broker")
        self.assertEqual(cancelled, [tag])
        self.assertTrue(self.channel.is_open)

    def test_nack_and_reject_with_requeue_set_redelivered(self):
        queue = self.declare_queue()
        self.publish(queue, [b"only"])

        method, _, body = self.channel.basic_get(queue)
        self.assertFalse(method.redelivered)
        self.channel.basic_nack(method.delivery_tag, requeue=True)

        method, _, body = self.channel.basic_get(queue)
        self.assertEqual(body, b"only")
        self.assertTrue(method.redelivered)
        self.channel.basic_reject(method.delivery_tag, requeue=True)

        method, _, body = self.channel.basic_get(queue)
        self.assertEqual(body, b"only")
        self.assertTrue(method.redelivered)
        self.channel.basic_reject(method.delivery_tag, requeue=False)  # discarded
        self.assertEqual(self.channel.basic_get(queue), (None, None, None))

    def test_nack_multiple_requeues_in_order(self):
        queue = self.declare_queue()
        self.publish(queue, [b"a", b"b", b"c"])
        tags = [self.channel.basic_get(queue)[0].delivery_tag for _ in range(3)]
        self.assertEqual(tags, [1, 2, 3])
        self.channel.basic_nack(tags[-1], multiple=True, requeue=True)
        again = [self.channel.basic_get(queue, auto_ack=True) for _ in range(3)]
        self.assertEqual([body for _, _, body in again], [b"a", b"b", b"c"])
        self.assertTrue(all(method.redelivered for method, _, _ in again))

    def test_unacked_messages_requeued_when_connection_closes(self):
        queue = self.declare_queue()
        self.publish(queue, [b"x", b"y"])
        consumer_connection = self.connect()
        consumer = consumer_connection.channel()
        received = []
        for method, _, body in consumer.consume(queue, inactivity_timeout=WAIT):
            self.assertIsNotNone(method)
            received.append(body)
            if len(received) == 2:
                break
        consumer_connection.close()  # never acked
        again = self.get_all(self.channel, queue)
        self.assertEqual(again, [b"x", b"y"])


class ConfirmTest(BrokerTestCase):

    def test_publisher_confirms(self):
        queue = self.declare_queue()
        self.channel.confirm_delivery()
        for i in range(20):
            self.channel.basic_publish("", queue, b"%d" % i)  # raises on nack
        self.assertEqual(self.message_count(queue), 20)

    def test_mandatory_unroutable_raises_unroutable_error(self):
        self.channel.confirm_delivery()
        exchange = self.declare_exchange("direct")
        with self.assertRaises(pika.exceptions.UnroutableError) as caught:
            self.channel.basic_publish(exchange, "nobody-bound", b"lost", mandatory=True)
        returned = caught.exception.messages
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned[0].method.reply_code, 312)
        self.assertEqual(returned[0].method.reply_text, "NO_ROUTE")
        self.assertEqual(returned[0].method.exchange, exchange)
        self.assertEqual(returned[0].method.routing_key, "nobody-bound")
        self.assertEqual(returned[0].body, b"lost")
        # Without mandatory the same publish is confirmed (and dropped).
        self.channel.basic_publish(exchange, "nobody-bound", b"dropped")
        self.assertTrue(self.channel.is_open)

    def test_publish_to_missing_exchange_closes_channel(self):
        self.channel.confirm_delivery()
        name = self.name("x")
        self.assertChannelClosed(
            404, "NOT_FOUND - no exchange '%s' in vhost '/'" % name,
            self.channel.basic_publish, name, "key", b"body")


class TransactionTest(BrokerTestCase):

    def test_tx_commit_and_rollback_publishes(self):
        queue = self.declare_queue()
        self.channel.tx_select()
        self.channel.basic_publish("", queue, b"committed")
        self.assertEqual(self.message_count(queue), 0)
        self.channel.tx_commit()
        self.assertEqual(self.message_count(queue), 1)

        self.channel.basic_publish("", queue, b"rolled back")
        self.channel.tx_rollback()
        self.assertEqual(self.message_count(queue), 1)
        self.channel.tx_commit()  # nothing pending any more
        self.assertEqual(self.message_count(queue), 1)

    def test_tx_rollback_and_commit_acks(self):
        queue = self.declare_queue()
        self.confirm_channel().basic_publish("", queue, b"m")

        channel = self.connection.channel()
        channel.tx_select()
        method, _, _ = channel.basic_get(queue)
        channel.basic_ack(method.delivery_tag)
        channel.tx_rollback()  # the ack is forgotten: still unacked
        channel.close()  # so closing the channel requeues it
        self.assertEqual(self.message_count(queue), 1)

        channel = self.connection.channel()
        channel.tx_select()
        method, _, _ = channel.basic_get(queue)
        self.assertTrue(method.redelivered)
        channel.basic_ack(method.delivery_tag)
        channel.tx_commit()
        channel.close()
        self.assertEqual(self.message_count(queue), 0)


class ChannelErrorTest(BrokerTestCase):
    """Channel errors with RabbitMQ's reply codes and texts; the connection survives them."""

    def tearDown(self):
        self.assertTrue(self.connection.is_open)

    def test_redeclare_queue_with_other_durability_is_406(self):
        queue = self.declare_queue(durable=False)
        self.assertChannelClosed(
            406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '%s' in vhost '/': "
                 "received 'true' but current is 'false'" % queue,
            self.channel.queue_declare, queue, durable=True)

    def test_ack_of_unknown_delivery_tag_is_406(self):
        self.channel.basic_ack(99)
        self.assertChannelClosed(406, "PRECONDITION_FAILED - unknown delivery tag 99",
                                 self.channel.queue_declare, "", exclusive=True)

    def test_reserved_exchange_prefix_is_403(self):
        name = "amq." + self.name("x")
        self.assertChannelClosed(
            403, "ACCESS_REFUSED - exchange name '%s' contains reserved prefix 'amq.*'" % name,
            self.channel.exchange_declare, name, "direct")

    def test_exclusive_consumer_blocks_other_consumers(self):
        queue = self.declare_queue()
        self.channel.basic_consume(queue, lambda *args: None, exclusive=True)
        other = self.connection.channel()
        self.assertChannelClosed(
            403, "ACCESS_REFUSED - queue '%s' in vhost '/' in exclusive use" % queue,
            other.basic_consume, queue, lambda *args: None)

    def test_delete_queue_if_empty_and_if_unused_is_406(self):
        queue = self.declare_queue()
        self.confirm_channel().basic_publish("", queue, b"keep me")
        self.assertChannelClosed(
            406, "PRECONDITION_FAILED - queue '%s' in vhost '/' not empty" % queue,
            self.connection.channel().queue_delete, queue, if_empty=True)
        consumer = self.connection.channel()
        consumer.basic_consume(queue, lambda *args: None)
        self.assertChannelClosed(
            406, "PRECONDITION_FAILED - queue '%s' in vhost '/' in use" % queue,
            self.connection.channel().queue_delete, queue, if_unused=True)

    def test_delete_exchange_if_unused_is_406(self):
        exchange = self.declare_exchange("direct")
        queue = self.declare_queue()
        self.channel.queue_bind(queue, exchange, routing_key="k")
        self.assertChannelClosed(
            406, "PRECONDITION_FAILED - exchange '%s' in vhost '/' in use" % exchange,
            self.channel.exchange_delete, exchange, if_unused=True)

    def test_delete_system_exchange_is_403(self):
        name = "amq." + self.name("x")
        self.assertChannelClosed(
            403, "ACCESS_REFUSED - deletion of system exchange '%s' in vhost '/' not allowed" % name,
            self.channel.exchange_delete, name)

    def test_delete_missing_exchange_and_queue_is_ok(self):
        self.channel.exchange_delete(self.name("x"))
        self.channel.queue_delete(self.name())

    def test_default_exchange_cannot_be_bound(self):
        queue = self.declare_queue()
        self.assertChannelClosed(
            403, "ACCESS_REFUSED - operation not permitted on the default exchange",
            self.channel.queue_bind, queue, "", routing_key="k")

    def test_prefetch_size_is_not_implemented(self):
        with self.assertRaises(pika.exceptions.ConnectionClosedByBroker) as caught:
            self.channel.basic_qos(prefetch_size=1000)
        self.assertEqual(caught.exception.reply_code, 540)
        self.assertEqual(caught.exception.reply_text, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)")
        self.connection = self.connect()  # for tearDown: this one is gone

    def test_bind_to_missing_exchange_is_404(self):
        queue = self.declare_queue()
        name = self.name("x")
        self.assertChannelClosed(404, "NOT_FOUND - no exchange '%s' in vhost '/'" % name,
                                 self.channel.queue_bind, queue, name, routing_key="k")


class RabbitExtensionTest(BrokerTestCase):
    """RabbitMQ extensions that clients rely on, seen through pika."""

    def setUp(self):
        super().setUp()
        self.publisher = self.confirm_channel()

    def test_dead_letter_on_reject_adds_x_death(self):
        dlx = self.declare_exchange("fanout")
        dead = self.declare_queue()
        self.channel.queue_bind(dead, dlx)
        queue = self.declare_queue(arguments={"x-dead-letter-exchange": dlx})
        self.publisher.basic_publish("", queue, b"doomed",
                                     pika.BasicProperties(headers={"mine": "kept"}))
        method, _, _ = self.channel.basic_get(queue)
        self.channel.basic_reject(method.delivery_tag, requeue=False)

        got = None
        deadline = time.monotonic() + WAIT
        while got is None and time.monotonic() < deadline:  # dead-lettering is asynchronous
            got, properties, body = self.channel.basic_get(dead, auto_ack=True)
        self.assertIsNotNone(got, "nothing dead-lettered within %s s" % WAIT)
        self.assertEqual(body, b"doomed")
        self.assertEqual(got.routing_key, queue)
        headers = properties.headers
        self.assertEqual(headers["mine"], "kept")
        self.assertEqual(headers["x-first-death-queue"], queue)
        self.assertEqual(headers["x-first-death-reason"], "rejected")
        self.assertEqual(headers["x-first-death-exchange"], "")
        [death] = headers["x-death"]
        self.assertEqual(death["count"], 1)
        self.assertEqual(death["reason"], "rejected")
        self.assertEqual(death["queue"], queue)
        self.assertEqual(death["exchange"], "")
        self.assertEqual(death["routing-keys"], [queue])

    def test_dead_letter_on_expiry_with_zero_queue_ttl(self):
        dlx = self.declare_exchange("direct")
        dead = self.declare_queue()
        self.channel.queue_bind(dead, dlx, routing_key="expired")
        queue = self.declare_queue(arguments={"x-message-ttl": 0, "x-dead-letter-exchange": dlx,
                                              "x-dead-letter-routing-key": "expired"})
        self.publisher.basic_publish("", queue, b"short-lived")
        got = None
        deadline = time.monotonic() + WAIT
        while got is None and time.monotonic() < deadline:  # dead-lettering is asynchronous
            got, properties, body = self.channel.basic_get(dead, auto_ack=True)
        self.assertIsNotNone(got, "nothing dead-lettered within %s s" % WAIT)
        self.assertEqual(body, b"short-lived")
        self.assertEqual(got.routing_key, "expired")
        self.assertEqual(properties.headers["x-first-death-reason"], "expired")
        [death] = properties.headers["x-death"]
        self.assertEqual((death["reason"], death["queue"], death["count"]), ("expired", queue, 1))
        self.assertEqual(self.message_count(queue), 0)

    def test_max_length_drops_oldest(self):
        queue = self.declare_queue(arguments={"x-max-length": 2})
        for body in (b"1", b"2", b"3"):
            self.publisher.basic_publish("", queue, body)
        self.assertEqual(self.get_all(self.channel, queue), [b"2", b"3"])

    def test_max_length_reject_publish_nacks(self):
        queue = self.declare_queue(arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
        self.publisher.basic_publish("", queue, b"fits")
        with self.assertRaises(pika.exceptions.NackError):
            self.publisher.basic_publish("", queue, b"refused")
        self.assertEqual(self.get_all(self.channel, queue), [b"fits"])

    def test_per_message_ttl_zero_expires_without_consumer(self):
        queue = self.declare_queue()
        self.publisher.basic_publish("", queue, b"gone", pika.BasicProperties(expiration="0"))
        self.publisher.basic_publish("", queue, b"stays")
        self.assertEqual(self.get_all(self.channel, queue), [b"stays"])

    def test_priority_queue_delivers_highest_first(self):
        queue = self.declare_queue(arguments={"x-max-priority": 10})
        for priority in (1, 5, 3, 9, 0):
            self.publisher.basic_publish("", queue, b"p%d" % priority,
                                         pika.BasicProperties(priority=priority))
        self.assertEqual(self.get_all(self.channel, queue), [b"p9", b"p5", b"p3", b"p1", b"p0"])

    def test_alternate_exchange_receives_unroutable(self):
        alternate = self.declare_exchange("fanout")
        catch_all = self.declare_queue()
        self.channel.queue_bind(catch_all, alternate)
        exchange = self.declare_exchange("direct", arguments={"alternate-exchange": alternate})
        self.publisher.basic_publish(exchange, "nobody", b"caught", mandatory=True)  # no return
        self.assertEqual(self.get_all(self.channel, catch_all), [b"caught"])

    def test_auto_delete_queue_goes_with_last_consumer(self):
        queue = self.declare_queue(auto_delete=True)
        tag = self.channel.basic_consume(queue, lambda *args: None)
        self.channel.basic_cancel(tag)
        self.assertChannelClosed(404, "NOT_FOUND - no queue '%s' in vhost '/'" % queue,
                                 self.connection.channel().queue_declare, queue, passive=True)

    def test_predeclared_amq_exchanges(self):
        for name in ("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"):
            with self.subTest(exchange=name):
                self.channel.exchange_declare(name, passive=True)
        queue = self.declare_queue()
        self.channel.queue_bind(queue, "amq.topic", routing_key=queue + ".#")
        self.publisher.basic_publish("amq.topic", queue + ".x.y", b"via amq.topic")
        self.assertEqual(self.get_all(self.channel, queue), [b"via amq.topic"])

    def test_equivalent_redeclare_of_predeclared_exchange(self):
        for name, exchange_type in (("amq.direct", "direct"), ("amq.fanout", "fanout"),
                                    ("amq.topic", "topic"), ("amq.headers", "headers"),
                                    ("amq.match", "headers")):
            self.connection.channel().exchange_declare(name, exchange_type, durable=True)

    def test_inequivalent_redeclare_of_predeclared_exchange_is_406(self):
        self.assertChannelClosed(
            406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'amq.direct' in "
                 "vhost '/': received 'fanout' but current is 'direct'",
            self.channel.exchange_declare, "amq.direct", "fanout", durable=True)

    def test_direct_reply_to(self):
        server_queue = self.declare_queue()
        replies = []
        self.channel.basic_consume("amq.rabbitmq.reply-to",
                                   lambda ch, method, props, body: replies.append((props, body)),
                                   auto_ack=True)
        self.channel.basic_publish("", server_queue, b"ping",
                                   pika.BasicProperties(reply_to="amq.rabbitmq.reply-to",
                                                        correlation_id="rpc-1"))
        server = self.connect().channel()
        method = None
        deadline = time.monotonic() + WAIT
        while method is None and time.monotonic() < deadline:
            method, request, body = server.basic_get(server_queue, auto_ack=True)
        self.assertIsNotNone(method, "the request never arrived")
        self.assertEqual(body, b"ping")
        self.assertTrue(request.reply_to.startswith("amq.rabbitmq.reply-to."), request.reply_to)
        server.basic_publish("", request.reply_to, b"pong",
                             pika.BasicProperties(correlation_id=request.correlation_id))
        wait_until(self.connection, lambda: replies, what="the direct reply")
        self.assertEqual(replies[0][1], b"pong")
        self.assertEqual(replies[0][0].correlation_id, "rpc-1")

    def test_basic_recover_requeues_unacked(self):
        queue = self.declare_queue()
        self.publisher.basic_publish("", queue, b"again")
        method, _, _ = self.channel.basic_get(queue)
        self.assertFalse(method.redelivered)
        self.channel.basic_recover(requeue=True)
        method, _, body = self.channel.basic_get(queue, auto_ack=True)
        self.assertEqual(body, b"again")
        self.assertTrue(method.redelivered)


class ExclusiveQueueTest(BrokerTestCase):

    def locked_text(self, queue):
        return ("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'."
                " It could be originally declared on another connection or the exclusive property"
                " value does not match that of the original declaration." % queue)

    def test_exclusive_queue_is_locked_for_other_connections(self):
        queue = self.declare_queue(exclusive=True)
        other = self.connect()
        self.assertChannelClosed(405, self.locked_text(queue),
                                 other.channel().queue_declare, queue, exclusive=True)
        self.assertChannelClosed(405, self.locked_text(queue),
                                 other.channel().queue_declare, queue, passive=True)
        self.assertChannelClosed(405, self.locked_text(queue),
                                 other.channel().basic_consume, queue, lambda *args: None)
        self.assertTrue(other.is_open)
        # The owner still uses it freely, from any of its channels.
        self.connection.channel().basic_publish("", queue, b"mine")
        self.assertEqual(self.get_all(self.connection.channel(), queue), [b"mine"])

    def test_exclusive_queue_deleted_when_owner_closes(self):
        owner = self.connect()
        queue = self.declare_queue(channel=owner.channel(), exclusive=True)
        owner.close()
        self.assertChannelClosed(404, "NOT_FOUND - no queue '%s' in vhost '/'" % queue,
                                 self.channel.queue_declare, queue, passive=True)


class ConnectionTest(BrokerTestCase):

    def test_wrong_password_is_refused(self):
        ep = BROKER.endpoint
        with self.assertRaises((pika.exceptions.ProbableAuthenticationError,
                                pika.exceptions.AuthenticationError)) as caught:
            pika.BlockingConnection(connection_parameters(
                credentials=pika.PlainCredentials(ep.username, ep.password + "-wrong")))
        self.assertIn("ACCESS_REFUSED", str(caught.exception))

    def test_unknown_vhost_is_refused(self):
        vhost = self.name("vhost")
        with self.assertRaises((pika.exceptions.ProbableAccessDeniedError,
                                pika.exceptions.ConnectionClosedByBroker)) as caught:
            pika.BlockingConnection(connection_parameters(virtual_host=vhost))
        error = caught.exception
        if isinstance(error, pika.exceptions.ConnectionClosedByBroker):
            self.assertEqual(error.reply_code, 530)
        self.assertIn("530", str(error))
        self.assertIn("NOT_ALLOWED - vhost %s not found" % vhost, str(error))

    def test_heartbeat_negotiated_and_connection_survives(self):
        connection = self.connect(heartbeat=1)
        impl = connection._impl
        self.assertEqual(impl.params.heartbeat, 1)
        checker = impl._heartbeat_checker
        self.assertIsNotNone(checker)
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline:
            connection.process_data_events(time_limit=max(0, min(0.25, deadline - time.monotonic())))
            self.assertTrue(connection.is_open)
        self.assertGreater(checker._heartbeat_frames_sent, 0)
        # The broker keeps the idle connection alive with heartbeats of its own.
        self.assertGreater(checker._heartbeat_frames_received, 0)
        channel = connection.channel()
        ok = channel.queue_declare("", exclusive=True)
        self.assertTrue(ok.method.queue)
        connection.close()

    def count_broker_heartbeats(self, heartbeat, seconds):
        connection = self.connect(heartbeat=heartbeat)
        self.assertEqual(connection._impl.params.heartbeat, heartbeat)
        checker = connection._impl._heartbeat_checker
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            connection.process_data_events(time_limit=max(0, min(0.25, deadline - time.monotonic())))
        self.assertTrue(connection.is_open)
        connection.close()
        return checker._heartbeat_frames_received

    def test_heartbeat_rate_for_one_second_interval(self):
        received = self.count_broker_heartbeats(1, 3.0)
        self.assertGreaterEqual(received, 1)
        self.assertLessEqual(received, 12)  # at most ~2 a second, with slack

    def test_heartbeat_rate_for_two_second_interval(self):
        received = self.count_broker_heartbeats(2, 3.0)
        self.assertGreaterEqual(received, 1)
        self.assertLessEqual(received, 6)

    def test_server_properties_and_tuning(self):
        impl = self.connection._impl
        properties = impl.server_properties
        self.assertEqual(properties["product"], "RabbitMQ")
        capabilities = impl.server_capabilities
        for capability in ("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                           "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                           "authentication_failure_close", "per_consumer_qos", "direct_reply_to"):
            self.assertIs(capabilities.get(capability), True, capability)
        # What RabbitMQ proposes by default, accepted by pika's defaults.
        self.assertEqual(impl.params.channel_max, 2047)
        self.assertEqual(impl.params.frame_max, 131072)
        self.assertEqual(impl.params.heartbeat, 60)

    def test_clean_connection_close(self):
        connection = self.connect()
        channel = connection.channel()
        queue = self.declare_queue(channel=channel)
        second = connection.channel()
        second.close()
        self.assertTrue(second.is_closed)
        self.assertTrue(channel.is_open)
        connection.close()
        self.assertTrue(connection.is_closed)
        self.assertTrue(channel.is_closed)
        with self.assertRaises(pika.exceptions.ConnectionWrongStateError):
            connection.close()
        # The broker carries on serving others.
        self.assertEqual(self.message_count(queue), 0)
        self.assertTrue(BROKER.is_running())

    def test_channel_numbers_are_independent(self):
        channels = [self.connection.channel() for _ in range(10)]
        queue = self.declare_queue()
        for i, channel in enumerate(channels):
            channel.basic_publish("", queue, b"%d" % i)
        channels[3].close()
        self.assertEqual(sorted(self.get_all(channels[0], queue)), sorted(b"%d" % i for i in range(10)))


class AsyncAdapterTest(BrokerTestCase):
    """One publish/consume/ack flow through pika's callback-style adapters."""

    def run_flow(self, connection_class, **connection_kwargs):
        queue = self.name()
        state = {"received": [], "error": None, "closed": False}
        bodies = [b"async-%d" % i for i in range(3)]

        def fail(error):
            if state["error"] is None:
                state["error"] = error
            stop()

        def stop():
            connection.ioloop.stop()  # an IOLoop or an asyncio loop: both have stop()

        def on_open(conn):
            conn.channel(on_open_callback=on_channel)

        def on_channel(channel):
            channel.add_on_close_callback(
                lambda ch, reason: None if state["closed"] else fail(reason))
            channel.queue_declare(queue, auto_delete=True,
                                  callback=lambda frame: on_declared(channel))

        def on_declared(channel):
            channel.confirm_delivery(ack_nack_callback=lambda frame: None)
            for body in bodies:
                channel.basic_publish("", queue, body)
            channel.basic_consume(queue, lambda ch, method, props, body: on_message(ch, method, body))

        def on_message(channel, method, body):
            state["received"].append(body)
            channel.basic_ack(method.delivery_tag)
            if len(state["received"]) == len(bodies):
                state["closed"] = True
                connection.close()

        def on_closed(conn, reason):
            if not state["closed"]:
                fail(reason)
            else:
                stop()

        connection = connection_class(
            connection_parameters(),
            on_open_callback=on_open,
            on_open_error_callback=lambda conn, error: fail(error),
            on_close_callback=on_closed,
            **connection_kwargs)
        timer = connection.ioloop.call_later(WAIT, lambda: fail("timed out"))
        return connection, state, bodies, timer

    def test_select_connection_flow(self):
        connection, state, bodies, timer = self.run_flow(pika.SelectConnection)
        self.addCleanup(connection.ioloop.close)
        connection.ioloop.start()
        connection.ioloop.remove_timeout(timer)
        self.assertIsNone(state["error"])
        self.assertEqual(state["received"], bodies)
        self.assertTrue(connection.is_closed)

    def test_asyncio_connection_flow(self):
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)
        connection, state, bodies, timer = self.run_flow(AsyncioConnection, custom_ioloop=loop)
        loop.run_forever()
        timer.cancel()
        self.assertIsNone(state["error"])
        self.assertEqual(state["received"], bodies)
        self.assertTrue(connection.is_closed)


def main():
    global BROKER
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: %s FAKEBROKER_BINARY|amqp://URL [unittest options]" % sys.argv[0])
    BROKER = fakebroker_process.broker_for(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
