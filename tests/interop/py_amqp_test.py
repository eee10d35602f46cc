#!/usr/bin/env python3
"""py-amqp (Debian's python3-amqp, the transport under Celery and kombu) against the broker.

Usage:
    py_amqp_test.py PATH/TO/fakebroker               # starts a broker on free ports
    py_amqp_test.py --url amqp://guest:guest@127.0.0.1:5672/   # a running RabbitMQ

Named checks, each printing what it expected and what it saw: publisher confirms
with manual acks, a channel error and carrying on, closing with publishes just
written, server-named and exclusive queues, topic and headers routing, unbinding
after a delete, and (fake broker only) a connection closed by a fault rule, after
which the application reconnects itself, as py-amqp has no reconnect of its own.
Needs /usr/bin/python3 with python3-amqp. Every wait is bounded.
"""

import os
import sys

import amqp
from amqp import exceptions

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import (HEADERS_BINDINGS, HEADERS_MESSAGES, ROUTED, TOPIC_BINDINGS, TOPIC_KEYS,  # noqa: E402
                                CheckFailed, check, run_checks)

WAIT = 10.0  # seconds for one expected event


def connect(c, name=None, **options):
    ep = c.endpoint
    properties = {"connection_name": name} if name else {}
    connection = amqp.Connection(
        host="%s:%d" % (ep.host, ep.port), userid=ep.username, password=ep.password,
        virtual_host=ep.vhost, connect_timeout=WAIT, read_timeout=WAIT, write_timeout=WAIT,
        client_properties=properties, **options)
    connection.connect()
    return connection


def ready_count(channel, queue):
    """The queue's ready messages, as a passive queue.declare reports them."""
    return channel.queue_declare(queue, passive=True).message_count


def get_all(channel, queue):
    bodies = []
    while True:
        message = channel.basic_get(queue, no_ack=True)
        if message is None:
            return sorted(bodies)
        bodies.append(message.body.decode() if isinstance(message.body, bytes) else message.body)


@check("confirms_and_manual_acks")
def confirms_and_manual_acks(c):
    count = 25
    queue = c.name("pyamqp.work")
    with connect(c) as connection:
        channel = connection.channel()
        channel.queue_declare(queue, auto_delete=False)
        try:
            channel.confirm_select()
            acked = set()

            def on_ack(delivery_tag, multiple):
                if multiple:
                    acked.update(range(1, delivery_tag + 1))
                else:
                    acked.add(delivery_tag)

            nacked = []
            channel.events["basic_ack"].add(on_ack)
            channel.events["basic_nack"].add(lambda tag, multiple: nacked.append(tag))
            for i in range(count):
                channel.basic_publish(amqp.Message("job %d" % i, delivery_mode=2), exchange="", routing_key=queue)
            c.drain_until(connection, lambda: len(acked) >= count or nacked, "every publish was confirmed")
            c.expect("confirmed delivery tags", set(range(1, count + 1)), acked)
            c.expect("nacked delivery tags", [], nacked)

            consumer = connection.channel()
            consumer.basic_qos(prefetch_size=0, prefetch_count=10, a_global=False)
            received = []

            def on_message(message):
                received.append(message.body)
                message.channel.basic_ack(message.delivery_tag)

            tag = consumer.basic_consume(queue, callback=on_message, no_ack=False)
            c.drain_until(connection, lambda: len(received) >= count, "every message was delivered")
            c.expect("bodies consumed in order", ["job %d" % i for i in range(count)], received)
            consumer.basic_cancel(tag)
            # Closing the channel requeues whatever it left unacked: a count of 0 after the
            # close shows that every ack was taken.
            consumer.close()
            c.expect("ready messages after the acks and a channel close", 0, ready_count(channel, queue))
        finally:
            channel.queue_delete(queue)


