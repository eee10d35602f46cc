// Basic: publish, get, consume, ack / nack / reject, qos, returns, cancel, recover,
// and what happens to unacknowledged messages when their channel goes.
#include "conformance_fixture.hpp"

#include <gmock/gmock.h>

#include <chrono>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using basic = conformance;

proto::basic_qos prefetch(std::uint16_t count, bool global = false)
{
    return proto::basic_qos{0, count, global};
}

// Sends basic.consume and waits for its consume-ok; deliveries to the channel's
// other consumers that arrive first are counted and dropped.
std::size_t consume_counting_deliveries(amqp_driver& d, std::uint16_t channel,
                                        const proto::basic_consume& consume)
{
    d.send(channel, consume);
    std::size_t deliveries = 0;
    for (;;) {
        proto::command c = d.next(channel);
        if (std::holds_alternative<proto::basic_consume_ok>(c.method)) return deliveries;
        if (!std::holds_alternative<proto::basic_deliver>(c.method)) {
            throw driver_error("expected basic.consume-ok, got " + describe(c));
        }
        ++deliveries;
    }
}

TEST_F(basic, publish_to_the_default_exchange_and_get)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));

    proto::basic_properties props;
    props.content_type = "text/plain";
    props.content_encoding = "utf-8";
    props.headers = proto::field_table{{"h1", std::string("v1")}, {"h2", std::int32_t(42)}};
    props.delivery_mode = 1;
    props.priority = 3;
    props.correlation_id = "corr";
    props.reply_to = "reply";
    props.message_id = "id-1";
    props.timestamp = proto::timestamp{std::chrono::seconds{1700000000}};
    props.type = "kind";
    props.user_id = "guest";
    props.app_id = "conformance";
    d.send_message(1, publish_to("", q), props, "first");
    d.send_message(1, publish_to("", q), "second");

    const auto first = get(d, 1, q);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->method.delivery_tag, 1u);
    EXPECT_FALSE(first->method.redelivered);
    EXPECT_EQ(first->method.exchange, "");
    EXPECT_EQ(first->method.routing_key, q);
    EXPECT_EQ(first->method.message_count, 1u);
    EXPECT_EQ(first->properties, props);
    EXPECT_EQ(first->body, "first");

    const auto second = get(d, 1, q);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->method.delivery_tag, 2u);
    EXPECT_EQ(second->method.message_count, 0u);
    EXPECT_EQ(second->properties, proto::basic_properties{});
    EXPECT_EQ(second->body, "second");

    d.send(1, get_from(q));
    EXPECT_EQ(d.expect<proto::basic_get_empty>(1).cluster_id, "");
    d.close();
}

TEST_F(basic, empty_and_large_bodies_survive)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    std::string large(300 * 1024, '\0');
    for (std::size_t i = 0; i < large.size(); ++i) large[i] = char(i * 7);
    d.send_message(1, publish_to("", q), "");
    d.send_message(1, publish_to("", q), large);
    EXPECT_EQ(get(d, 1, q, true)->body, "");
    EXPECT_EQ(get(d, 1, q, true)->body, large);
    d.close();
}

TEST_F(basic, consume_deliver_ack)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "a");
    d.send_message(1, publish_to("", q), "b");

    EXPECT_EQ(d.rpc<proto::basic_consume_ok>(1, consume_from(q, "my-tag")).consumer_tag, "my-tag");
    const auto a = d.expect_message<proto::basic_deliver>(1);
    EXPECT_EQ(a.method.consumer_tag, "my-tag");
    EXPECT_EQ(a.method.delivery_tag, 1u);
    EXPECT_FALSE(a.method.redelivered);
    EXPECT_EQ(a.method.exchange, "");
    EXPECT_EQ(a.method.routing_key, q);
    EXPECT_EQ(a.body, "a");
    const auto b = d.expect_message<proto::basic_deliver>(1);
    EXPECT_EQ(b.method.delivery_tag, 2u);
    EXPECT_EQ(b.body, "b");

    d.send(1, proto::basic_ack{2, true});
    EXPECT_EQ(d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"my-tag", false}).consumer_tag,
              "my-tag");
    // Acknowledged: closing the channel gives nothing back.
    d.close_channel(1);
    d.open_channel(1);
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(basic, server_generates_consumer_tags)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    const std::string tag = d.rpc<proto::basic_consume_ok>(1, consume_from(q)).consumer_tag;
    EXPECT_THAT(tag, ::testing::StartsWith("amq.ctag-"));
    EXPECT_EQ(tag.size(), 31u) << tag;
    EXPECT_NE(d.rpc<proto::basic_consume_ok>(1, consume_from(q)).consumer_tag, tag);
    d.close();
}

