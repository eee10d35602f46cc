#!/usr/bin/python3
"""Capture golden AMQP 0-9-1 frames exchanged between pika and RabbitMQ.

A small TCP proxy is started on 127.0.0.1 (ephemeral port) that forwards to
a RabbitMQ broker and records the raw bytes flowing in each direction.  A
pika BlockingConnection is driven through the proxy to:

  * open a connection (server's connection.start is captured),
  * declare the queue ``golden`` and publish one message with a full set of
    basic properties and a headers table holding many field types,
  * consume the message again (server's basic.deliver + content header +
    body), ack it and close.

The two byte streams are then split into frames and written as hex fixtures
next to this script (or into --out-dir):

  connection_start.hex  server connection.start method frame
  basic_publish.hex     client basic.publish + content header + body frames
  basic_deliver.hex     server basic.deliver + content header + body frames
  conversation.hex      every frame in order, prefixed "C " or "S "

Usage (from the repository root, with RabbitMQ listening on 127.0.0.1:5672):

  /usr/bin/python3 tests/unit/golden/capture.py [--host H] [--port P]
      [--user U] [--password P] [--vhost V] [--out-dir DIR]

Only the Python standard library and pika are used.
"""

import argparse
import datetime
import decimal
import os
import socket
import struct
import sys
import threading

import pika
import pika.data
import pika.spec

PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
FRAME_END = 0xCE

FRAME_METHOD = 1
FRAME_HEADER = 2
FRAME_BODY = 3
FRAME_HEARTBEAT = 8

QUEUE = "golden"
BODY = b'{"hello":"world"}'
CONSUMER_TAG = "golden-consumer"

CLIENT = "C"
SERVER = "S"


# --------------------------------------------------------------------------
# Recording proxy
# --------------------------------------------------------------------------

class RecordingProxy:
    """Single-connection TCP proxy that records every chunk it forwards.

    ``events`` is a list of (direction, bytes) in the order the chunks were
    received by the proxy, which preserves the causal ordering of the
    conversation across both directions.
    """

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.events = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.port = self._listener.getsockname()[1]
        self._threads = []
        self._accept_thread = threading.Thread(target=self._accept,
                                               daemon=True)
        self._accept_thread.start()

    def _accept(self):
        client, _ = self._listener.accept()
        self._listener.close()
        server = socket.create_connection(self.upstream)
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pumps = [
            threading.Thread(target=self._pump,
                             args=(client, server, CLIENT), daemon=True),
            threading.Thread(target=self._pump,
                             args=(server, client, SERVER), daemon=True),
        ]
        self._threads.extend(pumps)
        for pump in pumps:
            pump.start()

    def _pump(self, src, dst, direction):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                # Record before forwarding so that a reply can never be
                # recorded ahead of the request that caused it.
                with self._lock:
                    self.events.append((direction, data))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (dst, src):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def wait(self, timeout=10.0):
        self._accept_thread.join(timeout)
        for thread in self._threads:
            thread.join(timeout)


# --------------------------------------------------------------------------
# Frame splitting
# --------------------------------------------------------------------------

class Frame:
    def __init__(self, direction, raw, order):
        self.direction = direction
        self.raw = raw
        self.order = order  # index of the chunk that completed this frame
        self.type = raw[0]
        self.channel = struct.unpack(">H", raw[1:3])[0]
        self.payload = raw[7:-1]
        self.class_id = self.method_id = None
        if self.type == FRAME_METHOD:
            self.class_id, self.method_id = struct.unpack(
                ">HH", self.payload[:4])

    def is_method(self, class_id, method_id):
        return (self.type == FRAME_METHOD and self.class_id == class_id
                and self.method_id == method_id)

    def describe(self):
        if self.type == FRAME_METHOD:
            index = (self.class_id << 16) | self.method_id
            cls = pika.spec.methods.get(index)
            name = cls.NAME if cls else "method %d.%d" % (
                self.class_id, self.method_id)
            return "method %s (class %d, method %d)" % (
                name, self.class_id, self.method_id)
        if self.type == FRAME_HEADER:
            class_id, _weight, size = struct.unpack(">HHQ", self.payload[:12])
            return "content header (class %d, body size %d)" % (class_id, size)
        if self.type == FRAME_BODY:
            return "content body (%d bytes)" % len(self.payload)
        if self.type == FRAME_HEARTBEAT:
            return "heartbeat"
        return "frame type %d" % self.type


def split_frames(events, direction):
    """Split one direction's byte stream into frames.

    Returns (protocol_header_or_None, [Frame, ...]).
    """
    buf = b""
    header = None
    frames = []
    expect_header = direction == CLIENT
    for order, (dirn, chunk) in enumerate(events):
        if dirn != direction:
            continue
        buf += chunk
        if expect_header:
            if len(buf) < len(PROTOCOL_HEADER):
                continue
            header = buf[:len(PROTOCOL_HEADER)]
            if header != PROTOCOL_HEADER:
                raise ValueError("unexpected protocol header %r" % header)
            buf = buf[len(PROTOCOL_HEADER):]
            expect_header = False
        while len(buf) >= 7:
            size = struct.unpack(">I", buf[3:7])[0]
            total = 7 + size + 1
            if len(buf) < total:
                break
            raw = buf[:total]
            if raw[-1] != FRAME_END:
                raise ValueError("bad frame end 0x%02x in %s stream" %
                                 (raw[-1], direction))
            frames.append(Frame(direction, raw, order))
            buf = buf[total:]
    if buf:
        raise ValueError("%d trailing bytes in %s stream" %
                         (len(buf), direction))
    return header, frames