@check("channel_error_then_carry_on")
def channel_error_then_carry_on(c):
    missing = c.name("pyamqp.missing")
    queue = c.name("pyamqp.after-error")
    with connect(c) as connection:
        channel = connection.channel()
        try:
            channel.queue_declare(missing, passive=True)
            raise CheckFailed("a passive declare of a missing queue was answered")
        except exceptions.NotFound as e:
            c.expect("error of a passive declare of a missing queue",
                     (404, "NOT_FOUND - no queue '%s' in vhost '/'" % missing), (e.reply_code, e.reply_text))

        # A publish to a missing exchange on a confirm channel: the broker closes the channel.
        confirming = connection.channel()
        confirming.confirm_select()
        confirming.basic_publish(amqp.Message("lost"), exchange=missing, routing_key="x")
        try:
            c.drain_until(connection, lambda: False, "the channel close", timeout=WAIT)
        except exceptions.NotFound as e:
            c.expect("error of a publish to a missing exchange",
                     (404, "NOT_FOUND - no exchange '%s' in vhost '/'" % missing), (e.reply_code, e.reply_text))
        except CheckFailed:
            raise CheckFailed("no channel.close after a publish to a missing exchange")

        c.expect("connection still open", True, connection.connected)
        fresh = connection.channel()
        fresh.queue_declare(queue)
        try:
            fresh.basic_publish(amqp.Message("still working"), exchange="", routing_key=queue)
            message = c.wait_until(lambda: fresh.basic_get(queue, no_ack=True), "the message can be got")
            c.expect("message through a new channel on the same connection", "still working", message.body)
        finally:
            fresh.queue_delete(queue)


@check("close_with_publishes_just_written")
def close_with_publishes_just_written(c):
    count = 2000
    queue = c.name("pyamqp.buffered")
    with connect(c) as checker:
        ch = checker.channel()
        ch.queue_declare(queue, auto_delete=False)
        try:
            connection = connect(c)
            channel = connection.channel()
            body = "x" * 200
            for _ in range(count):
                channel.basic_publish(amqp.Message(body), exchange="", routing_key=queue)
            connection.close()  # at once: connection.close right behind the last publish
            c.expect("connection closed cleanly", False, bool(connection.connected))
            c.wait_until(lambda: ready_count(ch, queue) == count, "every publish is in the queue")
            c.expect("messages in the queue from a fresh connection", count, ready_count(ch, queue))
        finally:
            ch.queue_delete(queue)


@check("server_named_and_exclusive_queues")
def server_named_and_exclusive_queues(c):
    owner = connect(c)
    other = connect(c)
    try:
        declared = owner.channel().queue_declare("", exclusive=True)
        name = declared.queue
        c.expect_true("server-named queue starts with amq.gen-", name.startswith("amq.gen-"), name)
        try:
            other.channel().queue_declare(name, passive=True)
            raise CheckFailed("another connection declared the exclusive queue")
        except exceptions.ResourceLocked as e:
            c.expect("error of another connection's passive declare", 405, e.reply_code)
            c.expect_true("text says RESOURCE_LOCKED", e.reply_text.startswith("RESOURCE_LOCKED - cannot obtain "
                          "exclusive access to locked queue '%s'" % name), e.reply_text)
        try:
            other.channel().basic_consume(name, callback=lambda m: None)
            raise CheckFailed("another connection consumed from the exclusive queue")
        except exceptions.ResourceLocked as e:
            c.expect("error of another connection's basic.consume", 405, e.reply_code)
        owner.close()

        def gone():
            try:
                other.channel().queue_declare(name, passive=True)
                return False
            except exceptions.NotFound:
                return True

        c.expect("exclusive queue gone after its connection closed", True,
                 c.wait_until(gone, "the exclusive queue is deleted"))
    finally:
        if owner.connected:
            owner.close()
        other.close()


@check("topic_and_headers_routing")
def topic_and_headers_routing(c):
    topic = c.name("pyamqp.topic")
    headers = c.name("pyamqp.headers")
    queues = {binding: c.name("pyamqp.routed-%d" % i) for i, binding in enumerate(ROUTED)}
    with connect(c) as connection:
        ch = connection.channel()
        ch.confirm_select()
        try:
            ch.exchange_declare(topic, "topic", auto_delete=False)
            ch.exchange_declare(headers, "headers", auto_delete=False)
            for queue in queues.values():
                ch.queue_declare(queue)
            for binding in TOPIC_BINDINGS:
                ch.queue_bind(queues[binding], topic, routing_key=binding)
            for binding, arguments in HEADERS_BINDINGS.items():
                ch.queue_bind(queues[binding], headers, arguments=arguments)
            for key in TOPIC_KEYS:
                ch.basic_publish(amqp.Message(key), exchange=topic, routing_key=key)
            for body, hdrs in HEADERS_MESSAGES:
                ch.basic_publish(amqp.Message(body, application_headers=hdrs), exchange=headers, routing_key="")
            for binding, queue in queues.items():
                c.expect("messages in the %r queue" % binding, ROUTED[binding], get_all(ch, queue))
        finally:
            for queue in queues.values():
                ch.queue_delete(queue)
            ch.exchange_delete(topic)
            ch.exchange_delete(headers)