TEST_F(basic, requeued_messages_keep_their_place_and_are_marked_redelivered)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (const char* body : {"m0", "m1", "m2", "m3"}) d.send_message(1, publish_to("", q), body);

    const auto m0 = get(d, 1, q);
    const auto m1 = get(d, 1, q);
    const auto m2 = get(d, 1, q);
    ASSERT_TRUE(m0 && m1 && m2);
    // Requeued in the opposite order, they still come back in queue order.
    d.send(1, proto::basic_reject{m2->method.delivery_tag, true});
    d.send(1, proto::basic_nack{m0->method.delivery_tag, false, true});
    d.send(1, proto::basic_nack{m1->method.delivery_tag, false, true});

    for (const char* body : {"m0", "m1", "m2"}) {
        const auto again = get(d, 1, q, true);
        ASSERT_TRUE(again);
        EXPECT_EQ(again->body, body);
        EXPECT_TRUE(again->method.redelivered) << body;
    }
    const auto m3 = get(d, 1, q, true);
    ASSERT_TRUE(m3);
    EXPECT_EQ(m3->body, "m3");
    EXPECT_FALSE(m3->method.redelivered);
    d.close();
}

TEST_F(basic, nack_multiple_requeues_everything_up_to_the_tag)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (const char* body : {"m0", "m1", "m2"}) d.send_message(1, publish_to("", q), body);
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));
    for (int i = 0; i < 3; ++i) d.expect_message<proto::basic_deliver>(1);
    d.send(1, proto::basic_nack{2, true, true});
    // m0 and m1 come back to the consumer, redelivered, with new tags.
    const auto again0 = d.expect_message<proto::basic_deliver>(1);
    const auto again1 = d.expect_message<proto::basic_deliver>(1);
    EXPECT_EQ(again0.body, "m0");
    EXPECT_EQ(again1.body, "m1");
    EXPECT_TRUE(again0.method.redelivered);
    EXPECT_TRUE(again1.method.redelivered);
    EXPECT_EQ(again0.method.delivery_tag, 4u);
    EXPECT_EQ(again1.method.delivery_tag, 5u);
    d.close();
}

TEST_F(basic, reject_without_requeue_drops_the_message)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m");
    const auto m = get(d, 1, q);
    ASSERT_TRUE(m);
    d.send(1, proto::basic_reject{m->method.delivery_tag, false});
    EXPECT_FALSE(get(d, 1, q));
    d.close_channel(1);
    d.open_channel(1);
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(basic, ack_of_an_unknown_delivery_tag_is_406)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::basic_ack{99, false});
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - unknown delivery tag 99");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 80);
    d.close();
}

TEST_F(basic, double_ack_is_406)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m");
    const auto m = get(d, 1, q);
    ASSERT_TRUE(m);
    d.send(1, proto::basic_ack{m->method.delivery_tag, false});
    d.send(1, proto::basic_ack{m->method.delivery_tag, false});
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - unknown delivery tag 1");
    d.close();
}

TEST_F(basic, reject_and_nack_of_unknown_tags_are_406)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::basic_reject{7, true});
    proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - unknown delivery tag 7");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 90);
    d.open_channel(1);
    d.send(1, proto::basic_nack{8, false, true});
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - unknown delivery tag 8");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 120);
    d.close();
}

TEST_F(basic, ack_multiple_with_tag_zero_acks_everything)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (int i = 0; i < 3; ++i) d.send_message(1, publish_to("", q), "m");
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(get(d, 1, q));
    d.send(1, proto::basic_ack{0, true});
    d.close_channel(1);
    d.open_channel(1);
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(basic, no_ack_deliveries_cannot_be_acked)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m");
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c", true));
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).method.delivery_tag, 1u);
    d.send(1, proto::basic_ack{1, false});
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - unknown delivery tag 1");
    d.close();
}