def content_after(frames, start):
    """Method frame at ``start`` plus its content header and body frames."""
    method = frames[start]
    group = [method]
    i = start + 1
    while i < len(frames) and frames[i].channel == method.channel and \
            frames[i].type in (FRAME_HEADER, FRAME_BODY):
        # Stop once the announced body size has been reached.
        if frames[i].type == FRAME_HEADER and any(
                f.type == FRAME_HEADER for f in group):
            break
        group.append(frames[i])
        i += 1
    header = [f for f in group if f.type == FRAME_HEADER]
    if len(header) != 1:
        raise ValueError("no content header after %s" % method.describe())
    body_size = struct.unpack(">Q", header[0].payload[4:12])[0]
    got = sum(len(f.payload) for f in group if f.type == FRAME_BODY)
    if got != body_size:
        raise ValueError("body size mismatch: %d != %d" % (got, body_size))
    return group


def find_one(frames, class_id, method_id):
    hits = [i for i, f in enumerate(frames) if f.is_method(class_id, method_id)]
    if len(hits) != 1:
        raise ValueError("expected exactly one method %d.%d, found %d" %
                         (class_id, method_id, len(hits)))
    return hits[0]


# --------------------------------------------------------------------------
# Headers table inspection
# --------------------------------------------------------------------------

def header_field_types(header_frame):
    """Return [(key, type letter)] for the headers table of a basic content
    header frame (decoded by hand from the property list)."""
    payload = header_frame.payload
    flags = struct.unpack(">H", payload[12:14])[0]
    if flags & 1:
        raise ValueError("continuation property flags not supported")
    offset = 14
    # Property order for class basic: content-type(shortstr),
    # content-encoding(shortstr), headers(table), ...
    for bit, kind in ((15, "shortstr"), (14, "shortstr"), (13, "table")):
        if not flags & (1 << bit):
            if kind == "table":
                return []
            continue
        if kind == "shortstr":
            offset += 1 + payload[offset]
            continue
        size = struct.unpack(">I", payload[offset:offset + 4])[0]
        offset += 4
        end = offset + size
        result = []
        while offset < end:
            klen = payload[offset]
            key = payload[offset + 1:offset + 1 + klen].decode("utf-8")
            offset += 1 + klen
            letter = chr(payload[offset])
            _, offset = pika.data.decode_value(payload, offset)
            result.append((key, letter))
        return result
    return []


# --------------------------------------------------------------------------
# Driving pika
# --------------------------------------------------------------------------

def candidate_headers():
    """Headers of many field types; those pika cannot encode are dropped."""
    candidates = [
        ("str", "text value"),
        ("int32", 42),
        ("int64", 2 ** 40 + 1),
        ("negative", -7),
        ("bool", True),
        ("float", 1.5),
        ("decimal", decimal.Decimal("3.14")),
        # naive datetime, interpreted by pika as UTC (= 1700000000)
        ("datetime", datetime.datetime(2023, 11, 14, 22, 13, 20)),
        ("nested", {"inner": "x", "n": 1}),
        ("list", ["a", 1, True, None]),
        ("none", None),
        ("bytes", b"\x00\x01"),
    ]
    headers = {}
    dropped = []
    for key, value in candidates:
        try:
            pika.data.encode_value([], value)
        except Exception as exc:  # pika.exceptions.UnsupportedAMQPFieldException
            dropped.append((key, type(value).__name__, type(exc).__name__))
            continue
        headers[key] = value
    return headers, dropped


def make_properties(headers):
    return pika.BasicProperties(
        content_type="application/json",
        content_encoding="utf-8",
        headers=headers,
        delivery_mode=2,
        priority=3,
        correlation_id="corr-1",
        reply_to="replies",
        expiration="60000",
        message_id="msg-1",
        timestamp=1700000000,
        type="example",
        user_id="guest",
        app_id="golden-capture",
    )


def connection_params(args, port):
    return pika.ConnectionParameters(
        host="127.0.0.1" if port is not None else args.host,
        port=port if port is not None else args.port,
        virtual_host=args.vhost,
        credentials=pika.PlainCredentials(args.user, args.password),
    )


def reset_queue(args):
    """Delete any leftover ``golden`` queue over a direct (unrecorded)
    connection so that the captured run starts from a clean broker state."""
    conn = pika.BlockingConnection(connection_params(args, None))
    try:
        ch = conn.channel()
        ch.queue_delete(QUEUE)
    finally:
        conn.close()


