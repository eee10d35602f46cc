#!/usr/bin/env python3
"""A third-party robust client recovers when faults strike through the HTTP API.

Starts the standalone `fakebroker --port 0 --http-port 0`, connects python3-aio-pika's
connect_robust (named "aio-robust"), consumes from a queue, and then, through
POST /api/faults: force-closes its connection with 320 at its next basic.publish, and
later drops it (RST) at a basic.ack. After each fault aio-pika must reconnect, restore
its channel, queue and consumer, and receive what is published afterwards; the fired
log must show each fault once.

Usage: aio_pika_robust_test.py PATH/TO/fakebroker
Needs Debian's /usr/bin/python3 with python3-aio-pika. Every wait is bounded.
"""

import asyncio
import os
import sys

import aio_pika

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakebroker_process import BrokerProcess  # noqa: E402

TIMEOUT = 15.0
NAME = "aio-robust"


def fail(message, output=()):
    print("FAILED: " + message, file=sys.stderr)
    for line in output:
        print("  broker: " + line, file=sys.stderr)
    sys.exit(1)


async def wait_until(condition, what):
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            fail("timed out waiting until " + what)
        await asyncio.sleep(0.01)  # a bounded poll of a condition, not a settle delay


async def run(broker):
    url = broker.amqp_url + "?reconnect_interval=0.1&name=" + NAME
    connection = await aio_pika.connect_robust(url, client_properties={"connection_name": NAME})
    reconnects = []
    connection.reconnect_callbacks.add(lambda *_: reconnects.append(1))
    channel = await connection.channel()
    queue = await channel.declare_queue("aio.robust", auto_delete=False)
    received = []

    async def on_message(message):
        async with message.process():
            received.append(message.body.decode())

    await queue.consume(on_message)

    async def publish(body):
        await channel.default_exchange.publish(aio_pika.Message(body.encode()), routing_key="aio.robust")

    await publish("before")
    await wait_until(lambda: received == ["before"], "the first message arrived")

    faults = [
        {"on": "method_received", "connection": NAME, "method": "basic.publish", "nth": 1,
         "then": {"action": "close_connection", "code": 320, "text": "CONNECTION_FORCED - Closed via management plugin"}},
        {"on": "method_received", "connection": NAME, "method": "basic.ack", "nth": 1, "then": "reset"},
    ]
    for number, rule in enumerate(faults, start=1):
        broker.api.add_faults(rule)
        try:
            await publish(f"trips fault {number}")
        except Exception:
            pass  # the publish itself may fail as the connection goes
        await wait_until(lambda: len(reconnects) >= number, f"aio-pika reconnected after fault {number}")
        # Published once the channel is back: the restored consumer must receive it.
        await wait_until(lambda: not channel.is_closed, "the channel is restored")
        await publish(f"after fault {number}")
        await wait_until(lambda: f"after fault {number}" in received, f"the consumer is restored after fault {number}")

    log = broker.api.faults()["fired"]
    if len(log) != len(faults):
        fail(f"expected {len(faults)} fired faults, the broker logged {len(log)}: {log}", broker.output)
    await connection.close()
    print(f"aio-pika connect_robust recovered from {len(faults)} faults; received {received}")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} PATH/TO/fakebroker")
    with BrokerProcess(sys.argv[1]) as broker:
        asyncio.run(asyncio.wait_for(run(broker), timeout=60))


if __name__ == "__main__":
    main()
