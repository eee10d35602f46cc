#include "client_fixture.hpp"

#include <asio/steady_timer.hpp>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

client::message full_message()
{
    client::message m("hello");
    m.content_type = "text/plain";
    m.content_encoding = "utf-8";
    m.headers.set("x-origin", std::string("test"));
    m.headers.set("x-attempt", std::int32_t{3});
    m.delivery_mode = client::persistent;
    m.priority = 5;
    m.correlation_id = "c-1";
    m.reply_to = "replies";
    m.expiration = std::chrono::milliseconds(60000);
    m.message_id = "m-1";
    m.timestamp = std::chrono::sys_seconds{std::chrono::seconds{1700000000}};
    m.type = "greeting";
    m.user_id = "guest";
    m.app_id = "client_test";
    m.cluster_id = "c";
    return m;
}

TEST_F(client_test, publish_and_get_keep_body_and_every_property)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        const auto sent = full_message();
        co_await ch.default_exchange().publish(sent, q.name());
        std::optional<client::incoming_message> got;
        // basic.publish has no reply: poll get until the message is there (bounded).
        for (int i = 0; i < 100 && !got; ++i) got = co_await q.get();
        CO_ASSERT_TRUE(got.has_value());
        EXPECT_EQ(static_cast<const client::message&>(*got), sent);
        EXPECT_EQ(got->routing_key, q.name());
        EXPECT_EQ(got->exchange, "");
        EXPECT_FALSE(got->redelivered);
        EXPECT_EQ(got->message_count, 0u);
        EXPECT_FALSE(got->ack());
        EXPECT_FALSE((co_await q.get()).has_value());
        co_await conn.close();
    });
}

TEST_F(client_test, confirms_resolve_each_publish)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel({.publisher_confirms = true});
        EXPECT_TRUE(ch.publisher_confirms());
        auto q = co_await ch.declare_queue(queue_name());
        for (int i = 0; i < 10; ++i) co_await ch.basic_publish("", q.name(), client::message("m" + std::to_string(i)));
        auto declared = co_await ch.get_queue(q.name());
        EXPECT_EQ(declared.declared_message_count(), 10u);
        co_await conn.close();
    });
}

TEST_F(client_test, many_confirms_in_flight_resolve_in_order)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel({.publisher_confirms = true});
        auto q = co_await ch.declare_queue(queue_name());
        std::vector<int> order;
        int done = 0;
        constexpr int count = 500;
        for (int i = 0; i < count; ++i) {
            ch.basic_publish("", q.name(), client::message("m"), false, [&, i](std::error_code ec) {
                EXPECT_FALSE(ec) << ec.message();
                order.push_back(i);
                ++done;
            });
        }
        asio::steady_timer wait(io());
        for (int i = 0; i < 1000 && done < count; ++i) {
            auto declared = co_await ch.get_queue(q.name());
            (void)declared;
        }
        CO_ASSERT_EQ(done, count);
        EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
        co_await conn.close();
    });
}

TEST_F(client_test, unroutable_mandatory_publish_fails_with_the_returned_message)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel({.publisher_confirms = true});
        std::vector<std::string> returned_keys;
        ch.on_return([&](const client::returned_message& r) { returned_keys.push_back(r.routing_key); });
        const auto key = queue_name("nowhere");
        try {
            co_await ch.basic_publish("", key, client::message("lost"), true);
            ADD_FAILURE() << "an unroutable mandatory message was confirmed";
        } catch (const client::delivery_error& e) {
            EXPECT_EQ(e.code(), client::errc::message_returned);
            CO_ASSERT_TRUE(e.returned() != nullptr);
            EXPECT_EQ(e.returned()->body, "lost");
            EXPECT_EQ(e.returned()->reply_code, 312);
            EXPECT_EQ(e.returned()->reply_text, "NO_ROUTE");
        }
        EXPECT_THAT(returned_keys, ElementsAre(key));
        // Non-mandatory: dropped by the broker but confirmed.
        co_await ch.basic_publish("", key, client::message("dropped"));
        co_await conn.close();
    });
}

TEST_F(client_test, passive_declare_of_a_missing_queue_throws_the_brokers_404)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        const auto name = queue_name("missing");
        try {
            co_await ch.get_queue(name);
            ADD_FAILURE() << "a missing queue was found";
        } catch (const client::channel_closed_error& e) {
            EXPECT_EQ(e.info().reply_code, 404);
            EXPECT_EQ(e.code(), client::errc::channel_closed);
            EXPECT_EQ(e.info().reply_text, "NOT_FOUND - no queue '" + name + "' in vhost '/'");
            EXPECT_TRUE(e.info().by_broker);
        }
        EXPECT_FALSE(ch.is_open());
        EXPECT_EQ(ch.close_reason().reply_code, 404);
        // Later calls on the closed channel fail with the same reason.
        auto [ec, q] = co_await ch.declare_queue(queue_name(), {}, as_tuple);
        EXPECT_EQ(ec, client::errc::channel_closed);
        EXPECT_EQ(ch.close_reason().reply_code, 404);
        EXPECT_TRUE(conn.is_open());
        co_await conn.close();
    });
}

