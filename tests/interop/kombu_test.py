#!/usr/bin/env python3
"""kombu (Debian's python3-kombu over its py-amqp transport) against the broker.

Usage:
    kombu_test.py PATH/TO/fakebroker               # starts a broker on free ports
    kombu_test.py --url amqp://guest:guest@127.0.0.1:5672/   # a running RabbitMQ

Named checks, each printing what it expected and what it saw, written the way
kombu applications are: Connection, Exchange, Queue, a Producer on a connection
with the confirm_publish transport option, Consumer with manual acks,
SimpleQueue; unbinding after a delete; and (fake broker only) kombu's own retry
features under faults posted to /api/faults: a publish made with
``connection.ensure`` and a ConsumerMixin worker both carry on after the broker
closes their connections.  Needs /usr/bin/python3 with python3-kombu.
Every wait is bounded.
"""

import os
import sys
import threading

from amqp import exceptions
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.mixins import ConsumerMixin

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import (HEADERS_BINDINGS, HEADERS_MESSAGES, ROUTED, TOPIC_BINDINGS, TOPIC_KEYS,  # noqa: E402
                                CheckFailed, check, run_checks)

WAIT = 10.0  # seconds for one expected event


def connect(c, name=None, confirm=False):
    options = {"read_timeout": WAIT, "write_timeout": WAIT}
    if confirm:
        options["confirm_publish"] = True
    if name:
        options["client_properties"] = {"connection_name": name}
    connection = Connection(c.url, connect_timeout=WAIT, transport_options=options)
    connection.ensure_connection(max_retries=1)
    return connection


def ready_count(channel, queue_name):
    return Queue(queue_name, channel=channel).queue_declare(passive=True).message_count


def get_all(bound_queue):
    bodies = []
    while True:
        message = bound_queue.get(no_ack=True)
        if message is None:
            return sorted(bodies)
        bodies.append(message.payload)


@check("confirms_and_manual_acks")
def confirms_and_manual_acks(c):
    count = 25
    queue = Queue(c.name("kombu.work"), auto_delete=False)
    with connect(c, confirm=True) as connection:
        producer = Producer(connection, serializer="json")
        try:
            confirmed = 0
            for i in range(count):
                # With confirm_publish, publish returns once the broker acked (or raises on a nack).
                producer.publish({"job": i}, exchange="", routing_key=queue.name, declare=[queue],
                                 delivery_mode=2, timeout=WAIT)
                confirmed += 1
            c.expect("publishes confirmed", count, confirmed)

            received = []
            channel = connection.channel()

            def on_message(body, message):
                received.append(body["job"])
                message.ack()

            with Consumer(channel, queues=[queue], callbacks=[on_message], accept=["json"], prefetch_count=10):
                c.drain_until(connection, lambda: len(received) >= count, "every message was delivered")
            c.expect("jobs consumed in order", list(range(count)), received)
            channel.close()  # requeues anything left unacked
            c.expect("ready messages after the acks and a channel close", 0,
                     ready_count(connection.default_channel, queue.name))
        finally:
            queue(connection.default_channel).delete()


@check("channel_error_then_carry_on")
def channel_error_then_carry_on(c):
    missing = c.name("kombu.missing")
    with connect(c, confirm=True) as connection:
        try:
            Queue(missing, channel=connection.channel()).queue_declare(passive=True)
            raise CheckFailed("a passive declare of a missing queue was answered")
        except connection.channel_errors as e:
            c.expect("error of a passive declare of a missing queue (one of connection.channel_errors)",
                     ("NotFound", 404, "NOT_FOUND - no queue '%s' in vhost '/'" % missing),
                     (type(e).__name__, e.reply_code, e.reply_text))
        producer = Producer(connection.channel())
        try:
            producer.publish(b"lost", exchange=missing, routing_key="x", timeout=WAIT)
            raise CheckFailed("a confirmed publish to a missing exchange returned")
        except connection.channel_errors as e:
            c.expect("error of a publish to a missing exchange",
                     ("NotFound", 404, "NOT_FOUND - no exchange '%s' in vhost '/'" % missing),
                     (type(e).__name__, e.reply_code, e.reply_text))
        c.expect("connection still usable", True, connection.connected)
        simple_name = c.name("kombu.after-error")
        simple = connection.SimpleQueue(simple_name)
        try:
            simple.put({"still": "working"})
            message = simple.get(block=True, timeout=WAIT)
            message.ack()
            c.expect("message through a SimpleQueue on a new channel", {"still": "working"}, message.payload)
        finally:
            simple.close()
            # SimpleQueue declares a direct exchange of the queue's name as well.
            Queue(simple_name, channel=connection.default_channel).delete()
            Exchange(simple_name, channel=connection.default_channel).delete()


