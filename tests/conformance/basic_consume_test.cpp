// Basic consume and cancel: deliveries, consumer tags, priorities, exclusive consumers, and cancels by the server.
#include "conformance_fixture.hpp"
#include "prefetch.hpp"

#include <gmock/gmock.h>
#include <optional>
#include <string>
#include <vector>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using basic = conformance;

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
    EXPECT_EQ(d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"my-tag", false}).consumer_tag, "my-tag");
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

}  // namespace
}  // namespace amqp::test
