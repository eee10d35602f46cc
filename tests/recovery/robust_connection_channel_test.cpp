// Channels the broker closes: reopened and restored under reopen_closed_channels, closed with the reason without it.
#include "recovery_fixture.hpp"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <optional>
#include <system_error>
#include <vector>

namespace amqp::test {
namespace {

TEST_P(recovery_test, a_channel_the_broker_closed_is_reopened_and_restored_when_asked)
{
    run([&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.reopen_closed_channels = true;
        auto conn = co_await connect_robust(recovery);
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("jobs");
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("jobs", [&](client::incoming_message m) {
            m.ack();
            received.push_back(std::move(m));
        });
        // 404 on a missing exchange closes the channel; the connection stays up.
        bool refused = false;
        client::exchange_options passive;
        passive.passive = true;
        try {
            co_await ch.declare_exchange("missing", client::exchange_type::direct, passive);
        } catch (const client::channel_closed_error& e) {
            refused = e.info().reply_code == 404;
        }
        CO_ASSERT_TRUE(refused);
        CO_ASSERT_TRUE(co_await until([&] { return log.count("channel 1") == 1; }));
        EXPECT_TRUE(ch.is_open());
        EXPECT_EQ(conn.reconnects(), 0u);
        co_await ch.basic_publish("", "jobs", client::message("still consumed"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        co_await conn.close();
    });
}

TEST_P(recovery_test, without_the_reopen_policy_a_broker_closed_channel_stays_closed_and_says_why)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        std::optional<client::close_info> closed;
        ch.on_close([&](const client::close_info& why) { closed = why; });
        client::queue_options passive;
        passive.passive = true;
        std::error_code ec;
        co_await ch.declare_queue("absent", passive, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        CO_ASSERT_TRUE(co_await until([&] { return closed.has_value(); }));
        EXPECT_EQ(closed->reply_code, 404);
        EXPECT_FALSE(ch.is_open());
        ec = {};
        co_await ch.declare_queue("q", client::queue_options{}, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        co_await conn.close();
    });
}

}  // namespace
}  // namespace amqp::test
