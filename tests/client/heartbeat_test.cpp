// The client against a broker that completes the handshake and then falls silent:
// missed heartbeats must close the connection with a clear error (not hang).
#include "client_fixture.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/fakebroker/faults.hpp>

#include <asio/co_spawn.hpp>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

TEST(client_heartbeat, a_silent_broker_is_detected_after_two_intervals)
{
    // A broker that proposes a one-second heartbeat and, once the client opens a
    // channel, stops reading, writing and heartbeating (the socket stays open).
    fakebroker::broker_options options;
    options.heartbeat = 1;
    fakebroker::broker broker(std::move(options));
    broker.start();
    broker.add_fault(fault_rule::on(hook::method_received).method("channel.open").then(fault::stall()));

    asio::io_context io;
    std::optional<client::close_info> closed;
    std::error_code pending_failure;
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto conn = co_await client::connect(io.get_executor(), broker.url());
            EXPECT_EQ(conn.tuning().heartbeat, 1);
            conn.on_close([&](const client::close_info& info) { closed = info; });
            // channel.open gets no answer: the heartbeat timeout must fail it.
            auto [ec, ch] = co_await conn.channel({}, as_tuple);
            pending_failure = ec;
        },
        [&](std::exception_ptr e) {
            done = true;
            if (e) std::rethrow_exception(e);
        });
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done) << "the client did not notice the silent broker";
    EXPECT_EQ(pending_failure, client::errc::heartbeat_timeout);
    ASSERT_TRUE(closed.has_value());
    EXPECT_THAT(closed->reply_text, ::testing::HasSubstr("no heartbeat"));
}

}  // namespace
}  // namespace amqp::test
