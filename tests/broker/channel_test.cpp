// Channel behaviour driven through the model, with a clock the test moves.
#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <amqp/protocol/sasl.hpp>

#include <gtest/gtest.h>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using test::model_peer;
namespace proto = amqp::protocol;

struct channel_fixture : ::testing::Test {
    channel_fixture() : broker({})
    {
        clock.attach(broker);
        client.emplace(broker);
        client->handshake();
        client->open_channel(1);
    }

    std::string body_of_next_get(const std::string& queue)
    {
        client->send(1, proto::basic_get{0, queue, true});
        auto c = client->take();
        if (!c) return "<nothing>";
        if (std::holds_alternative<proto::basic_get_empty>(c->value.method)) return "<empty>";
        return c->value.body;
    }

    broker_state broker;
    test::manual_clock clock;
    std::optional<model_peer> client;
};

TEST_F(channel_fixture, per_queue_ttl_expires_messages)
{
    client->declare_queue(1, "ttl", {{"x-message-ttl", 1000}});
    client->publish(1, "", "ttl", "old");
    clock.advance(600ms);
    client->publish(1, "", "ttl", "new");
    clock.advance(600ms);
    EXPECT_EQ(body_of_next_get("ttl"), "new");
    EXPECT_EQ(body_of_next_get("ttl"), "<empty>");
}

TEST_F(channel_fixture, per_message_expiration)
{
    client->declare_queue(1, "exp");
    proto::basic_properties p;
    p.expiration = "500";
    client->publish(1, "", "exp", "short", p);
    client->publish(1, "", "exp", "forever");
    clock.advance(501ms);
    EXPECT_EQ(body_of_next_get("exp"), "forever");
}

TEST_F(channel_fixture, max_length_drops_the_head)
{
    client->declare_queue(1, "bounded", {{"x-max-length", 2}});
    for (const char* body : {"1", "2", "3"}) client->publish(1, "", "bounded", body);
    EXPECT_EQ(body_of_next_get("bounded"), "2");
    EXPECT_EQ(body_of_next_get("bounded"), "3");
}

TEST_F(channel_fixture, reject_publish_overflow_nacks_in_confirm_mode)
{
    client->declare_queue(1, "full", {{"x-max-length", 1}, {"x-overflow", "reject-publish"}});
    client->send(1, proto::confirm_select{false});
    client->expect<proto::confirm_select_ok>();
    client->publish(1, "", "full", "kept");
    client->publish(1, "", "full", "refused");
    EXPECT_EQ(client->expect<proto::basic_ack>().delivery_tag, 1u);
    const auto nack = client->expect<proto::basic_nack>();
    EXPECT_EQ(nack.delivery_tag, 2u);
    EXPECT_EQ(body_of_next_get("full"), "kept");
}