TEST_F(client_test, consumer_callback_gets_deliveries_and_acks)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        co_await ch.set_qos(10);
        auto q = co_await ch.declare_queue(queue_name());
        std::vector<std::string> bodies;
        const auto tag = co_await q.consume([&](client::incoming_message m) {
            bodies.push_back(m.body);
            EXPECT_FALSE(m.ack());
        });
        EXPECT_THAT(tag, ::testing::StartsWith("amq.ctag-"));
        for (int i = 0; i < 3; ++i)
            co_await ch.default_exchange().publish(client::message("b" + std::to_string(i)), q.name());
        for (int i = 0; i < 100 && bodies.size() < 3; ++i) co_await ch.get_queue(q.name());
        EXPECT_THAT(bodies, ElementsAre("b0", "b1", "b2"));
        co_await q.cancel(tag);
        auto after = co_await ch.get_queue(q.name());
        EXPECT_EQ(after.declared_message_count(), 0u);
        EXPECT_EQ(after.declared_consumer_count(), 0u);
        co_await conn.close();
    });
}

TEST_F(client_test, acking_twice_is_an_error_on_our_side_and_the_channel_stays_open)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        co_await ch.default_exchange().publish(client::message("once"), q.name());
        std::optional<client::incoming_message> m;
        for (int i = 0; i < 100 && !m; ++i) m = co_await q.get();
        CO_ASSERT_TRUE(m.has_value());
        EXPECT_FALSE(m->ack());
        EXPECT_EQ(m->ack(), client::errc::already_settled);
        const auto copy = *m;
        EXPECT_EQ(copy.reject(), client::errc::already_settled);
        co_await ch.get_queue(q.name());
        EXPECT_TRUE(ch.is_open());
        co_await conn.close();
    });
}

TEST_F(client_test, iterator_takes_messages_in_order)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        for (int i = 0; i < 5; ++i)
            co_await ch.default_exchange().publish(client::message(std::to_string(i)), q.name());
        auto it = q.iterator();
        std::vector<std::string> bodies;
        while (bodies.size() < 5) {
            auto m = co_await it.next();
            CO_ASSERT_TRUE(m.has_value());
            bodies.push_back(m->body);
            EXPECT_FALSE(m->ack());
        }
        EXPECT_THAT(bodies, ElementsAre("0", "1", "2", "3", "4"));
        auto [ec, none] = co_await it.next(std::chrono::milliseconds(50), as_tuple);
        EXPECT_EQ(ec, client::errc::timeout);
        co_await it.close();
        EXPECT_FALSE((co_await it.next()).has_value());
        co_await conn.close();
    });
}

TEST_F(client_test, deleting_the_queue_cancels_the_iterator)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        auto it = q.iterator();
        co_await ch.default_exchange().publish(client::message("first"), q.name());
        auto first = co_await it.next();
        CO_ASSERT_TRUE(first.has_value());
        auto other = co_await conn.channel();
        co_await other.queue_delete(q.name());
        auto [ec, m] = co_await it.next(std::chrono::seconds(5), as_tuple);
        EXPECT_EQ(ec, client::errc::consumer_cancelled);
        EXPECT_TRUE(ch.is_open());
        co_await conn.close();
    });
}

TEST_F(client_test, process_guard_acks_or_rejects)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        co_await ch.default_exchange().publish(client::message("job"), q.name());
        auto it = q.iterator();
        auto first = co_await it.next();
        CO_ASSERT_TRUE(first.has_value());
        try {
            auto guard = first->process(true);
            throw std::runtime_error("handler failed");
        } catch (const std::runtime_error&) {}
        auto again = co_await it.next();
        CO_ASSERT_TRUE(again.has_value());
        EXPECT_TRUE(again->redelivered);
        EXPECT_EQ(again->body, "job");
        {
            auto guard = again->process();
        }
        EXPECT_EQ(again->ack(), client::errc::already_settled);
        co_await it.close();
        auto after = co_await ch.get_queue(q.name());
        EXPECT_EQ(after.declared_message_count(), 0u);
        co_await conn.close();
    });
}

