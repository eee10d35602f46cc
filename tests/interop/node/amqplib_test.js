#!/usr/bin/env node
// Node's amqplib (the promise API, amqplib/channel_api, pinned in package.json) against
// the fake broker or a real RabbitMQ, as applications use it:
//   1 confirms_and_acks          ConfirmChannel publishes, all confirmed; manual acks; queue empty
//   2 channel_error_carry_on     404 on a passive declare and on a publish to a missing
//                                exchange, channel.close crossing the broker's; a new channel
//                                on the same connection keeps working
//   3 close_with_buffered        many publishes still buffered, then connection.close at once:
//                                no 'error' event, no EPIPE; what the broker took is in the queue
//   4 server_named_exclusive     amq.gen-... names; 405 from a second connection; the exclusive
//                                queue is gone once its connection closed
//   5 topic_headers_routing      topic bindings with * and #, headers with x-match all/any
//   6 unbind_after_delete        unbind after the queue or exchange was deleted answers unbind-ok
//   7 localhost_and_ipv6         connects with the host names "localhost" and "[::1]"
//   8 reconnect_loop             the reconnect loop a Node user writes (amqplib 0.10 had none):
//                                on 'close', reconnect with a bounded backoff, redeclare, consume
//   9 builtin_recovery           amqplib's own opt-in `recovery` connect option
// Checks 8 and 9 inject faults through POST /api/faults on the fake broker's management port.
//
// Usage: amqplib_test.js PATH/TO/fakebroker      starts a broker on free ports, runs all checks
//        amqplib_test.js --url amqp://guest:guest@127.0.0.1:5672/
//                                                checks 1-7 against that broker; 8-9 skipped
// Exit code 0 only when every check that ran passed. Every wait is bounded.

'use strict';

const amqp = require('amqplib');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const STEP_TIMEOUT_MS = 10000;
const CHECK_TIMEOUT_MS = 25000;
const WATCHDOG_MS = 110000;

const suffix = crypto.randomBytes(4).toString('hex');
const unique = (what) => `node-amqplib-${what}-${suffix}`;

// Every queue and exchange a check creates, deleted at the end (mode b leaves nothing behind).
const created = { queues: new Set(), exchanges: new Set() };

// Errors nobody caught: a check fails when one arrives while it runs.
const uncaught = [];
process.on('uncaughtException', (err) => uncaught.push(err));
process.on('unhandledRejection', (err) => uncaught.push(err));

class CheckFailed extends Error {}

function amqplibVersion() {
  const file = path.join(path.dirname(require.resolve('amqplib')), 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function fail(message) {
  throw new CheckFailed(message);
}

function show(value) {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 0);
}

function expectEqual(what, expected, actual) {
  if (show(expected) !== show(actual)) fail(`${what}: expected ${show(expected)}, saw ${show(actual)}`);
}

function expectTrue(what, condition, saw) {
  if (!condition) fail(`${what}: saw ${show(saw)}`);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Resolves when condition() holds, polling it every few milliseconds; fails after ms.
async function waitUntil(condition, what, ms = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) fail(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10)); // a bounded poll, not a settle delay
  }
}

function once(emitter, event, what, ms = STEP_TIMEOUT_MS) {
  return withTimeout(new Promise((resolve) => emitter.once(event, (...args) => resolve(args))), ms, what);
}

// The reply text of a channel or connection close as amqplib reports it:
// 'Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - ..."'.
function replyText(err) {
  const match = /with message "(.*)"$/s.exec(err?.message ?? '');
  return match ? match[1] : undefined;
}

async function expectRejected(promise, what) {
  try {
    const value = await promise;
    fail(`${what}: expected the broker to refuse it, saw success ${show(value)}`);
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    return err;
  }
}

function connect(url, name, options = {}) {
  return withTimeout(
    amqp.connect(url, { clientProperties: { connection_name: name }, ...options }),
    STEP_TIMEOUT_MS,
    `connecting to ${url}`,
  );
}

// A connection whose 'error' events are recorded instead of thrown; most checks expect none.
async function openConnection(url, name) {
  const conn = await connect(url, name);
  conn.errors = [];
  conn.on('error', (err) => conn.errors.push(err));
  return conn;
}

async function openChannel(conn, confirm = false) {
  const ch = confirm ? await conn.createConfirmChannel() : await conn.createChannel();
  ch.errors = [];
  ch.closed = false;
  ch.on('error', (err) => ch.errors.push(err));
  ch.on('close', () => {
    ch.closed = true;
  });
  return ch;
}

function publishConfirmed(ch, exchange, key, body, options = {}) {
  return new Promise((resolve, reject) => {
    ch.publish(exchange, key, Buffer.from(body), options, (err) => (err ? reject(err) : resolve()));
  });
}

