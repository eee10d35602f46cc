#!/usr/bin/env python3
"""aio-pika (Debian's python3-aio-pika, over aiormq) against the broker.

Usage:
    aio_pika_test.py PATH/TO/fakebroker               # starts a broker on free ports
    aio_pika_test.py --url amqp://guest:guest@127.0.0.1:5672/   # a running RabbitMQ

Named checks, each printing what it expected and what it saw, written the way
aio-pika's documentation writes applications: connect_robust, channels with
publisher confirms, queue iterators with ``message.process()``, the RPC client
of its tutorial with an exclusive server-named callback queue, topic and headers
exchanges, aio_pika.patterns.RPC (whose close() unbinds its callback queue after
the queue went away), and (fake broker only) connect_robust restoring an
iterator's consumer after a fault posted to /api/faults closes the connection.
Needs /usr/bin/python3 with python3-aio-pika. Every wait is bounded.
"""

import asyncio
import os
import sys
import urllib.parse
import uuid

import aio_pika
from aio_pika import ExchangeType, Message
from aiormq.exceptions import ChannelLockedResource, ChannelNotFoundEntity
from aio_pika.patterns import RPC

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import (HEADERS_BINDINGS, HEADERS_MESSAGES, ROUTED, TOPIC_BINDINGS, TOPIC_KEYS,  # noqa: E402
                                CheckFailed, check, run_checks)

WAIT = 10.0  # seconds for one expected event


async def connect(c, name=None, robust=True, **query):
    """aio-pika takes the connection name and its options from the URL's query
    (``client_properties`` passed beside a URL are not sent)."""
    if name:
        query["name"] = name
    url = c.url + ("?" + urllib.parse.urlencode(query) if query else "")
    open_connection = aio_pika.connect_robust if robust else aio_pika.connect
    return await asyncio.wait_for(open_connection(url), WAIT)


async def take(queue, count, timeout=WAIT):
    """``count`` message bodies from the queue's iterator, each acked through process()."""
    bodies = []
    async with queue.iterator() as messages:
        while len(bodies) < count:
            try:
                message = await asyncio.wait_for(messages.__anext__(), timeout)
            except asyncio.TimeoutError:
                raise CheckFailed("timed out after %.0f s with %d of %d messages: %r"
                                  % (timeout, len(bodies), count, bodies))
            async with message.process():
                bodies.append(message.body.decode())
    return bodies


async def get_all(queue):
    bodies = []
    while True:
        message = await queue.get(no_ack=True, fail=False, timeout=WAIT)
        if message is None:
            return sorted(bodies)
        bodies.append(message.body.decode())


async def ready_count(channel, name):
    queue = await channel.declare_queue(name, passive=True)
    return queue.declaration_result.message_count