@check("close_with_publishes_just_written")
def close_with_publishes_just_written(c):
    count = 2000
    queue = Queue(c.name("kombu.buffered"), auto_delete=False)
    with connect(c) as checker:
        queue(checker.default_channel).declare()
        try:
            connection = connect(c)
            producer = Producer(connection, serializer="raw")
            for _ in range(count):
                producer.publish(b"x" * 200, exchange="", routing_key=queue.name)
            connection.release()  # at once, right behind the last publish
            c.expect("connection closed cleanly", False, connection.connected)
            c.wait_until(lambda: ready_count(checker.default_channel, queue.name) == count,
                         "every publish is in the queue")
            c.expect("messages in the queue from a fresh connection", count,
                     ready_count(checker.default_channel, queue.name))
        finally:
            queue(checker.default_channel).delete()


@check("server_named_and_exclusive_queues")
def server_named_and_exclusive_queues(c):
    owner = connect(c)
    other = connect(c)
    try:
        reply_queue = Queue("", exclusive=True, channel=owner.channel())
        reply_queue.declare()
        name = reply_queue.name
        c.expect_true("server-named queue starts with amq.gen-", name.startswith("amq.gen-"), name)
        try:
            Queue(name, channel=other.channel()).queue_declare(passive=True)
            raise CheckFailed("another connection declared the exclusive queue")
        except other.channel_errors as e:
            c.expect("error of another connection's passive declare", ("ResourceLocked", 405),
                     (type(e).__name__, e.reply_code))
            c.expect_true("text says RESOURCE_LOCKED", e.reply_text.startswith(
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s'" % name), e.reply_text)
        try:
            Queue(name, exclusive=True, channel=other.channel()).declare()
            raise CheckFailed("another connection declared the server-named queue")
        except other.channel_errors as e:
            # RabbitMQ refuses the reserved prefix before it looks at the owner.
            c.expect("error of another connection's declare of the amq.gen- name",
                     ("AccessRefused", 403, "ACCESS_REFUSED - queue name '%s' contains reserved prefix 'amq.*'" % name),
                     (type(e).__name__, e.reply_code, e.reply_text))
        owner.release()

        def gone():
            try:
                ready_count(other.channel(), name)
                return False
            except exceptions.NotFound:
                return True

        c.expect("exclusive queue gone after its connection closed", True,
                 c.wait_until(gone, "the exclusive queue is deleted"))
    finally:
        owner.release()
        other.release()


@check("topic_and_headers_routing")
def topic_and_headers_routing(c):
    topic = Exchange(c.name("kombu.topic"), type="topic", auto_delete=False)
    headers = Exchange(c.name("kombu.headers"), type="headers", auto_delete=False)
    queues = {binding: Queue(c.name("kombu.routed-%d" % i), topic, routing_key=binding)
              for i, binding in enumerate(TOPIC_BINDINGS)}
    for binding, arguments in HEADERS_BINDINGS.items():
        queues[binding] = Queue(c.name("kombu.routed-%d" % len(queues)), headers, binding_arguments=arguments)
    with connect(c, confirm=True) as connection:
        channel = connection.default_channel
        bound = {binding: q(channel) for binding, q in queues.items()}
        try:
            for q in bound.values():
                q.declare()
            producer = Producer(channel, serializer="json")
            for key in TOPIC_KEYS:
                producer.publish(key, exchange=topic, routing_key=key)
            for body, hdrs in HEADERS_MESSAGES:
                producer.publish(body, exchange=headers, routing_key="", headers=hdrs)
            for binding, q in bound.items():
                c.expect("messages in the %r queue" % binding, ROUTED[binding], get_all(q))
        finally:
            for q in bound.values():
                q.delete()
            topic(channel).delete()
            headers(channel).delete()


@check("unbind_after_delete")
def unbind_after_delete(c):
    exchange = Exchange(c.name("kombu.cleanup"), type="direct", auto_delete=False)
    source = Exchange(c.name("kombu.cleanup-source"), type="direct", auto_delete=False)
    queue = Queue(c.name("kombu.cleanup"), exchange, routing_key="k")
    with connect(c) as connection:
        channel = connection.default_channel
        bound_exchange, bound_source, bound_queue = exchange(channel), source(channel), queue(channel)
        errors = connection.channel_errors
        bound_source.declare()
        bound_queue.declare()  # declares the exchange and binds too
        bound_exchange.bind_to(source, routing_key="k")
        bound_queue.delete()
        outcomes = [c.outcome("queue.unbind_from of a deleted queue",
                              lambda: bound_queue.unbind_from(exchange, "k"), errors, "unbind-ok")]
        bound_source.delete()
        outcomes.append(c.outcome("exchange.unbind_from a deleted source",
                                  lambda: bound_exchange.unbind_from(source, "k"), errors, "unbind-ok"))
        bound_exchange.delete()
        outcomes.append(c.outcome("queue.unbind_from a deleted exchange",
                                  lambda: bound_queue.unbind_from(exchange, "k"), errors, "unbind-ok"))
        c.expect("answers to the three unbinds", ["unbind-ok"] * 3, outcomes)
        bound_exchange.delete()
        bound_source.delete()


class Worker(ConsumerMixin):
    """The kombu worker shape: ConsumerMixin reconnects and consumes again by itself."""

    def __init__(self, connection, queue):
        self.connection = connection
        self.queue = queue
        self.received = []
        self.connected = 0
        self.ready = threading.Event()

    def get_consumers(self, consumer_class, channel):
        return [consumer_class(queues=[self.queue], callbacks=[self.on_message], accept=["json"])]

    def on_connection_revived(self):
        self.connected += 1

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.ready.set()

    def on_connection_error(self, exc, interval):
        pass  # ensure_connection retries; the check looks at what arrives

    def on_message(self, body, message):
        self.received.append(body)
        message.ack()


@check("ensure_and_consumer_mixin_under_faults", needs_faults=True)
def ensure_and_consumer_mixin_under_faults(c):
    producer_name = "kombu-producer-" + c.run_id
    worker_name = "kombu-worker-" + c.run_id
    queue = Queue(c.name("kombu.fault"), auto_delete=False)
    forced = "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"
    c.api.add_faults([
        {"on": "method_received", "connection": producer_name, "method": "basic.publish", "nth": 3,
         "then": {"action": "close_connection", "code": 320, "text": forced}},
        {"on": "method_received", "connection": worker_name, "method": "basic.ack", "nth": 2,
         "then": {"action": "close_connection", "code": 320, "text": forced}},
    ])
    count = 8
    worker = Worker(connect(c, name=worker_name), queue)
    thread = threading.Thread(target=worker.run, kwargs={"safety_interval": 0.2}, daemon=True)
    thread.start()
    try:
        c.expect("worker consuming", True, worker.ready.wait(WAIT))
        with connect(c, name=producer_name, confirm=True) as connection:
            producer = Producer(connection, serializer="json")
            errors = []
            publish = connection.ensure(producer, producer.publish, max_retries=3, interval_start=0,
                                        errback=lambda exc, interval: errors.append(exc))
            for i in range(count):
                publish({"n": i}, exchange="", routing_key=queue.name, declare=[queue], timeout=WAIT)
            c.expect("errors connection.ensure retried after", [(320, forced)],
                     [(getattr(e, "reply_code", None), getattr(e, "reply_text", repr(e))) for e in errors])
            c.wait_until(lambda: len({m["n"] for m in worker.received}) >= count, "the worker got every message")
            c.expect("messages the worker consumed", list(range(count)), sorted({m["n"] for m in worker.received}))
            c.expect("worker connections (its first and its reconnect)", 2, worker.connected)
            c.expect("faults fired", 2, len(c.api.faults()["fired"]))
            worker.should_stop = True
            thread.join(WAIT)
            c.expect("worker stopped", False, thread.is_alive())
            queue(connection.default_channel).delete()
    finally:
        worker.should_stop = True
        thread.join(WAIT)


CHECKS = [confirms_and_manual_acks, channel_error_then_carry_on, close_with_publishes_just_written,
          server_named_and_exclusive_queues, topic_and_headers_routing, unbind_after_delete,
          ensure_and_consumer_mixin_under_faults]

if __name__ == "__main__":
    run_checks("kombu", CHECKS)