TEST_F(channel_fixture, dead_lettering_adds_x_death)
{
    // The x-death time comes from the broker's clock, not the machine's.
    const auto wall = std::chrono::system_clock::time_point{std::chrono::seconds(1'600'000'000)};
    broker.set_wall_clock(wall, clock.now);
    clock.advance(2500ms);
    client->declare_queue(1, "dead");
    client->declare_queue(1, "work", {{"x-dead-letter-exchange", ""}, {"x-dead-letter-routing-key", "dead"}});
    client->publish(1, "", "work", "poison");
    client->send(1, proto::basic_get{0, "work", false});
    const auto ok = client->expect<proto::basic_get_ok>();
    client->send(1, proto::basic_reject{ok.delivery_tag, false});
    client->send(1, proto::basic_get{0, "dead", true});
    client->expect<proto::basic_get_ok>();
    const auto& headers = client->last().header->properties.headers;
    ASSERT_TRUE(headers);
    const auto* deaths = headers->find("x-death")->get_if<proto::field_array>();
    ASSERT_NE(deaths, nullptr);
    ASSERT_EQ(deaths->size(), 1u);
    const auto& death = *(*deaths)[0].get_if<proto::field_table>();
    EXPECT_EQ(*death.find("reason"), proto::field_value{std::string("rejected")});
    EXPECT_EQ(*death.find("queue"), proto::field_value{std::string("work")});
    EXPECT_EQ(*death.find("count"), proto::field_value{std::int64_t{1}});
    EXPECT_EQ(*death.find("time"),
              proto::field_value{std::chrono::time_point_cast<std::chrono::seconds>(wall + std::chrono::seconds(2))});
    EXPECT_EQ(client->last().body, "poison");
}

TEST_F(channel_fixture, expired_messages_are_dead_lettered_by_the_timer)
{
    client->declare_queue(1, "dlq");
    client->declare_queue(
        1, "delay", {{"x-message-ttl", 100}, {"x-dead-letter-exchange", ""}, {"x-dead-letter-routing-key", "dlq"}});
    client->publish(1, "", "delay", "later");
    clock.advance(150ms);
    broker.on_timer();
    EXPECT_EQ(body_of_next_get("dlq"), "later");
}

TEST_F(channel_fixture, priority_queue_delivers_highest_first)
{
    client->declare_queue(1, "prio", {{"x-max-priority", 10}});
    for (int priority : {1, 9, 5}) {
        proto::basic_properties p;
        p.priority = static_cast<std::uint8_t>(priority);
        client->publish(1, "", "prio", std::to_string(priority), p);
    }
    EXPECT_EQ(body_of_next_get("prio"), "9");
    EXPECT_EQ(body_of_next_get("prio"), "5");
    EXPECT_EQ(body_of_next_get("prio"), "1");
}

TEST_F(channel_fixture, x_expires_deletes_an_idle_queue)
{
    client->declare_queue(1, "idle", {{"x-expires", 1000}});
    clock.advance(999ms);
    broker.on_timer();
    EXPECT_NE(broker.find_vhost("/")->find_queue("idle"), nullptr);
    clock.advance(2ms);
    broker.on_timer();
    EXPECT_EQ(broker.find_vhost("/")->find_queue("idle"), nullptr);
}

TEST_F(channel_fixture, prefetch_limits_unacked_deliveries_per_consumer)
{
    client->declare_queue(1, "q");
    for (int i = 0; i < 5; ++i) client->publish(1, "", "q", std::to_string(i));
    client->send(1, proto::basic_qos{0, 2, false});
    client->expect<proto::basic_qos_ok>();
    client->send(1, proto::basic_consume{0, "q", "c", false, false, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    const auto first = client->expect<proto::basic_deliver>();
    client->expect<proto::basic_deliver>();
    EXPECT_TRUE(client->nothing_received());
    client->send(1, proto::basic_ack{first.delivery_tag, false});
    EXPECT_EQ(client->expect<proto::basic_deliver>().delivery_tag, 3u);
    EXPECT_TRUE(client->nothing_received());
}

TEST_F(channel_fixture, nack_with_requeue_keeps_the_position_and_marks_redelivered)
{
    client->declare_queue(1, "q");
    for (const char* body : {"a", "b", "c"}) client->publish(1, "", "q", body);
    client->send(1, proto::basic_get{0, "q", false});
    const auto a = client->expect<proto::basic_get_ok>();
    client->send(1, proto::basic_nack{a.delivery_tag, false, true});
    client->send(1, proto::basic_get{0, "q", true});
    const auto again = client->expect<proto::basic_get_ok>();
    EXPECT_TRUE(again.redelivered);
    EXPECT_EQ(client->last().body, "a");
}

TEST_F(channel_fixture, unknown_delivery_tag_closes_the_channel)
{
    client->send(1, proto::basic_ack{99, false});
    const auto close = client->expect<proto::channel_close>();
    EXPECT_EQ(close.reply_code, 406);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - unknown delivery tag 99");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 80);
}

TEST_F(channel_fixture, closing_the_channel_requeues_unacked)
{
    client->declare_queue(1, "q");
    client->publish(1, "", "q", "m");
    client->send(1, proto::basic_get{0, "q", false});
    client->expect<proto::basic_get_ok>();
    EXPECT_EQ(broker.find_vhost("/")->find_queue("q")->unacked_count(), 1u);
    client->send(1, proto::channel_close{200, "", 0, 0});
    client->expect<proto::channel_close_ok>();
    const auto q = broker.find_vhost("/")->find_queue("q");
    EXPECT_EQ(q->ready_count(), 1u);
    EXPECT_EQ(q->unacked_count(), 0u);
}

TEST_F(channel_fixture, transactions_hold_publishes_until_commit)
{
    client->declare_queue(1, "q");
    client->send(1, proto::tx_select{});
    client->expect<proto::tx_select_ok>();
    client->publish(1, "", "q", "rolled back");
    client->send(1, proto::tx_rollback{});
    client->expect<proto::tx_rollback_ok>();
    client->publish(1, "", "q", "committed");
    EXPECT_EQ(broker.find_vhost("/")->find_queue("q")->ready_count(), 0u);
    client->send(1, proto::tx_commit{});
    client->expect<proto::tx_commit_ok>();
    EXPECT_EQ(body_of_next_get("q"), "committed");
    EXPECT_EQ(body_of_next_get("q"), "<empty>");
}

TEST_F(channel_fixture, confirms_are_coalesced_per_batch)
{
    client->declare_queue(1, "q");
    client->send(1, proto::confirm_select{false});
    client->expect<proto::confirm_select_ok>();
    proto::byte_buffer batch;
    for (int i = 0; i < 3; ++i) {
        proto::encode_message(batch, 1, proto::basic_publish{0, "", "q", false, false}, {}, proto::as_bytes("x"),
                              131072);
    }
    client->connection().receive(batch.data(), broker.now());
    const auto ack = client->expect<proto::basic_ack>();
    EXPECT_EQ(ack.delivery_tag, 3u);
    EXPECT_TRUE(ack.multiple);
}

TEST_F(channel_fixture, mandatory_unroutable_is_returned_before_its_confirm)
{
    client->send(1, proto::confirm_select{false});
    client->expect<proto::confirm_select_ok>();
    client->publish(1, "", "nowhere", "lost?", {}, true);
    const auto returned = client->expect<proto::basic_return>();
    EXPECT_EQ(returned.reply_code, 312);
    EXPECT_EQ(returned.reply_text, "NO_ROUTE");
    EXPECT_EQ(client->last().body, "lost?");
    EXPECT_EQ(client->expect<proto::basic_ack>().delivery_tag, 1u);
}

TEST_F(channel_fixture, deleting_a_consumed_queue_cancels_the_consumer)
{
    client->declare_queue(1, "q");
    client->send(1, proto::basic_consume{0, "q", "c1", false, false, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    client->open_channel(2);
    client->send(2, proto::queue_delete{0, "q", false, false, false});
    const auto cancel = client->expect<proto::basic_cancel>();
    EXPECT_EQ(cancel.consumer_tag, "c1");
    client->expect<proto::queue_delete_ok>();
}

TEST_F(channel_fixture, auto_delete_queue_goes_with_its_last_consumer)
{
    client->send(1, proto::queue_declare{0, "temp", false, false, false, true, false, {}});
    client->expect<proto::queue_declare_ok>();
    client->send(1, proto::basic_consume{0, "temp", "c", false, false, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    client->send(1, proto::basic_cancel{"c", false});
    client->expect<proto::basic_cancel_ok>();
    EXPECT_EQ(broker.find_vhost("/")->find_queue("temp"), nullptr);
}

TEST_F(channel_fixture, topic_routing_follows_tutorial_five)
{
    client->declare_queue(1, "q1");
    client->declare_queue(1, "q2");
    client->send(1, proto::exchange_declare{0, "logs", "topic", false, false, false, false, false, {}});
    client->expect<proto::exchange_declare_ok>();
    for (auto [queue, key] : {std::pair{"q1", "*.orange.*"}, {"q2", "*.*.rabbit"}, {"q2", "lazy.#"}}) {
        client->send(1, proto::queue_bind{0, queue, "logs", key, false, {}});
        client->expect<proto::queue_bind_ok>();
    }
    client->publish(1, "logs", "quick.orange.rabbit", "both");
    client->publish(1, "logs", "lazy.pink.rabbit", "q2 once");
    client->publish(1, "logs", "quick.brown.fox", "nobody");
    EXPECT_EQ(broker.find_vhost("/")->find_queue("q1")->ready_count(), 1u);
    EXPECT_EQ(broker.find_vhost("/")->find_queue("q2")->ready_count(), 2u);
}

TEST_F(channel_fixture, exchange_type_mismatch_says_what_differs)
{
    client->send(1, proto::exchange_declare{0, "x", "direct", false, false, false, false, false, {}});
    client->expect<proto::exchange_declare_ok>();
    client->send(1, proto::exchange_declare{0, "x", "fanout", false, false, false, false, false, {}});
    const auto close = client->expect<proto::channel_close>();
    EXPECT_EQ(close.reply_code, 406);
    EXPECT_EQ(close.reply_text,
              "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost "
              "'/': received 'fanout' but current is 'direct'");
}

TEST_F(channel_fixture, single_active_consumer_only_feeds_the_first)
{
    client->declare_queue(1, "sac", {{"x-single-active-consumer", true}});
    client->send(1, proto::basic_consume{0, "sac", "first", false, true, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    client->send(1, proto::basic_consume{0, "sac", "second", false, true, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    client->publish(1, "", "sac", "1");
    client->publish(1, "", "sac", "2");
    EXPECT_EQ(client->expect<proto::basic_deliver>().consumer_tag, "first");
    EXPECT_EQ(client->expect<proto::basic_deliver>().consumer_tag, "first");
    client->send(1, proto::basic_cancel{"first", false});
    client->expect<proto::basic_cancel_ok>();
    client->publish(1, "", "sac", "3");
    EXPECT_EQ(client->expect<proto::basic_deliver>().consumer_tag, "second");
}

}  // namespace
}  // namespace amqp::fakebroker

namespace amqp::fakebroker {
namespace {

namespace proto = amqp::protocol;

TEST(broker_restart, keeps_durable_entities_and_persistent_messages)
{
    broker_state broker({});
    {
        test::model_peer client(broker);
        client.handshake();
        client.open_channel(1);
        client.send(1, proto::queue_declare{0, "durable", false, true, false, false, false, {}});
        client.expect<proto::queue_declare_ok>();
        client.declare_queue(1, "transient");
        client.send(1, proto::exchange_declare{0, "kept", "fanout", false, true, false, false, false, {}});
        client.expect<proto::exchange_declare_ok>();
        client.send(1, proto::exchange_declare{0, "gone", "fanout", false, false, false, false, false, {}});
        client.expect<proto::exchange_declare_ok>();
        proto::basic_properties persistent;
        persistent.delivery_mode = 2;
        client.publish(1, "", "durable", "survives", persistent);
        client.publish(1, "", "durable", "lost");
        client.connection().transport_closed();
    }
    broker.restart();
    vhost& v = *broker.find_vhost("/");
    ASSERT_NE(v.find_queue("durable"), nullptr);
    EXPECT_EQ(v.find_queue("transient"), nullptr);
    EXPECT_NE(v.find_exchange("kept"), nullptr);
    EXPECT_EQ(v.find_exchange("gone"), nullptr);
    const auto left = v.find_queue("durable")->peek(10);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].body, "survives");
}

TEST(broker_restart, keeps_every_message_of_a_quorum_queue)
{
    broker_state broker({});
    {
        test::model_peer client(broker);
        client.handshake();
        client.open_channel(1);
        const proto::field_table quorum{{"x-queue-type", std::string("quorum")}};
        client.send(1, proto::queue_declare{0, "votes", false, true, false, false, false, quorum});
        client.expect<proto::queue_declare_ok>();
        client.publish(1, "", "votes", "transient, but in the log");
        client.connection().transport_closed();
    }
    broker.restart();
    const auto left = broker.find_vhost("/")->find_queue("votes")->peek(10);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].body, "transient, but in the log");
}

TEST(connection_blocked, is_sent_to_clients_that_asked_for_it)
{
    broker_state broker({});
    test::model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    const proto::field_table capabilities{{"connection.blocked", true}};
    client.send(0, proto::connection_start_ok{
                       {{"capabilities", capabilities}}, "PLAIN", proto::plain_response("guest", "guest"), "en_US"});
    client.expect<proto::connection_tune>();
    client.send(0, proto::connection_tune_ok{2047, 131072, 0});
    client.send(0, proto::connection_open{"/", "", false});
    client.expect<proto::connection_open_ok>();
    client.connection().set_blocked(true, "low on memory");
    EXPECT_EQ(client.expect<proto::connection_blocked>().reason, "low on memory");
    client.connection().set_blocked(false, "");
    client.expect<proto::connection_unblocked>();

    test::model_peer other(broker);
    other.handshake();
    other.connection().set_blocked(true, "low on memory");
    EXPECT_TRUE(other.nothing_received());
}

}  // namespace
}  // namespace amqp::fakebroker
