#!/usr/bin/python3
"""The client_bench workloads with aio-pika (asyncio), for comparison.

    /usr/bin/python3 bench/aio_pika_bench.py AMQP_URL [--messages N] [--rpc-calls N]

AMQP_URL: RabbitMQ (amqp://guest:guest@127.0.0.1:5672/) or the standalone fake broker
(`build-release/bin/fakebroker --port 0 --no-http` prints its URL). Prints one line per
workload: messages/s (calls/s and latency percentiles for rpc). 32-byte bodies,
publisher and consumer on separate connections in one event loop:

  publish/no_confirms    a channel without confirms; `await exchange.publish()` one
                         after another (at most 20,000 not yet delivered), a no-ack
                         consumer; done when the consumer got them all
  publish/confirms/1000  confirms, at most 1,000 publishes awaiting their confirm
  publish/confirms/all   confirms, every publish started at once, then all awaited
  consume/manual_ack     a queue filled beforehand (untimed) drained with prefetch 1000
                         and `await message.ack()` per message
  rpc/round_trip         tutorial 6 by hand: reply_to + correlation_id, futures by id;
                         a server connection consumes (prefetch 1, manual ack) and replies
"""
import argparse
import asyncio
import os
import sys
import time

import aio_pika

BODY = b"x" * 32


def unique(what, counter=[0]):
    counter[0] += 1
    return "aio_pika_bench.%d.%d.%s" % (os.getpid(), counter[0], what)


async def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(what + ": timed out")
        await asyncio.sleep(0.001)


async def no_confirms(url, n):
    producer = await aio_pika.connect(url)
    consumer = await aio_pika.connect(url)
    pub = await producer.channel(publisher_confirms=False)
    sub = await consumer.channel()
    queue = await sub.declare_queue(unique("q"), exclusive=True)
    received = [0]
    done = [None, 0]

    async def on_message(message):
        received[0] += 1
        if received[0] == done[1]:
            done[0].set_result(None)

    await queue.consume(on_message, no_ack=True)

    async def run(count):
        received[0] = 0
        done[0], done[1] = asyncio.get_running_loop().create_future(), count
        for i in range(count):
            while i - received[0] >= 20000:
                await asyncio.sleep(0)
            await pub.default_exchange.publish(aio_pika.Message(BODY), queue.name)
        await asyncio.wait_for(done[0], 120)

    await run(max(100, n // 4))
    start = time.perf_counter()
    await run(n)
    elapsed = time.perf_counter() - start
    await producer.close()
    await consumer.close()
    return n / elapsed


async def confirms(url, n, window):
    producer = await aio_pika.connect(url)
    pub = await producer.channel(publisher_confirms=True)
    queue = await pub.declare_queue(unique("q"), exclusive=True)

    async def run(count):
        if window == 0:
            await asyncio.gather(*(pub.default_exchange.publish(aio_pika.Message(BODY), queue.name)
                                   for _ in range(count)))
            return
        limit = asyncio.Semaphore(window)

        async def one():
            try:
                await pub.default_exchange.publish(aio_pika.Message(BODY), queue.name)
            finally:
                limit.release()

        tasks = []
        for _ in range(count):
            await limit.acquire()
            tasks.append(asyncio.ensure_future(one()))
        await asyncio.gather(*tasks)

    await run(max(100, n // 4))
    await queue.purge()
    start = time.perf_counter()
    await run(n)
    elapsed = time.perf_counter() - start
    await producer.close()
    return n / elapsed


async def manual_ack(url, n):
    producer = await aio_pika.connect(url)
    consumer = await aio_pika.connect(url)
    pub = await producer.channel(publisher_confirms=True)
    sub = await consumer.channel()
    await sub.set_qos(prefetch_count=1000)
    queue = await sub.declare_queue(unique("q"), exclusive=True)
    received = [0]
    done = [None, 0]

    async def on_message(message):
        await message.ack()
        received[0] += 1
        if received[0] == done[1]:
            done[0].set_result(None)

    async def fill(count):
        await asyncio.gather(*(pub.default_exchange.publish(aio_pika.Message(BODY), queue.name)
                               for _ in range(count)))

    async def drain(count):
        received[0] = 0
        done[0], done[1] = asyncio.get_running_loop().create_future(), count
        tag = await queue.consume(on_message)
        await asyncio.wait_for(done[0], 120)
        return tag

    warm = max(100, n // 4)
    await fill(warm)
    await queue.cancel(await drain(warm))
    await fill(n)
    start = time.perf_counter()
    tag = await drain(n)
    elapsed = time.perf_counter() - start
    await queue.cancel(tag)
    await producer.close()
    await consumer.close()
    return n / elapsed


async def rpc(url, n):
    server_conn = await aio_pika.connect(url)
    client_conn = await aio_pika.connect(url)
    server = await server_conn.channel()
    client = await client_conn.channel()
    await server.set_qos(prefetch_count=1)
    requests = await server.declare_queue(unique("rpc"), exclusive=True)

    async def on_request(message):
        await server.default_exchange.publish(
            aio_pika.Message(b"r" * 32, correlation_id=message.correlation_id), message.reply_to)
        await message.ack()

    await requests.consume(on_request)
    callback_queue = await client.declare_queue("", exclusive=True)
    futures = {}

    async def on_reply(message):
        future = futures.pop(message.correlation_id, None)
        if future is not None:
            future.set_result(message.body)

    await callback_queue.consume(on_reply, no_ack=True)
    loop = asyncio.get_running_loop()

    async def calls(count):
        latencies = []
        for i in range(count):
            corr = str(i)
            future = loop.create_future()
            futures[corr] = future
            start = time.perf_counter()
            await client.default_exchange.publish(
                aio_pika.Message(BODY, reply_to=callback_queue.name, correlation_id=corr), requests.name)
            await asyncio.wait_for(future, 30)
            latencies.append((time.perf_counter() - start) * 1e6)
        return latencies

    await calls(max(100, n // 4))
    start = time.perf_counter()
    latencies = sorted(await calls(n))
    elapsed = time.perf_counter() - start
    await client_conn.close()
    await server_conn.close()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * (len(latencies) - 1) + 0.5))]
    return n / elapsed, pct(0.5), pct(0.99)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    # aio-pika moves a few thousand messages/s: these take about 10 s per workload.
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rpc-calls", type=int, default=2000)
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    n = args.messages
    workloads = [
        ("publish/no_confirms", lambda: no_confirms(args.url, n)),
        ("publish/confirms/1000", lambda: confirms(args.url, n, 1000)),
        ("publish/confirms/all", lambda: confirms(args.url, n, 0)),
        ("consume/manual_ack", lambda: manual_ack(args.url, n)),
        ("rpc/round_trip", lambda: rpc(args.url, args.rpc_calls)),
    ]
    print("aio-pika %s, python %s, %s" % (aio_pika.__version__, sys.version.split()[0], args.url))
    for name, run in workloads:
        if args.only and args.only not in name:
            continue
        result = await run()
        if isinstance(result, tuple):
            print("%-22s %10.0f calls/s   p50 %.1f us   p99 %.1f us" % (name, result[0], result[1], result[2]))
        else:
            print("%-22s %10.0f msg/s" % (name, result))
        sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