@check("confirms_and_manual_acks")
async def confirms_and_manual_acks(c):
    count = 25
    connection = await connect(c)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(c.name("aio.work"), auto_delete=False)
        try:
            confirmations = await asyncio.gather(*[
                channel.default_exchange.publish(Message(b"job %d" % i, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                                                 routing_key=queue.name, timeout=WAIT)
                for i in range(count)])
            c.expect("confirmations", ["Basic.Ack"] * count, [type(f).__qualname__ for f in confirmations])
            await channel.set_qos(prefetch_count=10)
            bodies = await take(queue, count)
            c.expect("bodies consumed and acked in order", ["job %d" % i for i in range(count)], bodies)
            c.expect("ready messages afterwards", 0, await ready_count(channel, queue.name))
            await channel.close()  # requeues anything left unacked
            check_channel = await connection.channel()
            c.expect("ready messages after the channel closed", 0, await ready_count(check_channel, queue.name))
        finally:
            await (await connection.channel()).queue_delete(queue.name)


@check("channel_error_then_carry_on")
async def channel_error_then_carry_on(c):
    missing = c.name("aio.missing")
    connection = await connect(c)
    async with connection:
        channel = await connection.channel()
        try:
            await channel.get_queue(missing, ensure=True)
            raise CheckFailed("a passive declare of a missing queue was answered")
        except ChannelNotFoundEntity as e:
            c.expect("error of a passive declare of a missing queue",
                     "NOT_FOUND - no queue '%s' in vhost '/'" % missing, e.args[0])
        c.expect("that channel is closed", True, channel.is_closed)

        confirming = await connection.channel(publisher_confirms=True)
        exchange = await confirming.get_exchange(missing, ensure=False)  # an object only, never declared
        try:
            await exchange.publish(Message(b"lost"), routing_key="x", timeout=WAIT)
            raise CheckFailed("a confirmed publish to a missing exchange returned")
        except ChannelNotFoundEntity as e:
            c.expect("error of a publish to a missing exchange",
                     "NOT_FOUND - no exchange '%s' in vhost '/'" % missing, e.args[0])

        c.expect("connection still open", False, connection.is_closed)
        fresh = await connection.channel()
        queue = await fresh.declare_queue(c.name("aio.after-error"))
        try:
            await fresh.default_exchange.publish(Message(b"still working"), routing_key=queue.name)
            c.expect("message through a new channel on the same connection", ["still working"], await take(queue, 1))
        finally:
            await queue.delete()


@check("close_with_publishes_buffered")
async def close_with_publishes_buffered(c):
    count = 2000
    name = c.name("aio.buffered")
    checker = await connect(c)
    async with checker:
        channel = await checker.channel()
        await channel.declare_queue(name, auto_delete=False)
        try:
            connection = await connect(c, robust=False)
            publisher = await connection.channel(publisher_confirms=False)
            body = b"x" * 200
            # Without confirms a publish returns once its frames are handed to the writer:
            # nothing here waits for the broker, so most of them are still buffered.
            for _ in range(count):
                await publisher.default_exchange.publish(Message(body), routing_key=name)
            error = None
            try:
                await asyncio.wait_for(connection.close(), WAIT)
            except Exception as e:  # noqa: BLE001 - any error from close is what this check reports
                error = e
            c.expect("connection.close() right behind the publishes raised", None, error)
            ready = await ready_count(channel, name)
            deadline = asyncio.get_running_loop().time() + WAIT
            while ready != count and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.01)  # polling the queue depth, bounded by the deadline
                ready = await ready_count(channel, name)
            c.expect("messages in the queue from a fresh connection", count, ready)
        finally:
            await channel.queue_delete(name)


class RpcClient:
    """The RPC client of aio-pika's tutorial 6: an exclusive, server-named callback queue."""

    def __init__(self, connection):
        self.connection = connection
        self.futures = {}

    async def connect(self):
        self.channel = await self.connection.channel()
        self.callback_queue = await self.channel.declare_queue(exclusive=True)
        await self.callback_queue.consume(self.on_response, no_ack=True)
        return self

    def on_response(self, message):
        future = self.futures.pop(message.correlation_id, None)
        if future is not None and not future.done():
            future.set_result(message.body.decode())

    async def call(self, routing_key, body):
        correlation_id = str(uuid.uuid4())
        future = asyncio.get_running_loop().create_future()
        self.futures[correlation_id] = future
        await self.channel.default_exchange.publish(
            Message(body.encode(), correlation_id=correlation_id, reply_to=self.callback_queue.name),
            routing_key=routing_key)
        return await asyncio.wait_for(future, WAIT)


async def serve_uppercase(channel, queue_name):
    """The tutorial's RPC server: answers to reply_to with the same correlation_id."""
    queue = await channel.declare_queue(queue_name, auto_delete=True)

    async def on_request(message):
        async with message.process():
            await channel.default_exchange.publish(
                Message(message.body.upper(), correlation_id=message.correlation_id),
                routing_key=message.reply_to)

    await queue.consume(on_request)
    return queue