TEST_F(basic, prefetch_count_limits_unacked_deliveries)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_qos_ok>(1, prefetch(2));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));

    d.open_channel(2);
    d.rpc<proto::confirm_select_ok>(2, proto::confirm_select{});
    publish_confirmed(d, 2, publish_to("", q), "m", 5);

    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m0");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m1");
    // The other three wait in the queue.
    EXPECT_EQ(queue_state(d, 2, q).message_count, 3u);
    EXPECT_EQ(d.pending(1), 0u);

    d.send(1, proto::basic_ack{1, false});
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m2");
    EXPECT_EQ(queue_state(d, 2, q).message_count, 2u);
    EXPECT_EQ(d.pending(1), 0u);

    // A new basic.qos applies to consumers created after it, not to this one.
    d.rpc<proto::basic_qos_ok>(1, prefetch(0));
    EXPECT_EQ(queue_state(d, 2, q).message_count, 2u);
    EXPECT_EQ(d.pending(1), 0u);

    d.send(1, proto::basic_ack{3, true});
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m3");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m4");
    d.close();
}

// RabbitMQ's reading of basic.qos: global=false limits each consumer created after
// it; global=true limits the channel as a whole.
TEST_F(basic, prefetch_is_per_consumer_unless_global)
{
    amqp_driver d = connect_channel();
    const std::string q1 = queue_name("q1");
    const std::string q2 = queue_name("q2");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q1));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q2));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q1), "a", 2, 1);
    publish_confirmed(d, 1, publish_to("", q2), "b", 2, 3);

    // Per consumer: one each.
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, prefetch(1));
    d.rpc<proto::basic_consume_ok>(2, consume_from(q1, "c1"));
    // c1's delivery may come before or after c2's consume-ok.
    for (std::size_t i = consume_counting_deliveries(d, 2, consume_from(q2, "c2")); i < 2; ++i) {
        d.expect_message<proto::basic_deliver>(2);
    }
    EXPECT_EQ(queue_state(d, 1, q1).message_count, 1u);
    EXPECT_EQ(queue_state(d, 1, q2).message_count, 1u);
    d.close_channel(2);

    // Per channel: one in all.
    d.open_channel(3);
    d.rpc<proto::basic_qos_ok>(3, prefetch(1, true));
    d.rpc<proto::basic_consume_ok>(3, consume_from(q1, "c1"));
    // c1's delivery may come before or after c2's consume-ok.
    const std::size_t early = consume_counting_deliveries(d, 3, consume_from(q2, "c2"));
    if (early == 0) {
        EXPECT_EQ(d.expect_message<proto::basic_deliver>(3).method.consumer_tag, "c1");
    }
    EXPECT_EQ(queue_state(d, 1, q1).message_count, 1u);
    EXPECT_EQ(queue_state(d, 1, q2).message_count, 2u);
    EXPECT_EQ(d.pending(3), 0u);
    d.close();
}

TEST_F(basic, consumers_with_a_higher_priority_get_messages_first)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_qos_ok>(1, prefetch(2));
    auto consume_with_priority = [&](std::string tag, std::optional<std::int32_t> priority) {
        proto::basic_consume m = consume_from(q, std::move(tag));
        if (priority) m.arguments.set("x-priority", *priority);
        d.rpc<proto::basic_consume_ok>(1, m);
    };
    consume_with_priority("low", 1);
    consume_with_priority("high", 5);
    consume_with_priority("none", std::nullopt);

    d.open_channel(2);
    d.rpc<proto::confirm_select_ok>(2, proto::confirm_select{});
    publish_confirmed(d, 2, publish_to("", q), "m", 7);
    // Each gets what its prefetch allows, highest first; the last message waits.
    std::vector<std::string> receivers;
    for (int i = 0; i < 6; ++i) receivers.push_back(d.expect_message<proto::basic_deliver>(1).method.consumer_tag);
    EXPECT_EQ(receivers, (std::vector<std::string>{"high", "high", "low", "low", "none", "none"}));
    EXPECT_EQ(queue_state(d, 2, q).message_count, 1u);
    d.close();
}

TEST_F(basic, a_consumer_priority_must_be_an_integer)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    proto::basic_consume m = consume_from(q, "c");
    m.arguments.set("x-priority", std::string("high"));
    d.send(1, m);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q +
                                    "' in vhost '/': \"expected integer, got longstr\"");
    d.close();
}