@check("unbind_after_delete")
def unbind_after_delete(c):
    exchange = c.name("pyamqp.cleanup")
    source = c.name("pyamqp.cleanup-source")
    queue = c.name("pyamqp.cleanup")
    with connect(c) as connection:
        ch = connection.channel()
        ch.exchange_declare(exchange, "direct", auto_delete=False)
        ch.exchange_declare(source, "direct", auto_delete=False)
        ch.queue_declare(queue)
        ch.queue_bind(queue, exchange, routing_key="k")
        ch.exchange_bind(exchange, source, routing_key="k")
        errors = exceptions.AMQPError
        ch.queue_delete(queue)
        outcomes = [c.outcome("queue.unbind of a deleted queue",
                              lambda: ch.queue_unbind(queue, exchange, routing_key="k"), errors, "unbind-ok")]
        ch.exchange_delete(source)
        outcomes.append(c.outcome("exchange.unbind of a deleted source",
                                  lambda: ch.exchange_unbind(exchange, source, routing_key="k"), errors, "unbind-ok"))
        ch.exchange_delete(exchange)
        outcomes.append(c.outcome("queue.unbind from a deleted exchange",
                                  lambda: ch.queue_unbind(queue, exchange, routing_key="k"), errors, "unbind-ok"))
        c.expect("answers to the three unbinds", ["unbind-ok"] * 3, outcomes)
        ch.exchange_delete(exchange)
        ch.exchange_delete(source)


@check("fault_close_then_reconnect_by_hand", needs_faults=True)
def fault_close_then_reconnect_by_hand(c):
    name = "py-amqp-" + c.run_id
    queue = c.name("pyamqp.fault")
    c.api.add_faults({"on": "method_received", "connection": name, "method": "basic.publish", "nth": 3,
                      "then": {"action": "close_connection", "code": 320,
                               "text": "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"}})
    received = []

    def open_and_consume():
        connection = connect(c, name=name)
        channel = connection.channel()
        channel.queue_declare(queue, auto_delete=False)

        def on_message(message):
            received.append(message.body)
            message.channel.basic_ack(message.delivery_tag)

        channel.basic_consume(queue, callback=on_message, consumer_tag="fault-consumer")
        return connection, channel

    connection, channel = open_and_consume()
    connections = 1
    error = None
    for i in range(6):
        body = "m%d" % i
        while True:
            try:
                # confirm_timeout makes basic_publish wait for the broker's ack or close.
                channel.basic_publish_confirm(amqp.Message(body), exchange="", routing_key=queue,
                                              confirm_timeout=WAIT)
                break
            except exceptions.ConnectionForced as e:
                error = e
                c.note("publish of %s: %s %s; reconnecting" % (body, e.reply_code, e.reply_text))
                connection.collect()
                connection, channel = open_and_consume()
                connections += 1
    c.expect("error py-amqp raised at the 3rd publish", (320, "ConnectionForced"),
             (getattr(error, "reply_code", None), type(error).__name__))
    c.drain_until(connection, lambda: len(set(received)) >= 6, "every message was consumed")
    c.expect("messages consumed over both connections", ["m%d" % i for i in range(6)], sorted(set(received)))
    c.expect("connections opened", 2, connections)
    c.expect("faults fired", 1, len(c.api.faults()["fired"]))
    channel.basic_cancel("fault-consumer")
    channel.queue_delete(queue)
    connection.close()


CHECKS = [confirms_and_manual_acks, channel_error_then_carry_on, close_with_publishes_just_written,
          server_named_and_exclusive_queues, topic_and_headers_routing, unbind_after_delete,
          fault_close_then_reconnect_by_hand]

if __name__ == "__main__":
    run_checks("py_amqp", CHECKS)
