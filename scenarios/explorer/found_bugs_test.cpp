// The bugs the chaos explorer found, each reduced to scripted fault rules in a
// simulation (broker and robust client on one io_context, virtual clock, memory
// pipes), so that each stays fixed. The seeds that found each are in its comment.
#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/world.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace amqp::scenarios::explorer {
namespace {

using namespace std::chrono_literals;
using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

using harness::world;

// A robust connection named "app" with the options the explorer's workload connects
// with (reconnect interval, heartbeat, no fail-fast), so that a bug it found
// reproduces under the same timing.
asio::awaitable<client::robust_connection> connect_as_workload(world& w, client::recovery_options recovery = {})
{
    auto o = w.options("app");
    o.reconnect_interval = 100ms;
    o.connection_timeout = client::connection_options{}.connection_timeout;
    o.heartbeat = 5;
    o.fail_fast = false;
    return w.connect_robust(std::move(o), recovery);
}

// Runs body in the simulated world to its end; fails the test, with what the world
// logged, when it throws or outlives `limit`.
void run(world& w, std::function<asio::awaitable<void>()> body, std::chrono::seconds limit = 120s)
{
    ASSERT_TRUE(w.run([&](world&) { return body(); }, limit)) << w.log().text();
}

// Bug 1 (explorer seeds 488, 26). The broker cancels a consumer; the application
// declares its queue again, which brings the consumer back, and the connection drops
// before that consume completed. The consumer used to stay marked as cancelled for
// good: recovery skipped it and it never came back. Now a declared queue clears the
// mark at once, and recovery starts every consumer not live on the new channel.
TEST(found_bugs, a_consumer_restored_by_a_redeclare_survives_a_reconnect_during_that_consume)
{
    world w;
    w.broker().add_fault(
        fault_rule::on(hook::after_method_sent).method("basic.consume-ok").nth(1).then(fault::cancel_consumer()));
    w.broker().add_fault(fault_rule::on(hook::method_received).method("basic.consume").nth(2).then(fault::drop()));
    run(w, [&]() -> asio::awaitable<void> {
        auto conn = co_await connect_as_workload(w);
        auto ch = co_await conn.channel();
        const std::string queue = "q";
        co_await ch.declare_queue(queue);
        bool cancelled = false;
        conn.on_consumer_cancelled([&](const std::string&, const std::string&) { cancelled = true; });
        co_await ch.basic_consume(queue, [](client::incoming_message) {});
        co_await w.pause(100ms);
        EXPECT_TRUE(cancelled);
        // What the documentation says brings the consumer back.
        auto [ec, name] = co_await ch.declare_queue(queue, client::queue_options{}, as_tuple);
        EXPECT_FALSE(ec) << ec.message();
        co_await w.pause(5s);
        EXPECT_EQ(conn.reconnects(), 1u);
        EXPECT_EQ(w.broker().queue(queue)->consumers, 1u) << "the consumer never came back";
    });
}

// Bug 2 (explorer seed 33). With reopen_closed_channels, a channel the broker closed
// again while it was being reopened used to be reopened twice at once: the reopen
// that failed closed the robust channel for good, the other left a channel open on
// the broker that nobody owned. Now one recovery task per channel retries.
TEST(found_bugs, a_channel_closed_again_while_being_reopened_is_not_leaked)
{
    world w;
    w.broker().add_fault(
        fault_rule::on(hook::method_received).method("queue.declare").nth(2).then(fault::close_channel(406)));
    w.broker().add_fault(
        fault_rule::on(hook::before_method_sent).method("basic.qos-ok").nth(2).then(fault::close_channel(406)));
    run(w, [&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.reopen_closed_channels = true;
        auto conn = co_await connect_as_workload(w, recovery);
        auto ch = co_await conn.channel();
        co_await ch.set_qos(5);
        const std::string queue = "q";
        co_await ch.declare_queue(queue);
        auto [ec, name] = co_await ch.declare_queue(queue, client::queue_options{}, as_tuple);
        EXPECT_TRUE(ec);  // the first fault
        co_await w.pause(2s);
        // Either reopened (one channel on the broker) or given up (none); never an
        // application-closed channel that stays open on the broker.
        EXPECT_EQ(w.broker().channels().size(), ch.is_open() ? 1u : 0u)
            << "robust channel open: " << ch.is_open() << ", broker channels: " << w.broker().channels().size();
    });
}

// Bug 3 (explorer seeds 353, 739, 978). A channel error while recovery restored a
// consumer after a reconnect: the recovery and the channel's close handler both
// reopened the channel, the loser failed with "channel N is in use", and the
// connection reconnected every backoff interval, forever. Now the connection's
// recovery alone restores a channel closed while it runs.
TEST(found_bugs, a_channel_error_while_restoring_a_consumer_does_not_stall_recovery)
{
    world w;
    w.broker().add_fault(
        fault_rule::on(hook::method_received).method("basic.consume").nth(2).then(fault::close_channel(406)));
    run(w, [&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.reopen_closed_channels = true;
        recovery.max_interval = 2s;
        auto conn = co_await connect_as_workload(w, recovery);
        auto ch = co_await conn.channel();
        const std::string queue = "q";
        co_await ch.declare_queue(queue);
        co_await ch.basic_consume(queue, [](client::incoming_message) {});
        w.broker().close_connection("app");
        co_await w.pause(30s);
        EXPECT_TRUE(conn.is_connected());
        EXPECT_EQ(conn.reconnects(), 1u);
        EXPECT_EQ(w.broker().connections().size(), 1u);
    });
}

// Bug 4 (explorer seeds 74, 104, 218, 257, 267). A channel the broker closed right
// after channel.open-ok was closed before the robust channel listened for its close
// (the open's completion is posted): the robust channel counted as ready with a
// closed channel under it, and every operation waited until operation_timeout. Now
// attaching to a closed channel counts as its close.
TEST(found_bugs, a_channel_closed_right_after_it_opened_is_reopened)
{
    world w;
    w.broker().add_fault(
        fault_rule::on(hook::after_method_sent).method("channel.open-ok").nth(1).then(fault::close_channel(406)));
    run(w, [&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.reopen_closed_channels = true;
        recovery.operation_timeout = 5s;
        auto conn = co_await connect_as_workload(w, recovery);
        auto ch = co_await conn.channel();
        co_await w.pause(1s);
        const std::string queue = "q";
        auto [ec, name] = co_await ch.declare_queue(queue, client::queue_options{}, as_tuple);
        EXPECT_FALSE(ec) << ec.message() << " (the channel never came back)";
    });
}

// Bug 5, in the broker's fault code (explorer seeds 578, 980, 100532). A drop fired
// while the broker sent connection.start or connection.tune was undone when the
// handshake moved on to its next state: the connection kept reading, and a second
// fault left it listed by broker::connections() for good while the client waited for
// its connection_timeout. Now the state moves before the send.
TEST(found_bugs, a_drop_after_connection_start_ends_the_connection)
{
    world w;
    w.broker().add_fault(fault_rule::on(hook::after_method_sent).method("connection.start").nth(1).then(fault::drop()));
    w.broker().add_fault(
        fault_rule::on(hook::method_received).method("connection.start-ok").nth(1).then(fault::reset()));
    run(w, [&]() -> asio::awaitable<void> {
        auto conn = co_await connect_as_workload(w);
        co_await w.pause(1s);
        EXPECT_TRUE(conn.is_connected());
        EXPECT_EQ(w.broker().connections().size(), 1u) << "the dropped connection is still listed";
    });
}

// Bug 6 (explorer seeds 109006, 109893, 115898). Recovery declares a queue again and
// the broker refuses it once (a channel error other than 404): the queue used to be
// reported as lost at once, and its consumer then failed with 404 and waited for a
// declare that never came. Now a refused declaration is tried again a few times.
TEST(found_bugs, a_queue_refused_once_during_recovery_is_declared_again)
{
    world w;
    w.broker().add_fault(
        fault_rule::on(hook::method_received).method("queue.declare").nth(2).then(fault::close_channel(406)));
    run(w, [&]() -> asio::awaitable<void> {
        auto conn = co_await connect_as_workload(w);
        std::vector<std::string> failures;
        conn.on_recovery_failed([&](const client::recovery_failure& f) { failures.push_back(f.what); });
        auto ch = co_await conn.channel();
        const std::string queue = "q";
        co_await ch.declare_queue(queue);
        co_await ch.basic_consume(queue, [](client::incoming_message) {});
        w.broker().close_connection("app");
        co_await w.pause(5s);
        EXPECT_EQ(conn.reconnects(), 1u);
        EXPECT_TRUE(failures.empty()) << failures.front();
        const auto restored = w.broker().queue(queue);
        EXPECT_TRUE(restored && restored->consumers == 1u) << "the queue or its consumer was not restored";
    });
}

}  // namespace
}  // namespace amqp::scenarios::explorer
