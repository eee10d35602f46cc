// What the robust connection restores after a reconnect or restart: topology, server-named queues, deliveries, consumers.
#include "recovery_fixture.hpp"

#include <asio/awaitable.hpp>

#include <gmock/gmock.h>

#include <string>
#include <vector>

namespace amqp::test {
namespace {

using testing::ElementsAre;

TEST_P(recovery_test, a_forced_close_restores_channels_exchanges_queues_bindings_and_consumers)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        co_await conn.channel();  // channel 1, never used: the next keeps its number 2
        auto ch = co_await conn.channel();
        CO_ASSERT_TRUE(ch.number() == 2);
        co_await ch.declare_exchange("orders", client::exchange_type::topic);
        co_await ch.declare_queue("billing");
        co_await ch.queue_bind("billing", "orders", "order.*");
        co_await ch.set_qos(10);
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("billing", [&](client::incoming_message m) {
            m.ack();
            received.push_back(std::move(m));
        });

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return log.count("reconnected") == 1; }));
        EXPECT_THAT(log.events, ElementsAre("lost 320", "channel 1", "channel 2", "reconnected"));
        EXPECT_TRUE(conn.is_connected());
        EXPECT_EQ(conn.reconnects(), 1u);
        EXPECT_EQ(ch.number(), 2);
        EXPECT_EQ(ch.current().number(), 2);

        auto other = co_await connect_plain();
        auto publisher = co_await other.channel();
        co_await publisher.basic_publish("orders", "order.created", client::message("after"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        EXPECT_THAT(bodies(received), ElementsAre("after"));
        const auto q = broker().queue("billing");
        CO_ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->consumers, 1u);
        co_await other.close();
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_broker_restart_brings_back_transient_entities_and_not_deleted_ones)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_exchange("logs", client::exchange_type::fanout);
        co_await ch.declare_queue("kept");
        co_await ch.declare_queue("deleted");
        co_await ch.queue_bind("kept", "logs");
        co_await ch.queue_bind("deleted", "logs");
        co_await ch.queue_delete("deleted");
        co_await ch.exchange_delete("logs");
        co_await ch.declare_exchange("audit", client::exchange_type::direct);
        co_await ch.queue_bind("kept", "audit", "k");
        co_await ch.queue_unbind("kept", "audit", "k");

        broker().restart();
        CO_ASSERT_TRUE(co_await until([&] { return log.count("reconnected") == 1; }));
        EXPECT_TRUE(broker().queue("kept").has_value());
        EXPECT_FALSE(broker().queue("deleted").has_value()) << "a deleted queue came back";
        bool logs = false, audit = false;
        for (const auto& x : broker().exchanges()) {
            logs = logs || x.name == "logs";
            audit = audit || x.name == "audit";
        }
        EXPECT_FALSE(logs) << "a deleted exchange came back";
        EXPECT_TRUE(audit);
        for (const auto& b : broker().bindings()) EXPECT_NE(b.source, "audit") << "an unbound binding came back";
        EXPECT_EQ(log.count_prefix("failed"), 0u);
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_server_named_queue_gets_a_new_name_that_bindings_consumers_and_publishes_follow)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        std::vector<std::string> renames;
        conn.on_queue_renamed(
            [&](const std::string& from, const std::string& to) { renames.push_back(from + ">" + to); });
        auto ch = co_await conn.channel();
        co_await ch.declare_exchange("news", client::exchange_type::fanout);
        client::queue_options exclusive;
        exclusive.exclusive = true;
        const std::string first_name = co_await ch.declare_queue("", exclusive);
        co_await ch.queue_bind(first_name, "news");
        std::vector<client::incoming_message> received;
        client::consume_options no_ack;
        no_ack.no_ack = true;
        co_await ch.basic_consume(
            first_name, [&](client::incoming_message m) { received.push_back(std::move(m)); }, no_ack);

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == 1; }));
        CO_ASSERT_TRUE(renames.size() == 1);
        EXPECT_EQ(renames[0].substr(0, first_name.size() + 1), first_name + ">");
        EXPECT_FALSE(broker().queue(first_name).has_value()) << "the exclusive queue went with its connection";

        co_await ch.basic_publish("news", "", client::message("via the binding"));
        // The name the application holds still reaches the queue.
        co_await ch.basic_publish("", first_name, client::message("via the old name"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 2; }));
        EXPECT_THAT(bodies(received), ElementsAre("via the binding", "via the old name"));
        co_await conn.close();
    });
}

TEST_P(recovery_test, deliveries_from_before_the_reconnect_are_stale_and_come_back_redelivered)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("work");
        co_await ch.set_qos(1);
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("work", [&](client::incoming_message m) { received.push_back(std::move(m)); });
        co_await ch.basic_publish("", "work", client::message("job"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        // Over TCP the redelivery may come before the recovery has finished.
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 2 && conn.reconnects() == 1; }));
        // The ack of the first delivery is not sent with its tag on the new channel.
        EXPECT_EQ(received[0].ack(), client::errc::stale_delivery);
        EXPECT_EQ(received[1].body, "job");
        EXPECT_TRUE(received[1].redelivered);
        EXPECT_FALSE(received[1].ack());
        CO_ASSERT_TRUE(co_await until([&] {
            const auto q = broker().queue("work");
            return q && q->unacked == 0 && q->ready == 0;
        }));
        EXPECT_TRUE(ch.is_open()) << "no 406 closed the channel";
        co_await conn.close();
    });
}

TEST_P(recovery_test, the_broker_cancelling_a_consumer_is_reported_and_the_consumer_returns_with_its_queue)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("events");
        std::vector<client::incoming_message> received;
        client::consume_options no_ack;
        no_ack.no_ack = true;
        co_await ch.basic_consume(
            "events", [&](client::incoming_message m) { received.push_back(std::move(m)); }, no_ack);

        auto other = co_await connect_plain();
        auto admin = co_await other.channel();
        co_await admin.queue_delete("events");
        CO_ASSERT_TRUE(co_await until([&] { return log.count("cancelled on events") == 1; }));

        co_await ch.declare_queue("events");
        CO_ASSERT_TRUE(co_await until([&] {
            const auto q = broker().queue("events");
            return q && q->consumers == 1;
        }));
        co_await admin.basic_publish("", "events", client::message("back"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        co_await other.close();
        co_await conn.close();
    });
}

}  // namespace
}  // namespace amqp::test
