#!/usr/bin/python3
"""The client_bench workloads with pika's BlockingConnection, for comparison.

    /usr/bin/python3 bench/pika_bench.py AMQP_URL [--messages N] [--rpc-calls N]

AMQP_URL: RabbitMQ (amqp://guest:guest@127.0.0.1:5672/) or the standalone fake broker
(`build-release/bin/fakebroker --port 0 --no-http` prints its URL). Prints one line per
workload: messages/s (calls/s and latency percentiles for rpc). 32-byte bodies,
publisher and consumer on separate connections, both driven from this one thread (a
BlockingConnection is not thread-safe, and threads would fight over the GIL):

  publish/no_confirms  publish in batches of 500 with at most 20,000 not yet
                       delivered, draining the no-ack consumer's connection between
                       batches; done when the consumer got them all
  publish/confirms/1   confirm_delivery(): BlockingChannel.basic_publish then waits
                       for each confirm, so pika cannot pipeline confirms (window 1)
  consume/manual_ack   a queue filled beforehand (untimed) drained with prefetch 1000
                       and one basic_ack per message
  rpc/round_trip       tutorial 6: publish with reply_to and correlation_id, a server
                       connection consumes (prefetch 1, manual ack) and replies; both
                       polled from this thread with process_data_events(0)
"""
import argparse
import os
import sys
import time

import pika

BODY = b"x" * 32


def unique(what, counter=[0]):
    counter[0] += 1
    return "pika_bench.%d.%d.%s" % (os.getpid(), counter[0], what)


def connect(url):
    params = pika.URLParameters(url)
    return pika.BlockingConnection(params)


def exclusive_queue(channel):
    name = unique("q")
    channel.queue_declare(queue=name, exclusive=True)
    return name


def wait_for_depth(channel, queue, depth, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if channel.queue_declare(queue=queue, passive=True).method.message_count >= depth:
            return
        channel.connection.process_data_events(time_limit=0.01)
    raise RuntimeError("queue %s never reached depth %d" % (queue, depth))


def no_confirms(url, n):
    producer, consumer = connect(url), connect(url)
    pub, sub = producer.channel(), consumer.channel()
    queue = exclusive_queue(sub)
    received = [0]

    def on_message(ch, method, properties, body):
        received[0] += 1

    sub.basic_consume(queue, on_message, auto_ack=True)

    def run(count):
        received[0] = 0
        published = 0
        while published < count:
            batch = min(500, count - published, 20000 - (published - received[0]))
            for _ in range(batch):
                pub.basic_publish("", queue, BODY)
            published += batch
            consumer.process_data_events(time_limit=0)
        deadline = time.monotonic() + 120
        while received[0] < count:
            if time.monotonic() > deadline:
                raise RuntimeError("no_confirms: %d of %d delivered" % (received[0], count))
            consumer.process_data_events(time_limit=0.1)

    run(max(100, n // 4))
    start = time.perf_counter()
    run(n)
    elapsed = time.perf_counter() - start
    producer.close()
    consumer.close()
    return n / elapsed


def confirms(url, n):
    producer = connect(url)
    pub = producer.channel()
    pub.confirm_delivery()
    queue = exclusive_queue(pub)

    def run(count):
        for _ in range(count):
            pub.basic_publish("", queue, BODY)

    run(max(100, n // 4))
    pub.queue_purge(queue)
    start = time.perf_counter()
    run(n)
    elapsed = time.perf_counter() - start
    producer.close()
    return n / elapsed


def manual_ack(url, n):
    producer, consumer = connect(url), connect(url)
    pub, sub = producer.channel(), consumer.channel()
    sub.basic_qos(prefetch_count=1000)
    queue = exclusive_queue(sub)
    received = [0]

    def on_message(ch, method, properties, body):
        ch.basic_ack(method.delivery_tag)
        received[0] += 1

    def fill(count):
        for _ in range(count):
            pub.basic_publish("", queue, BODY)
        # The queue is exclusive to the consumer's connection: only it may declare it.
        wait_for_depth(sub, queue, count)

    def drain(count):
        received[0] = 0
        tag = sub.basic_consume(queue, on_message)
        deadline = time.monotonic() + 120
        while received[0] < count:
            if time.monotonic() > deadline:
                raise RuntimeError("manual_ack: %d of %d delivered" % (received[0], count))
            consumer.process_data_events(time_limit=0.1)
        return tag

    warm = max(100, n // 4)
    fill(warm)
    sub.basic_cancel(drain(warm))
    fill(n)
    start = time.perf_counter()
    tag = drain(n)
    elapsed = time.perf_counter() - start
    sub.basic_cancel(tag)
    producer.close()
    consumer.close()
    return n / elapsed


def rpc(url, n):
    server_conn, client_conn = connect(url), connect(url)
    server, client = server_conn.channel(), client_conn.channel()
    server.basic_qos(prefetch_count=1)
    queue = exclusive_queue(server)

    def on_request(ch, method, props, body):
        ch.basic_publish("", props.reply_to, b"r" * 32,
                         pika.BasicProperties(correlation_id=props.correlation_id))
        ch.basic_ack(method.delivery_tag)

    server.basic_consume(queue, on_request)
    callback_queue = client.queue_declare(queue="", exclusive=True).method.queue
    reply = [None]

    def on_reply(ch, method, props, body):
        reply[0] = props.correlation_id

    client.basic_consume(callback_queue, on_reply, auto_ack=True)

    def calls(count):
        latencies = []
        for i in range(count):
            corr = str(i)
            reply[0] = None
            start = time.perf_counter()
            client.basic_publish("", queue, BODY,
                                 pika.BasicProperties(reply_to=callback_queue, correlation_id=corr))
            while reply[0] != corr:
                server_conn.process_data_events(time_limit=0)
                client_conn.process_data_events(time_limit=0)
            latencies.append((time.perf_counter() - start) * 1e6)
        return latencies

    calls(max(100, n // 4))
    start = time.perf_counter()
    latencies = sorted(calls(n))
    elapsed = time.perf_counter() - start
    client_conn.close()
    server_conn.close()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * (len(latencies) - 1) + 0.5))]
    return n / elapsed, pct(0.5), pct(0.99)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--messages", type=int, default=50000)
    parser.add_argument("--confirm-messages", type=int, default=10000)
    parser.add_argument("--rpc-calls", type=int, default=5000)
    parser.add_argument("--only", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    workloads = [
        ("publish/no_confirms", lambda: no_confirms(args.url, args.messages)),
        ("publish/confirms/1", lambda: confirms(args.url, args.confirm_messages)),
        ("consume/manual_ack", lambda: manual_ack(args.url, args.messages)),
        ("rpc/round_trip", lambda: rpc(args.url, args.rpc_calls)),
    ]
    print("pika %s, python %s, %s" % (pika.__version__, sys.version.split()[0], args.url))
    for name, run in workloads:
        if args.only and args.only not in name:
            continue
        result = run()
        if isinstance(result, tuple):
            print("%-22s %10.0f calls/s   p50 %.1f us   p99 %.1f us" % (name, result[0], result[1], result[2]))
        else:
            print("%-22s %10.0f msg/s" % (name, result))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