TEST_F(basic, mandatory_publish_without_a_route_is_returned)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    proto::basic_properties props;
    props.message_id = "returned";
    d.send_message(1, publish_to(x, "nowhere", true), props, "body");
    const auto returned = d.expect_message<proto::basic_return>(1);
    EXPECT_EQ(returned.method.reply_code, 312);
    EXPECT_EQ(returned.method.reply_text, "NO_ROUTE");
    EXPECT_EQ(returned.method.exchange, x);
    EXPECT_EQ(returned.method.routing_key, "nowhere");
    EXPECT_EQ(returned.properties, props);
    EXPECT_EQ(returned.body, "body");

    // The default exchange returns a message for a queue that does not exist.
    const std::string missing = unique_name("missing");
    d.send_message(1, publish_to("", missing, true), "body");
    const auto returned_default = d.expect_message<proto::basic_return>(1);
    EXPECT_EQ(returned_default.method.reply_code, 312);
    EXPECT_EQ(returned_default.method.exchange, "");
    EXPECT_EQ(returned_default.method.routing_key, missing);

    // Without mandatory an unroutable message just goes: nothing comes back before
    // the reply to the next request.
    d.send_message(1, publish_to(x, "nowhere"), "body");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    EXPECT_EQ(d.pending(1), 0u);
    d.close();
}

TEST_F(basic, immediate_publish_is_not_implemented)
{
    amqp_driver d = connect_channel();
    proto::basic_publish publish = publish_to("", "anything");
    publish.immediate = true;
    d.send_message(1, publish, "body");
    const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - immediate=true");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.expect_socket_closed();
}

TEST_F(basic, publish_to_a_missing_exchange_is_404)
{
    amqp_driver d = connect_channel();
    const std::string x = unique_name("missing");
    d.send_message(1, publish_to(x, "k"), "body");
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + x + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(basic, user_id_must_match_the_authenticated_user)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    proto::basic_properties props;
    props.user_id = "somebody-else";
    d.send_message(1, publish_to("", q), props, "body");
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text,
              "PRECONDITION_FAILED - user_id property set to 'somebody-else' but authenticated user "
              "was 'guest'");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(basic, user_id_is_checked_before_the_expiration)
{
    amqp_driver d = connect_channel();
    proto::basic_properties props;
    props.user_id = "somebody-else";
    props.expiration = "soon";
    d.send_message(1, publish_to("", queue_name()), props, "body");
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - user_id property set to 'somebody-else' but authenticated user was 'guest'");
    d.close();
}

TEST_F(basic, cancel_stops_deliveries)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"c", false});
    d.send_message(1, publish_to("", q), "after");
    EXPECT_EQ(queue_state(d, 1, q).consumer_count, 0u);
    const auto got = get(d, 1, q, true);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->body, "after");
    // Cancelling an unknown tag is fine.
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"unknown", false});
    d.close();
}

TEST_F(basic, server_cancels_consumers_of_a_deleted_queue)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "doomed"));
    d.open_channel(2);
    proto::queue_delete del;
    del.queue = q;
    d.rpc<proto::queue_delete_ok>(2, del);
    const proto::basic_cancel cancel = d.expect<proto::basic_cancel>(1);
    EXPECT_EQ(cancel.consumer_tag, "doomed");
    EXPECT_TRUE(cancel.nowait);
    // The channel stays open.
    d.rpc<proto::basic_qos_ok>(1, prefetch(1));
    d.close();
}

TEST_F(basic, consume_from_a_missing_queue_is_404)
{
    amqp_driver d = connect_channel();
    const std::string q = unique_name("missing");
    d.send(1, consume_from(q));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no queue '" + q + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 20);
    d.close();
}

TEST_F(basic, exclusive_consumer_keeps_others_out)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    proto::basic_consume exclusive = consume_from(q, "only");
    exclusive.exclusive = true;
    d.rpc<proto::basic_consume_ok>(1, exclusive);
    d.open_channel(2);
    d.send(2, consume_from(q, "another"));
    proto::channel_close close = d.expect_channel_close(2, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 20);

    // And an exclusive consumer cannot join a queue that has consumers.
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"only", false});
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "plain"));
    d.open_channel(2);
    d.send(2, exclusive);
    close = d.expect_channel_close(2, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use");
    d.close();
}