@check("server_named_and_exclusive_queues")
async def server_named_and_exclusive_queues(c):
    server_connection = await connect(c)
    async with server_connection:
        await serve_uppercase(await server_connection.channel(), c.name("aio.rpc-upper"))
        client_connection = await connect(c, robust=False)
        client = await RpcClient(client_connection).connect()
        name = client.callback_queue.name
        c.expect_true("callback queue name starts with amq.gen-", name.startswith("amq.gen-"), name)
        c.expect("RPC answers", ["HELLO", "WORLD"],
                 [await client.call(c.name("aio.rpc-upper"), "hello"), await client.call(c.name("aio.rpc-upper"), "world")])
        other = await server_connection.channel()
        try:
            await other.declare_queue(name, passive=True)
            raise CheckFailed("another connection declared the exclusive callback queue")
        except ChannelLockedResource as e:
            c.expect_true("another connection's passive declare: 405 RESOURCE_LOCKED", e.args[0].startswith(
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s'" % name), e.args[0])
        consumer_channel = await server_connection.channel()
        try:
            queue = await consumer_channel.get_queue(name, ensure=False)
            await queue.consume(lambda message: None)
            raise CheckFailed("another connection consumed from the exclusive callback queue")
        except ChannelLockedResource as e:
            c.expect_true("another connection's basic.consume: 405 RESOURCE_LOCKED",
                          e.args[0].startswith("RESOURCE_LOCKED"), e.args[0])
        await client_connection.close()

        async def gone():
            try:
                await (await server_connection.channel()).declare_queue(name, passive=True)
                return False
            except ChannelNotFoundEntity:
                return True

        deadline = asyncio.get_running_loop().time() + WAIT
        while not await gone():
            if asyncio.get_running_loop().time() > deadline:
                raise CheckFailed("the exclusive queue %s still exists %.0f s after its connection closed"
                                  % (name, WAIT))
            await asyncio.sleep(0.01)  # polling for the deletion, bounded by the deadline
        c.expect("exclusive callback queue gone after its connection closed", True, True)


@check("topic_and_headers_routing")
async def topic_and_headers_routing(c):
    connection = await connect(c)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        topic = await channel.declare_exchange(c.name("aio.topic"), ExchangeType.TOPIC)
        headers = await channel.declare_exchange(c.name("aio.headers"), ExchangeType.HEADERS)
        queues = {}
        try:
            for binding in ROUTED:
                queues[binding] = await channel.declare_queue(c.name("aio.routed-%d" % len(queues)))
            for binding in TOPIC_BINDINGS:
                await queues[binding].bind(topic, routing_key=binding)
            for binding, arguments in HEADERS_BINDINGS.items():
                await queues[binding].bind(headers, arguments=arguments)
            for key in TOPIC_KEYS:
                await topic.publish(Message(key.encode()), routing_key=key)
            for body, hdrs in HEADERS_MESSAGES:
                await headers.publish(Message(body.encode(), headers=hdrs), routing_key="")
            # One queue through its iterator, to the count the bindings promise; the rest by basic.get.
            c.expect("messages in the 'orders.#' queue (iterator)", ROUTED["orders.#"],
                     sorted(await take(queues["orders.#"], len(ROUTED["orders.#"]))))
            for binding, queue in queues.items():
                if binding != "orders.#":
                    c.expect("messages in the %r queue" % binding, ROUTED[binding], await get_all(queue))
            c.expect("nothing more in the 'orders.#' queue", [], await get_all(queues["orders.#"]))
        finally:
            for queue in queues.values():
                await queue.delete(if_unused=False, if_empty=False)
            await topic.delete()
            await headers.delete()


@check("unbind_after_delete")
async def unbind_after_delete(c):
    connection = await connect(c)
    async with connection:
        outcomes = []

        async def attempt(what, call):
            try:
                await call()
                outcomes.append("ok")
            except aio_pika.exceptions.AMQPError as e:
                outcomes.append("%s: %s" % (type(e).__name__, e.args[0] if e.args else e))
            c.note("%s: %s" % (what, outcomes[-1]))

        # aio_pika.patterns.RPC with an exclusive callback queue; close() cancels the
        # consumer (the auto-delete queue goes), then unbinds it, then deletes it.
        rpc_channel = await connection.channel()
        rpc_class = type("RPC", (RPC,), {"DLX_NAME": c.name("aio.rpc-dlx")})
        rpc = await rpc_class.create(rpc_channel, exclusive=True)
        method = c.name("aio.multiply")

        async def multiply(*, x, y):
            return x * y

        await rpc.register(method, multiply, auto_delete=True)
        c.expect("patterns.RPC call", 42, await asyncio.wait_for(rpc.proxy.__getattr__(method)(x=6, y=7), WAIT))
        await attempt("patterns.RPC.close()", rpc.close)

        channel = await connection.channel()
        exchange = await channel.declare_exchange(c.name("aio.cleanup"), ExchangeType.DIRECT)
        source = await channel.declare_exchange(c.name("aio.cleanup-source"), ExchangeType.DIRECT)
        queue = await channel.declare_queue(c.name("aio.cleanup"))
        await queue.bind(exchange, routing_key="k")
        await exchange.bind(source, routing_key="k")
        await queue.delete()
        await attempt("queue.unbind of a deleted queue", lambda: queue.unbind(exchange, "k"))
        channel = await connection.channel()  # in case the unbind closed the last one
        source = await channel.get_exchange(source.name, ensure=False)
        exchange = await channel.get_exchange(exchange.name, ensure=False)
        await source.delete()
        await attempt("exchange.unbind of a deleted source", lambda: exchange.unbind(source, "k"))
        channel = await connection.channel()
        exchange = await channel.get_exchange(exchange.name, ensure=False)
        await exchange.delete()
        queue = await channel.get_queue(queue.name, ensure=False)
        await attempt("queue.unbind from a deleted exchange", lambda: queue.unbind(exchange, "k"))
        c.expect("answers to patterns.RPC.close() and the three unbinds", ["ok"] * 4, outcomes)
        cleanup = await connection.channel()
        await cleanup.queue_delete(method)
        await cleanup.exchange_delete(rpc_class.DLX_NAME)


@check("connect_robust_restores_iterator_under_fault", needs_faults=True)
async def connect_robust_restores_iterator_under_fault(c):
    name = "aio-pika-" + c.run_id
    connection = await connect(c, name=name, reconnect_interval=0.1)
    reconnects = []
    connection.reconnect_callbacks.add(lambda *_: reconnects.append(1))
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(c.name("aio.robust"), auto_delete=False)
        c.api.add_faults({"on": "method_received", "connection": name, "method": "basic.publish", "nth": 3,
                          "then": {"action": "close_connection", "code": 320,
                                   "text": "CONNECTION_FORCED - Closed via management plugin"}})
        received = []
        errors = []

        async def consume():
            async with queue.iterator() as messages:
                async for message in messages:
                    async with message.process():
                        received.append(message.body.decode())
                    if len(set(received)) >= 6:
                        return

        consumer = asyncio.ensure_future(consume())
        try:
            for i in range(6):
                body = "m%d" % i
                for attempt in range(20):
                    try:
                        await channel.default_exchange.publish(Message(body.encode()), routing_key=queue.name,
                                                               timeout=WAIT)
                        break
                    except (aio_pika.exceptions.AMQPError, aio_pika.exceptions.ChannelInvalidStateError,
                            asyncio.TimeoutError, ConnectionError) as e:
                        errors.append(type(e).__name__)
                        await c.async_wait_until(lambda: reconnects and not channel.is_closed,
                                                 "connect_robust reconnected")
            await asyncio.wait_for(consumer, WAIT)
        finally:
            consumer.cancel()
        c.note("publish errors around the fault: %s" % errors)
        c.expect("reconnects", 1, len(reconnects))
        c.expect("messages the restored iterator consumed", ["m%d" % i for i in range(6)], sorted(set(received)))
        c.expect("faults fired", 1, len(c.api.faults()["fired"]))
        await queue.delete()


CHECKS = [confirms_and_manual_acks, channel_error_then_carry_on, close_with_publishes_buffered,
          server_named_and_exclusive_queues, topic_and_headers_routing, unbind_after_delete,
          connect_robust_restores_iterator_under_fault]

if __name__ == "__main__":
    run_checks("aio_pika", CHECKS)
