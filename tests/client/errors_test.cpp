// The broker's reply codes surface as typed errors carrying code and text.
#include "client_fixture.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

template <class Awaitable>
asio::awaitable<client::close_info> channel_error_of(Awaitable operation)
{
    try {
        co_await std::move(operation);
    } catch (const client::channel_closed_error& e) {
        EXPECT_EQ(e.code(), client::errc::channel_closed);
        co_return e.info();
    }
    ADD_FAILURE() << "the operation succeeded";
    co_return client::close_info{};
}

TEST_F(client_test, redeclaring_with_other_flags_is_406)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        const auto name = queue_name();
        co_await ch.declare_queue(name);
        client::queue_options durable;
        durable.durable = true;
        const auto info = co_await channel_error_of(ch.declare_queue(name, durable));
        EXPECT_EQ(info.reply_code, 406);
        EXPECT_THAT(info.reply_text, StartsWith("PRECONDITION_FAILED - inequivalent arg 'durable'"));
        EXPECT_EQ(info.class_id, 50);  // queue.declare
        EXPECT_EQ(info.method_id, 10);
        co_await conn.close();
    });
}

TEST_F(client_test, declaring_an_amq_prefixed_exchange_is_403)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        const auto info = co_await channel_error_of(ch.declare_exchange("amq.not-allowed." + queue_name()));
        EXPECT_EQ(info.reply_code, 403);
        EXPECT_THAT(info.reply_text, StartsWith("ACCESS_REFUSED - exchange name 'amq.not-allowed."));
        co_await conn.close();
    });
}

TEST_F(client_test, another_connections_exclusive_queue_is_405)
{
    run([&]() -> asio::awaitable<void> {
        auto owner = co_await connect();
        auto owner_channel = co_await owner.channel();
        const auto name = queue_name();
        client::queue_options exclusive;
        exclusive.exclusive = true;
        co_await owner_channel.declare_queue(name, exclusive);

        auto other = co_await connect();
        auto ch = co_await other.channel();
        const auto info = co_await channel_error_of(ch.declare_queue(name));
        EXPECT_EQ(info.reply_code, 405);
        EXPECT_THAT(info.reply_text,
                    HasSubstr("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + name));
        co_await other.close();
        co_await owner.close();
    });
}

TEST_F(client_test, a_full_queue_with_reject_publish_nacks)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel({.publisher_confirms = true});
        client::queue_options bounded;
        bounded.arguments.set("x-max-length", std::int32_t{1});
        bounded.arguments.set("x-overflow", std::string("reject-publish"));
        auto q = co_await ch.declare_queue(queue_name(), bounded);
        co_await ch.default_exchange().publish(client::message("fits"), q.name());
        try {
            co_await ch.default_exchange().publish(client::message("overflows"), q.name());
            ADD_FAILURE() << "a message over x-max-length was confirmed";
        } catch (const client::delivery_error& e) {
            EXPECT_EQ(e.code(), client::errc::message_nacked);
            EXPECT_EQ(e.returned(), nullptr);
        }
        // The channel stays usable after a nack.
        EXPECT_EQ((co_await ch.get_queue(q.name())).declared_message_count(), 1u);
        co_await conn.close();
    });
}

TEST_F(client_test, prefetch_one_sends_work_to_the_free_consumer)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        auto busy_channel = co_await conn.channel();
        auto free_channel = co_await conn.channel();
        co_await busy_channel.set_qos(1);
        co_await free_channel.set_qos(1);
        std::vector<client::incoming_message> held;  // the busy consumer never acks
        int free_got = 0;
        co_await busy_channel.basic_consume(q.name(),
                                            [&](client::incoming_message m) { held.push_back(std::move(m)); });
        co_await free_channel.basic_consume(q.name(), [&](client::incoming_message m) {
            ++free_got;
            EXPECT_FALSE(m.ack());
        });
        for (int i = 0; i < 10; ++i)
            co_await ch.default_exchange().publish(client::message(std::to_string(i)), q.name());
        for (int i = 0; i < 1000 && free_got + static_cast<int>(held.size()) < 10; ++i) co_await ch.get_queue(q.name());
        EXPECT_EQ(held.size(), 1u);
        EXPECT_EQ(free_got, 9);
        co_await conn.close();
    });
}

TEST_F(client_test, every_confirmed_message_is_consumed_exactly_once)
{
    constexpr int count = 100'000;
    run(
        [&]() -> asio::awaitable<void> {
            auto conn = co_await connect();
            auto consumer_channel = co_await conn.channel();
            co_await consumer_channel.set_qos(1000);
            auto q = co_await consumer_channel.declare_queue(queue_name());
            std::vector<int> seen(count, 0);
            int consumed = 0;
            asio::steady_timer all_consumed(io(), std::chrono::seconds(60));
            co_await q.consume([&](client::incoming_message m) {
                const int id = std::stoi(m.body);
                ++seen.at(id);
                EXPECT_FALSE(m.ack());
                if (++consumed == count) all_consumed.cancel();
            });

            auto publisher = co_await conn.channel({.publisher_confirms = true});
            int confirmed = 0;
            int failed = 0;
            asio::steady_timer all_confirmed(io(), std::chrono::seconds(60));
            for (int i = 0; i < count; ++i) {
                publisher.basic_publish("", q.name(), client::message(std::to_string(i)), false,
                                        [&](std::error_code ec) {
                                            ++(ec ? failed : confirmed);
                                            if (confirmed + failed == count) all_confirmed.cancel();
                                        });
            }
            co_await all_confirmed.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
            EXPECT_EQ(confirmed, count);
            EXPECT_EQ(failed, 0);
            if (consumed < count) co_await all_consumed.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
            EXPECT_EQ(consumed, count);
            EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), count);
            co_await conn.close();
        },
        std::chrono::seconds(120));
}

}  // namespace
}  // namespace amqp::test