TEST_F(basic, reusing_a_consumer_tag_on_a_channel_is_530)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "dup"));
    d.send(1, consume_from(q, "dup"));
    const proto::connection_close close = d.expect_connection_close(reply_code::not_allowed);
    EXPECT_EQ(close.reply_text, "NOT_ALLOWED - attempt to reuse consumer tag 'dup'");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 20);
    d.expect_socket_closed();
}

TEST_F(basic, unacked_messages_return_when_their_channel_closes)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (const char* body : {"m0", "m1", "m2"}) d.send_message(1, publish_to("", q), body);
    d.open_channel(2);
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "c"));
    for (int i = 0; i < 3; ++i) d.expect_message<proto::basic_deliver>(2);
    d.send(2, proto::basic_ack{2, false});
    d.close_channel(2);

    for (const char* body : {"m0", "m2"}) {
        const auto again = get(d, 1, q, true);
        ASSERT_TRUE(again);
        EXPECT_EQ(again->body, body);
        EXPECT_TRUE(again->method.redelivered);
    }
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(basic, unacked_messages_return_when_their_connection_closes)
{
    const std::string q = queue_name();
    amqp_driver consumer = connect_channel();
    consumer.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    consumer.send_message(1, publish_to("", q), "m0");
    const auto held = get(consumer, 1, q);
    ASSERT_TRUE(held);
    consumer.close();

    amqp_driver d = connect_channel();
    std::optional<message<proto::basic_get_ok>> again;
    EXPECT_TRUE(eventually([&] { return (again = get(d, 1, q, true)).has_value(); }));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, "m0");
    EXPECT_TRUE(again->method.redelivered);
    d.close();
}

TEST_F(basic, recover_redelivers_unacked_messages)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m0");
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));
    EXPECT_FALSE(d.expect_message<proto::basic_deliver>(1).method.redelivered);
    d.send(1, proto::basic_recover{true});
    // RabbitMQ sends recover-ok first and then the redelivery, or the other way
    // round; accept both orders.
    bool recovered = false;
    std::optional<message<proto::basic_deliver>> again;
    for (int i = 0; i < 2; ++i) {
        proto::command c = d.next(1);
        if (std::holds_alternative<proto::basic_recover_ok>(c.method)) {
            recovered = true;
        } else if (auto* deliver = std::get_if<proto::basic_deliver>(&c.method)) {
            again = message<proto::basic_deliver>{*deliver, c.header->properties, c.body};
        } else {
            FAIL() << "unexpected " << describe(c);
        }
    }
    EXPECT_TRUE(recovered);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, "m0");
    EXPECT_TRUE(again->method.redelivered);
    EXPECT_EQ(again->method.delivery_tag, 2u);
    d.close();
}

TEST_F(basic, recover_without_requeue_is_not_implemented)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::basic_recover{false});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - requeue=false");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 110);
    d.expect_socket_closed();
}

TEST_F(basic, qos_prefetch_size_is_not_implemented)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::basic_qos{1000, 0, false});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 10);
    d.expect_socket_closed();
}

TEST_F(basic, delivery_tags_count_per_channel_across_get_and_deliver)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (int i = 0; i < 2; ++i) d.send_message(1, publish_to("", q), "m");
    d.open_channel(2);
    EXPECT_EQ(get(d, 2, q)->method.delivery_tag, 1u);
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "c"));
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(2).method.delivery_tag, 2u);
    d.rpc<proto::basic_cancel_ok>(2, proto::basic_cancel{"c", false});
    // Another channel counts from 1.
    d.send_message(1, publish_to("", q), "m");
    d.open_channel(3);
    const auto third = get(d, 3, q);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->method.delivery_tag, 1u);
    d.close();
}

TEST_F(basic, a_per_consumer_qos_lifts_the_channels_global_limit)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m", 5);
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 2, true});
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 0, false});
    d.rpc<proto::basic_consume_ok>(2, consume_from(q));
    for (int i = 0; i < 5; ++i) d.expect_message<proto::basic_deliver>(2);
    d.close();
}

}  // namespace
}  // namespace amqp::test
