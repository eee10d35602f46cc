// Work in flight across a drop: publishes and channel opens while disconnected, operation timeouts, confirm bursts.
#include "recovery_fixture.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <optional>
#include <string>
#include <system_error>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;

TEST_P(recovery_test, publishing_or_opening_a_channel_while_disconnected_follows_the_policy)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const auto policy : {client::while_disconnected::fail, client::while_disconnected::wait}) {
            client::recovery_options recovery;
            recovery.while_disconnected = policy;
            auto conn = co_await connect_robust(recovery);
            auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
            co_await ch.declare_queue("outbox");
            std::optional<std::error_code> outcome;
            std::optional<std::error_code> opened;
            client::robust_channel late;
            // Published and opened from the moment the drop is seen: the connection is down.
            conn.on_connection_lost([&](const client::close_info&) {
                asio::co_spawn(
                    executor,
                    [&]() -> asio::awaitable<void> {
                        std::error_code ec;
                        co_await ch.basic_publish("", "outbox", client::message("m"), false,
                                                  asio::redirect_error(asio::use_awaitable, ec));
                        outcome = ec;
                    },
                    asio::detached);
                asio::co_spawn(
                    executor,
                    [&]() -> asio::awaitable<void> {
                        std::error_code ec;
                        late = co_await conn.channel(client::channel_options{},
                                                     asio::redirect_error(asio::use_awaitable, ec));
                        opened = ec;
                    },
                    asio::detached);
            });
            CO_ASSERT_TRUE(broker().close_connection("app") == 1);
            CO_ASSERT_TRUE(co_await until([&] { return outcome.has_value() && opened.has_value(); }));
            CO_ASSERT_TRUE(co_await until([&] { return conn.is_connected(); }));
            if (policy == client::while_disconnected::fail) {
                EXPECT_EQ(*outcome, client::errc::connection_closed);
                EXPECT_EQ(*opened, client::errc::connection_closed);
                EXPECT_FALSE(late.is_open());
            } else {
                EXPECT_FALSE(*outcome) << outcome->message();
                EXPECT_FALSE(*opened) << opened->message();
                EXPECT_TRUE(late.is_open());
                EXPECT_EQ(broker().channels().size(), 2u);
                EXPECT_EQ(conn.reconnects(), 1u);
            }
            co_await ch.queue_delete("outbox");
            co_await conn.close();
        }
    });
}

TEST_P(recovery_test, an_operation_waiting_for_recovery_times_out)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        client::recovery_options recovery;
        recovery.operation_timeout = 1ms;  // far shorter than the reconnect pause
        auto conn = co_await connect_robust(recovery);
        auto ch = co_await conn.channel();
        std::optional<std::error_code> outcome;
        conn.on_connection_lost([&](const client::close_info&) {
            asio::co_spawn(
                executor,
                [&]() -> asio::awaitable<void> {
                    std::error_code ec;
                    co_await ch.declare_queue("late", client::queue_options{},
                                              asio::redirect_error(asio::use_awaitable, ec));
                    outcome = ec;
                },
                asio::detached);
        });
        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return outcome.has_value(); }));
        EXPECT_EQ(*outcome, client::errc::timeout);
        EXPECT_TRUE(client::is_retriable(*outcome));
        co_await conn.close();
    });
}

TEST_P(recovery_test, every_publish_of_a_confirm_burst_resolves_across_a_forced_close)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const bool republish : {false, true}) {
            client::recovery_options recovery;
            recovery.republish_unconfirmed = republish;
            auto conn = co_await connect_robust(recovery);
            auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
            co_await ch.declare_queue("burst");
            co_await ch.queue_purge("burst");
            constexpr int count = 200;
            int resolved = 0, confirmed = 0, retriable = 0;
            for (int i = 0; i < count; ++i) {
                asio::co_spawn(
                    executor,
                    [&, i]() -> asio::awaitable<void> {
                        std::error_code ec;
                        co_await ch.basic_publish("", "burst", client::message(std::to_string(i)), false,
                                                  asio::redirect_error(asio::use_awaitable, ec));
                        ++resolved;
                        if (ec && !client::is_retriable(ec)) ADD_FAILURE() << "publish " << i << ": " << ec.message();
                        confirmed += !ec;
                        retriable += ec && client::is_retriable(ec);
                    },
                    asio::detached);
            }
            broker().close_connection("app");
            CO_ASSERT_TRUE(co_await until([&] { return resolved == count; }));
            EXPECT_EQ(confirmed + retriable, count) << "a publish failed with a non-retriable error";
            if (republish) {
                EXPECT_EQ(confirmed, count);
                // At least once: every confirmed message is in the queue.
                CO_ASSERT_TRUE(co_await until([&] {
                    const auto q = broker().queue("burst");
                    return q && q->ready >= static_cast<std::size_t>(count);
                }));
            }
            co_await ch.queue_delete("burst");
            co_await conn.close();
        }
    });
}

}  // namespace
}  // namespace amqp::test