def run_client(args, proxy_port, headers):
    received = []
    conn = pika.BlockingConnection(connection_params(args, proxy_port))
    try:
        ch = conn.channel()
        ch.queue_declare(QUEUE)
        ch.basic_publish(exchange="", routing_key=QUEUE, body=BODY,
                         properties=make_properties(headers))

        def on_message(channel, method, properties, body):
            received.append((method, properties, body))
            channel.basic_ack(method.delivery_tag)
            channel.stop_consuming()

        # A fixed consumer tag keeps basic.consume/deliver reproducible
        # (the broker would otherwise generate a random "amq.ctag-..." one
        # and pika a random "ctag1.<uuid>" one).
        ch.basic_consume(QUEUE, on_message, auto_ack=False,
                         consumer_tag=CONSUMER_TAG)
        ch.start_consuming()
        ch.close()
    finally:
        conn.close()
    if len(received) != 1 or received[0][2] != BODY:
        raise RuntimeError("did not receive the published message back")
    return received[0]


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def write_fixture(path, comments, frames):
    with open(path, "w") as out:
        for line in comments:
            out.write("# %s\n" % line)
        for frame in frames:
            out.write("# %s, channel %d, %d bytes\n" %
                      (frame.describe(), frame.channel, len(frame.raw)))
            out.write(frame.raw.hex() + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1",
                        help="RabbitMQ host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5672,
                        help="RabbitMQ port (default 5672)")
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--out-dir", default=here,
                        help="where to write the .hex files "
                             "(default: this script's directory)")
    args = parser.parse_args()

    headers, dropped = candidate_headers()
    for key, tname, exc in dropped:
        print("note: pika cannot encode header %r (%s): %s" %
              (key, tname, exc), file=sys.stderr)

    reset_queue(args)

    proxy = RecordingProxy(args.host, args.port)
    run_client(args, proxy.port, headers)
    proxy.wait()

    client_header, client_frames = split_frames(proxy.events, CLIENT)
    _, server_frames = split_frames(proxy.events, SERVER)
    if client_header is None:
        raise RuntimeError("client protocol header not captured")

    start_idx = find_one(server_frames, 10, 10)
    start_frame = server_frames[start_idx]
    start = pika.spec.Connection.Start()
    start.decode(start_frame.payload, 4)
    props = start.server_properties or {}
    product = props.get("product", "?")
    version = props.get("version", "?")
    if isinstance(product, bytes):
        product = product.decode()
    if isinstance(version, bytes):
        version = version.decode()
    producer = "%s %s server and pika %s (Python)" % (
        product, version, pika.__version__)

    publish = content_after(client_frames, find_one(client_frames, 60, 40))
    deliver = content_after(server_frames, find_one(server_frames, 60, 60))

    os.makedirs(args.out_dir, exist_ok=True)
    write_fixture(
        os.path.join(args.out_dir, "connection_start.hex"),
        ["connection.start method frame sent by the server; captured from "
         + producer,
         "format: one whole frame per line, lowercase hex; '#' lines are "
         "comments"],
        [start_frame])

    pub_types = header_field_types(publish[1])
    type_note = "headers table field types: " + ", ".join(
        "%s=%s" % kv for kv in pub_types)
    dropped_note = ["headers pika could not encode (left out): " + ", ".join(
        "%s (%s)" % (k, t) for k, t, _ in dropped)] if dropped else []
    write_fixture(
        os.path.join(args.out_dir, "basic_publish.hex"),
        ["basic.publish method frame + content header frame + body frame "
         "sent by the client; captured from " + producer,
         "format: one whole frame per line, lowercase hex; '#' lines are "
         "comments",
         type_note] + dropped_note,
        publish)

    del_types = header_field_types(deliver[1])
    write_fixture(
        os.path.join(args.out_dir, "basic_deliver.hex"),
        ["basic.deliver method frame + content header frame + body frame "
         "sent by the server; captured from " + producer,
         "format: one whole frame per line, lowercase hex; '#' lines are "
         "comments",
         "headers table field types: " + ", ".join(
             "%s=%s" % kv for kv in del_types)],
        deliver)

    # Merge both directions by the order in which the proxy received the
    # chunk completing each frame (each direction is already in order).
    merged = sorted(client_frames + server_frames, key=lambda f: f.order)
    with open(os.path.join(args.out_dir, "conversation.hex"), "w") as out:
        out.write("# whole conversation, one frame per line: 'C ' = client "
                  "to server, 'S ' = server to client; captured from %s\n"
                  % producer)
        out.write("# the first line is the client's protocol header; "
                  "'#' lines are comments\n")
        out.write("%s %s\n" % (CLIENT, client_header.hex()))
        for frame in merged:
            out.write("# %s, channel %d\n" % (frame.describe(), frame.channel))
            out.write("%s %s\n" % (frame.direction, frame.raw.hex()))

    print("captured from", producer)
    print("client frames: %d, server frames: %d" %
          (len(client_frames), len(server_frames)))
    print("publish headers:", type_note)
    print("deliver headers identical to publish headers:",
          publish[1].raw == deliver[1].raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
