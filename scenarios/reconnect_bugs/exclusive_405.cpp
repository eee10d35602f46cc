// 9. Recovery redeclares an exclusive queue before the broker has released the old
// connection's: 405 RESOURCE_LOCKED. Clients give up on the queue (and everything bound
// to it) as if the error were final.
#include "reproductions.hpp"

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> exclusive_queue_still_locked(world& w)
{
    client::recovery_options recovery;
    recovery.locked_retries = 10;
    recovery.locked_retry_delay = std::chrono::milliseconds(100);
    auto conn = co_await w.connect_robust(recovery);
    int failures = 0;
    conn.on_recovery_failed([&](const client::recovery_failure& f) {
        w.say("app: recovery failed for " + f.what);
        ++failures;
    });
    auto ch = co_await conn.channel();
    client::queue_options exclusive;
    exclusive.exclusive = true;
    co_await ch.declare_queue("session", exclusive);
    int received = 0;
    client::consume_options no_ack;
    no_ack.no_ack = true;
    co_await ch.basic_consume(
        "session", [&](client::incoming_message) { ++received; }, no_ack);

    // Rules count from when they are added: the first three redeclarations after the
    // drop find the queue still locked.
    w.broker().add_fault(fault_rule::on(hook::method_received)
                             .method("queue.declare")
                             .first(3)
                             .then(fault::close_channel(405,
                                                        "RESOURCE_LOCKED - cannot obtain exclusive access to "
                                                        "locked queue 'session' in vhost '/'")));
    w.broker().close_connection("app");
    if (!(co_await w.until([&] { return conn.reconnects() == 1; }))) throw reproduction_failed("no recovery");
    expect(failures == 0, "405 was treated as final");
    expect(w.broker().fired_faults().size() == 3, "the queue was not locked three times");
    auto other = co_await w.connect_plain();
    auto publisher = co_await other.channel();
    co_await publisher.basic_publish("", "session", client::message("welcome back"));
    if (!(co_await w.until([&] { return received == 1; }))) throw reproduction_failed("the consumer was not restored");
    co_await other.close();
    co_await conn.close();
}

}  // namespace amqp::scenarios