// basic.get until the queue is empty; the bodies in order.
async function drain(ch, queue) {
  const bodies = [];
  for (;;) {
    const msg = await ch.get(queue, { noAck: true });
    if (msg === false) return bodies;
    bodies.push(msg.content.toString());
  }
}

// ---------------------------------------------------------------------------------------
// 1. Publisher confirms and manual acks.
async function confirmsAndAcks({ url }) {
  const count = 50;
  const queue = unique('confirms');
  const conn = await openConnection(url, 'node-confirms');
  try {
    const pub = await openChannel(conn, true);
    created.queues.add(queue);
    await pub.assertQueue(queue, { durable: false });
    const confirmed = [];
    const confirms = [];
    for (let i = 0; i < count; i++) {
      confirms.push(publishConfirmed(pub, '', queue, `message ${i}`).then(() => confirmed.push(i)));
    }
    await withTimeout(Promise.all(confirms), STEP_TIMEOUT_MS, 'every publish confirmed');
    await withTimeout(pub.waitForConfirms(), STEP_TIMEOUT_MS, 'waitForConfirms');
    expectEqual('confirmed publishes', count, confirmed.length);

    const sub = await openChannel(conn);
    await sub.prefetch(10);
    const received = [];
    const redelivered = [];
    const { consumerTag } = await sub.consume(
      queue,
      (msg) => {
        if (msg === null) return;
        received.push(msg.content.toString());
        if (msg.fields.redelivered) redelivered.push(msg.content.toString());
        sub.ack(msg);
      },
      { noAck: false },
    );
    await waitUntil(() => received.length >= count, `${count} messages consumed (have ${received.length})`);
    expectEqual(
      'bodies consumed in order',
      Array.from({ length: count }, (_, i) => `message ${i}`),
      received,
    );
    expectEqual('redelivered messages', [], redelivered);
    await sub.cancel(consumerTag);
    // The acks went out before basic.cancel on the same channel, so the broker has them.
    const state = await sub.checkQueue(queue);
    expectEqual('queue after acking everything (messageCount, consumerCount)', [0, 0], [
      state.messageCount,
      state.consumerCount,
    ]);
    await sub.deleteQueue(queue);
    created.queues.delete(queue);
    expectEqual('connection errors', [], conn.errors.map(String));
    return `${count} published, ${confirmed.length} confirmed, ${received.length} consumed and acked, queue empty`;
  } finally {
    await conn.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// 2. A channel error, and the program carries on on the same connection.
async function channelErrorCarryOn({ url }) {
  const missingQueue = unique('missing-queue');
  const missingExchange = unique('missing-exchange');
  const conn = await openConnection(url, 'node-channel-error');
  try {
    const ch = await openChannel(conn);
    const closed = once(ch, 'close', 'the channel closed after the passive declare');
    const err = await expectRejected(ch.checkQueue(missingQueue), 'passive declare of a missing queue');
    expectEqual('reply code of the passive declare', 404, err.code);
    expectEqual('reply text', `NOT_FOUND - no queue '${missingQueue}' in vhost '/'`, replyText(err));
    expectEqual('classId/methodId of the failed method (queue.declare)', [50, 10], [err.classId, err.methodId]);
    await closed;
    expectEqual("'error' events on the channel", [404], ch.errors.map((e) => e.code));
    // The channel is gone: amqplib refuses further use with its own error type.
    let refused;
    try {
      await ch.assertQueue(unique('never'));
    } catch (e) {
      refused = e;
    }
    expectTrue(
      'using the closed channel throws amqp.IllegalOperationError',
      refused instanceof amqp.IllegalOperationError,
      String(refused),
    );

    // A publish to a missing exchange: the channel closes asynchronously with 404.
    const ch2 = await openChannel(conn);
    const closed2 = once(ch2, 'close', 'the channel closed after publishing to a missing exchange');
    ch2.publish(missingExchange, 'key', Buffer.from('lost'));
    await closed2;
    expectEqual('channel errors after the publish', [404], ch2.errors.map((e) => e.code));
    expectEqual(
      'reply text',
      `NOT_FOUND - no exchange '${missingExchange}' in vhost '/'`,
      replyText(ch2.errors[0]),
    );

    // A publish to a missing exchange and the application's channel.close at once: the
    // client's close crosses the broker's; the connection must survive it.
    for (let i = 0; i < 3; i++) {
      const crossing = await openChannel(conn);
      crossing.publish(missingExchange, 'key', Buffer.from('lost'));
      await withTimeout(crossing.close(), STEP_TIMEOUT_MS, 'channel.close crossing the broker\'s channel.close');
    }
    expectEqual('connection errors after crossing closes', [], conn.errors.map(String));

    // Carry on: a new channel on the same connection works.
    const ch3 = await openChannel(conn, true);
    const queue = unique('after-error');
    created.queues.add(queue);
    await ch3.assertQueue(queue, { durable: false });
    await publishConfirmed(ch3, '', queue, 'still working');
    await ch3.waitForConfirms();
    const msg = await ch3.get(queue, { noAck: false });
    expectEqual('message on the new channel', 'still working', msg && msg.content.toString());
    ch3.ack(msg);
    await ch3.deleteQueue(queue);
    created.queues.delete(queue);
    expectEqual('connection errors (the connection must survive)', [], conn.errors.map(String));
    await conn.close();
    return 'queue.declare passive -> 404, publish to missing exchange -> 404, three channel.close crossing a 404, then a new channel on the same connection worked';
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// 3. Close a connection with publishes still buffered.
async function closeWithBuffered({ url }) {
  const confirmedCount = 20;
  const count = 5000;
  const body = 'x'.repeat(2000);
  const queue = unique('buffered');
  const setup = await openConnection(url, 'node-buffered-setup');
  const setupCh = await openChannel(setup);
  created.queues.add(queue);
  await setupCh.assertQueue(queue, { durable: false });
  await setup.close();

  const conn = await openConnection(url, 'node-buffered');
  const uncaughtBefore = uncaught.length;
  // The first ones confirmed, so the broker has surely taken them; the rest still buffered
  // in amqplib when close() is called.
  const ch = await openChannel(conn, true);
  for (let i = 0; i < confirmedCount; i++) await publishConfirmed(ch, '', queue, `${i} ${body}`);
  let refusedWrites = 0;
  for (let i = confirmedCount; i < count; i++) {
    if (!ch.sendToQueue(queue, Buffer.from(`${i} ${body}`))) refusedWrites++;
  }
  let closeError;
  try {
    await withTimeout(conn.close(), STEP_TIMEOUT_MS, 'connection.close with publishes buffered');
  } catch (err) {
    closeError = err;
  }
  // The socket may report EPIPE/ECONNRESET after close-ok, as an 'error' event or uncaught:
  // give pending I/O callbacks one turn of the event loop before looking.
  await new Promise((resolve) => setImmediate(resolve));
  const problems = [
    ...(closeError ? [`close() rejected: ${closeError}`] : []),
    ...conn.errors.map((e) => `connection 'error' event: ${e.code ?? ''} ${e}`),
    ...ch.errors.map((e) => `channel 'error' event: ${e}`),
    ...uncaught.slice(uncaughtBefore).map((e) => `uncaught: ${e.code ?? ''} ${e}`),
  ];
  uncaught.splice(uncaughtBefore);
  expectEqual('errors while closing with publishes buffered', [], problems);

  const check = await openConnection(url, 'node-buffered-check');
  try {
    const checkCh = await openChannel(check);
    const { messageCount } = await checkCh.checkQueue(queue);
    expectTrue(
      `between the ${confirmedCount} confirmed and all ${count} messages in the queue`,
      messageCount >= confirmedCount && messageCount <= count,
      messageCount,
    );
    const bodies = await drain(checkCh, queue);
    expectEqual('messages read back = messageCount', messageCount, bodies.length);
    const prefix = bodies.every((b, i) => b === `${i} ${body}`);
    expectTrue('the queue holds a prefix of what was published, in order', prefix, bodies.slice(0, 3));
    await checkCh.deleteQueue(queue);
    created.queues.delete(queue);
    return `${confirmedCount} confirmed, then ${count - confirmedCount} publishes buffered (${refusedWrites} over the high-water mark); close() completed cleanly; ${messageCount} in the queue, in order`;
  } finally {
    await check.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// 4. Server-named and exclusive queues.
async function serverNamedExclusive({ url }) {
  const owner = await openConnection(url, 'node-exclusive-owner');
  const other = await openConnection(url, 'node-exclusive-other');
  try {
    const ch = await openChannel(owner);
    const named = await ch.assertQueue('', { durable: false, autoDelete: false });
    created.queues.add(named.queue);
    expectTrue('server-named queue name', /^amq\.gen-[A-Za-z0-9_-]{22}$/.test(named.queue), named.queue);
    await ch.deleteQueue(named.queue);
    created.queues.delete(named.queue);

    const excl = await ch.assertQueue('', { exclusive: true });
    expectTrue('exclusive server-named queue name', /^amq\.gen-/.test(excl.queue), excl.queue);
    expectEqual('declare-ok counts', [0, 0], [excl.messageCount, excl.consumerCount]);
    const queue = unique('exclusive');
    await ch.assertQueue(queue, { exclusive: true });

    const lockedText = (name) =>
      `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '${name}' in vhost '/'. ` +
      'It could be originally declared on another connection or the exclusive property value does not ' +
      'match that of the original declaration.';
    // From a second connection, each attempt on a channel of its own (each one closes it).
    const refusals = [];
    const attempt = async (what, action) => {
      const och = await openChannel(other);
      const err = await expectRejected(action(och), `${what} from a second connection`);
      refusals.push(`${what}: ${err.code} ${replyText(err) ?? err.message}`);
    };
    await attempt('declare', (c) => c.assertQueue(queue, { exclusive: true }));
    await attempt('passive declare', (c) => c.checkQueue(queue));
    await attempt('consume', (c) => c.consume(queue, () => {}));
    await attempt('passive declare of the server-named one', (c) => c.checkQueue(excl.queue));
    expectEqual(
      'refusals',
      [
        `declare: 405 ${lockedText(queue)}`,
        `passive declare: 405 ${lockedText(queue)}`,
        `consume: 405 ${lockedText(queue)}`,
        `passive declare of the server-named one: 405 ${lockedText(excl.queue)}`,
      ],
      refusals,
    );
    expectEqual('the second connection survives its channel errors', [], other.errors.map(String));

    await owner.close();
    // RabbitMQ deletes an exclusive queue when its owner connection has gone; look until it did.
    for (const q of [queue, excl.queue]) {
      let lastSeen;
      await waitUntil(async () => {
        const probe = await openChannel(other);
        try {
          lastSeen = await probe.checkQueue(q);
          await probe.close();
          return false;
        } catch (e) {
          lastSeen = e;
          return e.code === 404;
        }
      }, `the exclusive queue ${q} is gone after its connection closed`);
      expectEqual(`reply text of a passive declare of ${q} after the owner closed`, `NOT_FOUND - no queue '${q}' in vhost '/'`, replyText(lastSeen));
    }
    return `${named.queue}, ${excl.queue}, ${queue}; 405 on declare, passive declare and consume from another connection; 404 after the owner closed`;
  } finally {
    await owner.close().catch(() => {});
    await other.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// 5. Topic and headers routing.
async function topicHeadersRouting({ url }) {
  const conn = await openConnection(url, 'node-routing');
  try {
    const ch = await openChannel(conn, true);
    const topic = unique('topic');
    const headers = unique('headers');
    created.exchanges.add(topic);
    created.exchanges.add(headers);
    await ch.assertExchange(topic, 'topic', { durable: false });
    await ch.assertExchange(headers, 'headers', { durable: false });

    const topicBindings = {
      star: 'orders.*',
      hash: 'orders.#',
      middle: '*.eu.#',
      all: '#',
      exact: 'orders.new.eu',
    };
    const headerBindings = {
      matchAll: { 'x-match': 'all', format: 'pdf', type: 'report' },
      matchAny: { 'x-match': 'any', format: 'pdf', type: 'log' },
      defaultAll: { format: 'zip' }, // no x-match: "all"
    };
    const queues = {};
    for (const [label, pattern] of Object.entries(topicBindings)) {
      queues[label] = unique(`topic-${label}`);
      created.queues.add(queues[label]);
      await ch.assertQueue(queues[label], { durable: false });
      await ch.bindQueue(queues[label], topic, pattern);
    }
    for (const [label, args] of Object.entries(headerBindings)) {
      queues[label] = unique(`headers-${label}`);
      created.queues.add(queues[label]);
      await ch.assertQueue(queues[label], { durable: false });
      await ch.bindQueue(queues[label], headers, '', args);
    }

    const keys = ['orders', 'orders.new', 'orders.new.eu', 'shipping.eu', 'a.eu.b.c', 'eu', 'orders..x'];
    for (const key of keys) await publishConfirmed(ch, topic, key, key);
    const messages = {
      'pdf-report': { format: 'pdf', type: 'report' },
      'pdf-report-extra': { format: 'pdf', type: 'report', lang: 'en' },
      'pdf-only': { format: 'pdf' },
      'log-only': { type: 'log' },
      'zip-report': { format: 'zip', type: 'report' },
      none: {},
    };
    for (const [body, hdrs] of Object.entries(messages)) {
      await publishConfirmed(ch, headers, 'ignored', body, { headers: hdrs });
    }
    await ch.waitForConfirms();

    const expected = {
      star: ['orders.new'],
      hash: ['orders', 'orders.new', 'orders.new.eu', 'orders..x'],
      middle: ['shipping.eu', 'a.eu.b.c'],
      all: keys,
      exact: ['orders.new.eu'],
      matchAll: ['pdf-report', 'pdf-report-extra'],
      matchAny: ['pdf-report', 'pdf-report-extra', 'pdf-only', 'log-only'],
      defaultAll: ['zip-report'],
    };
    const seen = {};
    for (const label of Object.keys(expected)) seen[label] = await drain(ch, queues[label]);
    expectEqual('messages per queue', expected, seen);

    for (const q of Object.values(queues)) {
      await ch.deleteQueue(q);
      created.queues.delete(q);
    }
    await ch.deleteExchange(topic);
    await ch.deleteExchange(headers);
    created.exchanges.delete(topic);
    created.exchanges.delete(headers);
    return `${Object.keys(expected).length} queues got exactly the expected messages`;
  } finally {
    await conn.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// 6. Cleanup as applications do it: unbind after the queue or exchange was deleted.
async function unbindAfterDelete({ url }) {
  const conn = await openConnection(url, 'node-cleanup');
  const results = [];
  try {
    const ch = await openChannel(conn);
    const exchange = unique('cleanup-x');
    const source = unique('cleanup-src');
    const queue = unique('cleanup-q');
    created.exchanges.add(exchange);
    created.exchanges.add(source);
    created.queues.add(queue);
    await ch.assertExchange(exchange, 'direct', { durable: false });
    await ch.assertExchange(source, 'fanout', { durable: false });
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, 'k');
    await ch.bindExchange(exchange, source, '');

    // Each step on its own channel, so that one refusal does not hide the next.
    const step = async (what, action) => {
      const c = await openChannel(conn);
      try {
        await action(c);
        results.push(`${what}: ok`);
        await c.close();
      } catch (err) {
        results.push(`${what}: ${err.code ?? ''} ${replyText(err) ?? err.message}`);
      }
    };
    await step('queue.delete', (c) => c.deleteQueue(queue));
    created.queues.delete(queue);
    await step('queue.unbind of the deleted queue', (c) => c.unbindQueue(queue, exchange, 'k'));
    await step('exchange.delete of the source', (c) => c.deleteExchange(source));
    created.exchanges.delete(source);
    await step('exchange.unbind from the deleted source', (c) => c.unbindExchange(exchange, source, ''));
    await step('exchange.delete', (c) => c.deleteExchange(exchange));
    created.exchanges.delete(exchange);
    await step('queue.unbind from the deleted exchange', (c) => c.unbindQueue(queue, exchange, 'k'));
    await step('exchange.unbind, both deleted', (c) => c.unbindExchange(exchange, source, ''));

    expectEqual(
      'each cleanup step',
      [
        'queue.delete: ok',
        'queue.unbind of the deleted queue: ok',
        'exchange.delete of the source: ok',
        'exchange.unbind from the deleted source: ok',
        'exchange.delete: ok',
        'queue.unbind from the deleted exchange: ok',
        'exchange.unbind, both deleted: ok',
      ],
      results,
    );
    expectEqual('connection errors', [], conn.errors.map(String));
    return 'every unbind after a delete answered unbind-ok';
  } finally {
    await conn.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// 7. Host names: "localhost", and "[::1]" as on a machine where localhost resolves to ::1 first.
// Whether this machine has ::1 to listen on; without it only "localhost" is checked.
function hasIpv6Loopback() {
  return new Promise((resolve) => {
    const server = require('net').createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

async function localhostAndIpv6({ url }) {
  const results = [];
  const hosts = (await hasIpv6Loopback()) ? ['localhost', '[::1]'] : ['localhost'];
  for (const host of hosts) {
    const u = new URL(url);
    u.hostname = host;
    try {
      const conn = await connect(u.toString(), `node-host-${host}`);
      conn.on('error', () => {});
      const ch = await conn.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      await conn.close();
      results.push(`${host}: ok${/^amq\.gen-/.test(queue) ? '' : ` (odd queue name ${queue})`}`);
    } catch (err) {
      results.push(`${host}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '));
    }
  }
  expectEqual('connect, declare and close by host name', hosts.map((h) => `${h}: ok`), results);
  return `connected to ${results.join(', ')}`;
}

// ---------------------------------------------------------------------------------------
// The management API of the fake broker.
async function api(httpUrl, method, path, body) {
  const res = await withTimeout(
    fetch(new URL(path, httpUrl), {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    STEP_TIMEOUT_MS,
    `${method} ${path}`,
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function addFault(httpUrl, rule) {
  const res = await api(httpUrl, 'POST', 'api/faults', rule);
  expectEqual(`POST /api/faults ${JSON.stringify(rule)} status`, 201, res.status);
  return res.body.ids[0];
}

// The faults both reconnect checks live through, for a connection named `name`: a forced
// close at the next publish with the following two connection attempts refused (the backoff
// must retry), then a TCP reset at the next ack (that delivery comes back redelivered).
function faultsFor(name) {
  return [
    {
      trigger: 'publish',
      rule: {
        name: `${name}: forced close at a publish`,
        on: 'method_received',
        connection: name,
        method: 'basic.publish',
        nth: 1,
        then: [
          { action: 'refuse_connections', count: 2, how: 'at_accept' },
          { action: 'close_connection', code: 320, text: 'CONNECTION_FORCED - Closed via management plugin' },
        ],
      },
    },
    {
      trigger: 'ack',
      rule: { name: `${name}: reset at an ack`, on: 'method_received', connection: name, method: 'basic.ack', nth: 1, then: 'reset' },
    },
  ];
}

// Drives a client through faultsFor(name): `client` has publish(body) (resolves on the
// confirm), received (bodies in order), redelivered (bodies), connects (count) and
// waitReady().
async function liveThroughFaults(client, name, httpUrl) {
  await api(httpUrl, 'DELETE', 'api/faults');
  await client.waitReady();
  await client.publish('before');
  await waitUntil(() => client.received.includes('before'), 'the first message is consumed');
  const steps = [];
  for (const [index, { trigger, rule }] of faultsFor(name).entries()) {
    const number = index + 1;
    const connectsBefore = client.connects;
    // A round trip on the consumer's channel first: the broker has then taken the acks
    // sent so far, so a rule on "the next basic.ack" matches the next one, not one in flight.
    await client.roundTrip();
    await addFault(httpUrl, rule);
    // The triggering publish may be lost with the connection: its outcome is not checked.
    client.publish(`trips fault ${number}`).catch(() => {});
    await waitUntil(
      () => client.connects > connectsBefore,
      `the client reconnected after fault ${number} (${trigger}); connects=${client.connects}`,
    );
    await client.waitReady();
    await client.publish(`after fault ${number}`);
    await waitUntil(
      () => client.received.includes(`after fault ${number}`),
      `the restored consumer got "after fault ${number}"; received ${show(client.received)}`,
    );
    steps.push(`fault ${number} (${trigger}) -> reconnected`);
  }
  // The publish that trips fault 1 is refused with its connection; the delivery whose ack
  // trips fault 2 is requeued by the broker and comes again, redelivered, before what follows.
  expectEqual(
    'bodies consumed across both faults',
    ['before', 'after fault 1', 'trips fault 2', 'trips fault 2', 'after fault 2'],
    client.received,
  );
  expectEqual('bodies redelivered', ['trips fault 2'], client.redelivered);
  const fired = (await api(httpUrl, 'GET', 'api/faults')).body.fired;
  expectEqual(
    'fired faults (rule name, method)',
    faultsFor(name).map(({ rule }) => [rule.name, rule.method]),
    fired.map((f) => [f.rule_name, f.method]),
  );
  return steps;
}

// The reconnect loop a Node application writes around amqplib: one connection with a
// confirm channel for publishing and a consumer; on 'close' it reconnects with a bounded
// exponential backoff, redeclares its queue and consumes again.
class ReconnectingWorker {
  constructor(url, name, queue) {
    this.url = url;
    this.name = name;
    this.queue = queue;
    this.received = [];
    this.redelivered = [];
    this.connects = 0;
    this.attempts = 0;
    this.errors = [];
    this.channel = null;
    this.stopped = false;
    this.failure = null;
  }

  async start() {
    await this.connect();
  }

  async connect() {
    this.attempts++;
    const conn = await amqp.connect(this.url, { clientProperties: { connection_name: this.name } });
    conn.on('error', (err) => this.errors.push(err));
    conn.on('close', () => {
      this.channel = null;
      if (!this.stopped && this.conn === conn) this.reconnect();
    });
    try {
      const ch = await conn.createConfirmChannel();
      ch.on('error', (err) => this.errors.push(err));
      await ch.assertQueue(this.queue, { durable: false });
      await ch.prefetch(10);
      await ch.consume(this.queue, (msg) => {
        if (msg === null) return; // cancelled by the broker; the 'close' path recovers
        const body = msg.content.toString();
        this.received.push(body);
        if (msg.fields.redelivered) this.redelivered.push(body);
        ch.ack(msg);
      });
      this.conn = conn;
      this.channel = ch;
      this.connects++;
    } catch (err) {
      conn.close().catch(() => {});
      throw err;
    }
  }

  async reconnect() {
    for (let attempt = 0; attempt < 20 && !this.stopped; attempt++) {
      const delay = Math.min(1000, 25 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, delay)); // the backoff itself
      try {
        await this.connect();
        return;
      } catch (err) {
        this.errors.push(err);
      }
    }
    this.failure = new Error(`gave up reconnecting after ${this.attempts} attempts`);
  }

  waitReady() {
    return waitUntil(() => {
      if (this.failure) throw this.failure;
      return this.channel !== null;
    }, `the worker ${this.name} is connected`);
  }

  async roundTrip() {
    await this.waitReady();
    await withTimeout(this.channel.checkQueue(this.queue), STEP_TIMEOUT_MS, 'a round trip on the channel');
  }

  async publish(body) {
    await this.waitReady();
    return withTimeout(publishConfirmed(this.channel, '', this.queue, body), STEP_TIMEOUT_MS, `confirm of "${body}"`);
  }

  async stop() {
    this.stopped = true;
    if (this.conn) await this.conn.close().catch(() => {});
  }
}

// 8. The hand-written reconnect loop under faults.
async function reconnectLoop({ url, httpUrl }) {
  const name = 'node-reconnect-loop';
  const queue = unique('reconnect-loop');
  created.queues.add(queue);
  const worker = new ReconnectingWorker(url, name, queue);
  try {
    await worker.start();
    const steps = await liveThroughFaults(worker, name, httpUrl);
    expectTrue('connection attempts refused by the first fault were retried', worker.attempts >= 5, worker.attempts);
    return `${steps.join(', ')}; ${worker.connects} connections in ${worker.attempts} attempts; received ${show(worker.received)}`;
  } finally {
    await worker.stop();
  }
}

// 9. amqplib's own opt-in recovery: connect(url, {recovery: {..., setup}}).
async function builtinRecovery({ url, httpUrl }) {
  const name = 'node-builtin-recovery';
  const queue = unique('builtin-recovery');
  created.queues.add(queue);
  const state = {
    received: [],
    redelivered: [],
    connects: 0,
    failedAttempts: 0,
    channel: null,
    errors: [],
  };
  const conn = await connect(url, name, {
    recovery: {
      initialDelay: 25,
      maxDelay: 1000,
      factor: 2,
      jitter: 0.1,
      maxRetries: 20,
      async setup(model) {
        const ch = await model.createConfirmChannel();
        ch.on('error', (err) => state.errors.push(err));
        await ch.assertQueue(queue, { durable: false });
        await ch.prefetch(10);
        await ch.consume(queue, (msg) => {
          if (msg === null) return;
          const body = msg.content.toString();
          state.received.push(body);
          if (msg.fields.redelivered) state.redelivered.push(body);
          ch.ack(msg);
        });
        ch.on('close', () => {
          if (state.channel === ch) state.channel = null;
        });
        state.channel = ch;
      },
    },
  });
  conn.on('error', (err) => state.errors.push(err));
  conn.on('connect', () => state.connects++);
  conn.on('connect-failed', () => state.failedAttempts++);
  let failure = null;
  conn.on('reconnect-failed', (err) => {
    failure = err;
  });
  state.connects = 1; // connect() resolved after the first connection and its setup
  const client = {
    get received() {
      return state.received;
    },
    get redelivered() {
      return state.redelivered;
    },
    get connects() {
      return state.connects;
    },
    waitReady: () =>
      waitUntil(() => {
        if (failure) throw failure;
        return state.channel !== null;
      }, 'amqplib recovered the connection'),
    roundTrip: async () => {
      await client.waitReady();
      await withTimeout(state.channel.checkQueue(queue), STEP_TIMEOUT_MS, 'a round trip on the channel');
    },
    publish: async (body) => {
      await client.waitReady();
      return withTimeout(publishConfirmed(state.channel, '', queue, body), STEP_TIMEOUT_MS, `confirm of "${body}"`);
    },
  };
  try {
    const steps = await liveThroughFaults(client, name, httpUrl);
    expectTrue('refused connection attempts were retried (connect-failed events)', state.failedAttempts >= 2, state.failedAttempts);
    return `${steps.join(', ')}; ${state.connects} connections, ${state.failedAttempts} failed attempts; received ${show(state.received)}`;
  } finally {
    await conn.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// The broker process (mode a).
class Broker {
  constructor(binary) {
    this.binary = binary;
    this.output = [];
  }

  start() {
    this.proc = spawn(this.binary, ['--port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    const lines = readline.createInterface({ input: this.proc.stdout });
    readline.createInterface({ input: this.proc.stderr }).on('line', (line) => this.output.push(line));
    return withTimeout(
      new Promise((resolve, reject) => {
        let amqpUrl;
        lines.on('line', (line) => {
          this.output.push(line);
          const a = /listening on (amqp:\/\/\S+)/.exec(line);
          if (a) amqpUrl = a[1];
          const h = /management API on (http:\/\/\S+)/.exec(line);
          if (h && amqpUrl) resolve({ url: amqpUrl, httpUrl: h[1] });
        });
        this.proc.once('error', reject);
        this.exited.then(({ code, signal }) =>
          reject(new Error(`the broker exited (${code ?? signal}) before it was ready: ${this.output.join(' | ')}`)),
        );
      }),
      STEP_TIMEOUT_MS,
      'the broker printed its URLs',
    );
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    try {
      await withTimeout(this.exited, STEP_TIMEOUT_MS, 'the broker exits on SIGTERM');
    } catch {
      this.proc.kill('SIGKILL');
      await withTimeout(this.exited, STEP_TIMEOUT_MS, 'the broker exits on SIGKILL').catch(() => {});
    }
  }
}

async function cleanup(url) {
  if (created.queues.size === 0 && created.exchanges.size === 0) return;
  const conn = await openConnection(url, 'node-cleanup-leftovers').catch(() => null);
  if (!conn) return;
  for (const q of created.queues) {
    const ch = await conn.createChannel().catch(() => null);
    if (ch) await ch.deleteQueue(q).catch(() => {});
  }
  for (const x of created.exchanges) {
    const ch = await conn.createChannel().catch(() => null);
    if (ch) await ch.deleteExchange(x).catch(() => {});
  }
  await conn.close().catch(() => {});
}

const CHECKS = [
  ['confirms_and_acks', confirmsAndAcks, false],
  ['channel_error_carry_on', channelErrorCarryOn, false],
  ['close_with_buffered', closeWithBuffered, false],
  ['server_named_exclusive', serverNamedExclusive, false],
  ['topic_headers_routing', topicHeadersRouting, false],
  ['unbind_after_delete', unbindAfterDelete, false],
  ['localhost_and_ipv6', localhostAndIpv6, false],
  ['reconnect_loop', reconnectLoop, true],
  ['builtin_recovery', builtinRecovery, true],
];

async function main(argv) {
  const usage = 'usage: amqplib_test.js PATH/TO/fakebroker | --url AMQP_URL [CHECK...]';
  let target;
  let broker;
  let rest;
  if (argv[0] === '--url' && argv[1]) {
    target = { url: argv[1], httpUrl: null };
    rest = argv.slice(2);
  } else if (argv[0] && !argv[0].startsWith('-')) {
    broker = new Broker(argv[0]);
    rest = argv.slice(1);
  } else {
    console.error(usage);
    return 2;
  }
  const only = new Set(rest);
  const watchdog = setTimeout(() => {
    console.error(`FAIL: the whole run took longer than ${WATCHDOG_MS} ms`);
    if (broker?.proc) broker.proc.kill('SIGKILL');
    process.exit(1);
  }, WATCHDOG_MS);

  let failed = 0;
  try {
    if (broker) {
      target = await broker.start();
      console.log(`fake broker at ${target.url}, management API at ${target.httpUrl}`);
    } else {
      console.log(`broker at ${target.url}`);
    }
    console.log(`amqplib ${amqplibVersion()}, node ${process.version}`);
    for (const [name, run, needsFaults] of CHECKS) {
      if (only.size > 0 && !only.has(name)) continue;
      if (needsFaults && !target.httpUrl) {
        console.log(`SKIP ${name}: fault injection needs the fake broker's /api/faults (not with --url)`);
        continue;
      }
      const uncaughtBefore = uncaught.length;
      const started = Date.now();
      try {
        const summary = await withTimeout(run(target), CHECK_TIMEOUT_MS, name);
        const stray = uncaught.splice(uncaughtBefore);
        if (stray.length > 0) fail(`uncaught errors: ${stray.map(String).join('; ')}`);
        console.log(`PASS ${name} (${Date.now() - started} ms): ${summary}`);
      } catch (err) {
        failed++;
        const stray = uncaught.splice(uncaughtBefore).map(String);
        const detail = err instanceof CheckFailed ? err.message : `unexpected error: ${err?.stack ?? err}`;
        console.log(`FAIL ${name} (${Date.now() - started} ms): ${detail}${stray.length ? ` [uncaught: ${stray.join('; ')}]` : ''}`);
      }
    }
    await withTimeout(cleanup(target.url), STEP_TIMEOUT_MS, 'deleting leftovers').catch((err) =>
      console.log(`warning: cleanup: ${err.message}`),
    );
  } catch (err) {
    failed++;
    console.log(`FAIL setup: ${err?.stack ?? err}`);
  } finally {
    if (broker) {
      await broker.stop();
      if (failed > 0) for (const line of broker.output.slice(-20)) console.log(`  broker: ${line}`);
    }
    clearTimeout(watchdog);
  }
  console.log(failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