TEST_F(client_test, transactions_commit_and_roll_back)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        co_await ch.tx_select();
        co_await ch.default_exchange().publish(client::message("rolled back"), q.name());
        co_await ch.tx_rollback();
        EXPECT_EQ((co_await ch.get_queue(q.name())).declared_message_count(), 0u);
        co_await ch.default_exchange().publish(client::message("committed"), q.name());
        co_await ch.tx_commit();
        EXPECT_EQ((co_await ch.get_queue(q.name())).declared_message_count(), 1u);
        co_await conn.close();
    });
}

TEST_F(client_test, transaction_guard_commits_and_rolls_back_when_dropped)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        {
            auto tx = co_await ch.transaction();
            co_await ch.default_exchange().publish(client::message("kept"), q.name());
            co_await tx.commit();
            EXPECT_FALSE(tx.active());
        }
        {
            auto tx = co_await ch.transaction();
            co_await ch.default_exchange().publish(client::message("dropped"), q.name());
            // Leaving the scope without commit rolls back.
        }
        // The rollback went out first; this reply comes after it.
        EXPECT_EQ((co_await ch.get_queue(q.name())).declared_message_count(), 1u);
        auto m = co_await q.get(true);
        CO_ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->body, "kept");
        co_await conn.close();
    });
}

TEST_F(client_test, topic_routing_through_an_exchange_to_exchange_binding)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto source = co_await ch.declare_exchange(exchange_name("source"), client::exchange_type::topic);
        auto destination = co_await ch.declare_exchange(exchange_name("destination"), client::exchange_type::fanout);
        co_await destination.bind(source.name(), "logs.*.error");
        auto q = co_await ch.declare_queue(queue_name());
        co_await q.bind(destination.name());
        co_await source.publish(client::message("disk full"), "logs.disk.error");
        co_await source.publish(client::message("all fine"), "logs.disk.info");
        std::optional<client::incoming_message> m;
        for (int i = 0; i < 100 && !m; ++i) m = co_await q.get(true);
        CO_ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->body, "disk full");
        EXPECT_EQ(m->exchange, source.name());
        EXPECT_EQ(m->ack(), client::errc::no_ack_delivery);
        EXPECT_FALSE((co_await q.get(true)).has_value());
        co_await destination.unbind(source.name(), "logs.*.error");
        co_await destination.remove();
        co_await source.remove();
        co_await conn.close();
    });
}

TEST_F(client_test, recover_redelivers_unacked_messages)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        co_await ch.default_exchange().publish(client::message("again"), q.name());
        auto it = q.iterator();
        auto first = co_await it.next(std::chrono::seconds(5));
        CO_ASSERT_TRUE(first.has_value());
        EXPECT_FALSE(first->redelivered);
        co_await ch.basic_recover();
        auto second = co_await it.next(std::chrono::seconds(5));
        CO_ASSERT_TRUE(second.has_value());
        EXPECT_TRUE(second->redelivered);
        EXPECT_EQ(second->body, "again");
        // The first delivery's tag died with the recover: settling it fails here, not
        // with a 406 from the broker.
        EXPECT_EQ(first->ack(), client::errc::already_settled);
        EXPECT_FALSE(second->ack());
        co_await conn.close();
    });
}

TEST_F(client_test, unbinding_stops_the_routing)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto x = co_await ch.declare_exchange(exchange_name(), client::exchange_type::direct);
        auto q = co_await ch.declare_queue(queue_name());
        co_await q.bind(x.name(), "k");
        co_await x.publish(client::message("routed"), "k");
        co_await q.unbind(x.name(), "k");
        co_await x.publish(client::message("not routed"), "k");
        EXPECT_EQ((co_await ch.get_queue(q.name())).declared_message_count(), 1u);
        co_await x.remove();
        co_await conn.close();
    });
}

TEST_F(client_test, server_named_exclusive_queue_and_purge)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        client::queue_options exclusive;
        exclusive.exclusive = true;
        auto q = co_await ch.declare_queue("", exclusive);
        EXPECT_THAT(q.name(), ::testing::StartsWith("amq.gen-"));
        for (int i = 0; i < 3; ++i) co_await ch.default_exchange().publish(client::message("x"), q.name());
        co_await ch.get_queue(q.name());
        EXPECT_EQ(co_await q.purge(), 3u);
        EXPECT_EQ(co_await q.remove(), 0u);
        co_await conn.close();
    });
}

TEST_F(client_test, large_bodies_are_split_into_frames)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel({.publisher_confirms = true});
        auto q = co_await ch.declare_queue(queue_name());
        std::string body(1'000'000, 'x');
        for (std::size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
        co_await ch.default_exchange().publish(client::message(body), q.name());
        auto m = co_await q.get(true);
        CO_ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->body, body);
        co_await conn.close();
    });
}

}  // namespace
}  // namespace amqp::test
