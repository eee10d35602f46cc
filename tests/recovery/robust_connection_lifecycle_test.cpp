// The robust connection's life: blocked notices, many reconnects leaving nothing behind, close, first connect, backoff.
#include "recovery_fixture.hpp"

#include <amqp/runtime/virtual_clock.hpp>

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace amqp::test {
namespace {

using testing::ElementsAre;

TEST_P(recovery_test, blocked_and_unblocked_are_observable)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        std::vector<bool> states;
        conn.on_blocked([&](bool blocked, const std::string&) { states.push_back(blocked); });
        broker().set_blocked(true);
        CO_ASSERT_TRUE(co_await until([&] { return states.size() == 1; }));
        broker().set_blocked(false);
        CO_ASSERT_TRUE(co_await until([&] { return states.size() == 2; }));
        EXPECT_THAT(states, ElementsAre(true, false));
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_hundred_reconnects_leave_one_channel_and_one_consumer)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("steady");
        co_await ch.basic_consume("steady", [](client::incoming_message) {});
        for (int i = 1; i <= 100; ++i) {
            CO_ASSERT_TRUE(broker().close_connection("app") == 1);
            CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == static_cast<std::uint64_t>(i); }));
        }
        const auto channels = broker().channels();
        EXPECT_EQ(channels.size(), 1u);
        EXPECT_EQ(broker().connections().size(), 1u);
        const auto q = broker().queue("steady");
        CO_ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->consumers, 1u);
        co_await conn.close();
        EXPECT_TRUE(conn.is_closed());
        CO_ASSERT_TRUE(co_await until([&] { return broker().connections().empty(); }));
    });
}

TEST_P(recovery_test, two_thousand_reconnects_leave_no_timer_channel_or_name_behind)
{
    if (!simulated()) GTEST_SKIP() << "thousands of reconnects take minutes in real time";
    auto& timers = dynamic_cast<runtime::virtual_clock&>(clock());
    run(
        [&]() -> asio::awaitable<void> {
            auto conn = co_await connect_robust();
            auto ch = co_await conn.channel();
            co_await ch.set_qos(10);
            co_await ch.declare_exchange("logs", client::exchange_type::fanout);
            // A server-named queue gets a new name at each recovery; the old ones go.
            const std::string first_name = co_await ch.declare_queue("", client::queue_options{});
            co_await ch.queue_bind(first_name, "logs");
            co_await ch.basic_consume(first_name, [](client::incoming_message) {});
            auto reconnect = [&](std::uint64_t n) -> asio::awaitable<bool> {
                for (std::uint64_t i = conn.reconnects(); i < n; ++i) {
                    if (broker().close_connection("app") != 1) co_return false;
                    if (!co_await until([&] { return conn.reconnects() == i + 1; })) co_return false;
                }
                co_return true;
            };
            CO_ASSERT_TRUE(co_await reconnect(10));
            const std::size_t timers_after_ten = timers.waiting();
            CO_ASSERT_TRUE(co_await reconnect(2000));
            EXPECT_EQ(timers.waiting(), timers_after_ten);
            EXPECT_EQ(broker().connections().size(), 1u);
            EXPECT_EQ(broker().channels().size(), 1u);
            EXPECT_EQ(broker().queues().size(), 1u);
            auto bound_to_logs = [&] {
                const auto all = broker().bindings();
                return std::count_if(all.begin(), all.end(), [](const auto& b) { return b.source == "logs"; });
            };
            EXPECT_EQ(bound_to_logs(), 1);
            // The very first name still leads to the queue of the moment.
            co_await ch.queue_unbind(first_name, "logs");
            EXPECT_EQ(bound_to_logs(), 0);
            co_await conn.close();
        },
        std::chrono::hours(1));
}

TEST_P(recovery_test, closing_stops_recovery_and_fails_what_waits)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await conn.close();
        std::error_code ec;
        co_await ch.declare_queue("after", client::queue_options{}, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        EXPECT_FALSE(ch.is_open());
        EXPECT_EQ(conn.reconnects(), 0u);
    });
}

TEST_P(recovery_test, the_first_connection_fails_fast_or_is_retried_as_asked)
{
    using fakebroker::fault;
    using fakebroker::fault_rule;
    using fakebroker::hook;
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const bool fail_fast : {true, false}) {
            broker().clear_faults();
            // The next two connections are turned away as they are accepted.
            broker().add_fault(fault_rule::on(hook::connection_accepted).nth(1).then(fault::refuse_connections(2)));
            auto o = options();
            o.fail_fast = fail_fast;
            bool failed = false;
            try {
                auto conn = co_await client::robust_connection::connect(executor, o, {}, environment());
                EXPECT_TRUE(conn.is_connected());
                EXPECT_EQ(conn.reconnects(), 0u);
                co_await conn.close();
            } catch (const client::amqp_error&) {
                failed = true;
            }
            EXPECT_EQ(failed, fail_fast);
            EXPECT_EQ(broker().fired_faults().size(), 1u);
        }
    });
}

TEST_P(recovery_test, reconnect_pauses_grow_with_backoff)
{
    using fakebroker::fault;
    using fakebroker::fault_rule;
    using fakebroker::hook;
    if (!simulated()) GTEST_SKIP() << "pauses are measured on the virtual clock";
    run([&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.backoff_multiplier = 2;
        const auto first = options().reconnect_interval;
        recovery.max_interval = 5 * first;
        auto conn = co_await connect_robust(recovery);
        runtime::time_point lost, back;
        conn.on_connection_lost([&](const client::close_info&) { lost = clock().now(); });
        conn.on_reconnected([&] { back = clock().now(); });
        // Four attempts are turned away: pauses 1, 2, 4, 5 (capped) and 5 times the first.
        broker().add_fault(fault_rule::on(hook::method_received)
                               .method("queue.declare")
                               .then(fault::refuse_connections(4))
                               .then(fault::drop()));
        auto ch = co_await conn.channel();
        std::error_code ignored;
        co_await ch.declare_queue("trigger", client::queue_options{},
                                  asio::redirect_error(asio::use_awaitable, ignored));
        CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == 1; }));
        EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(back - lost), (1 + 2 + 4 + 5 + 5) * first);
        co_await conn.close();
    });
}

}  // namespace
}  // namespace amqp::test
