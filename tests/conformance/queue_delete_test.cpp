// Queue purge and delete: their counts, if-unused and if-empty, and the cancels a deleted queue sends.
#include "conformance_fixture.hpp"

#include <string>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using queue = conformance;

TEST_F(queue, purge_removes_ready_messages_and_counts_them)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (int i = 0; i < 4; ++i) d.send_message(1, publish_to("", q), "m");
    proto::queue_purge purge;
    purge.queue = q;
    EXPECT_EQ(d.rpc<proto::queue_purge_ok>(1, purge).message_count, 4u);
    EXPECT_FALSE(get(d, 1, q));
    EXPECT_EQ(d.rpc<proto::queue_purge_ok>(1, purge).message_count, 0u);
    d.close();
}

TEST_F(queue, purge_leaves_unacked_messages_alone)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (int i = 0; i < 3; ++i) d.send_message(1, publish_to("", q), "m");
    const auto held = get(d, 1, q);
    ASSERT_TRUE(held);
    proto::queue_purge purge;
    purge.queue = q;
    EXPECT_EQ(d.rpc<proto::queue_purge_ok>(1, purge).message_count, 2u);
    // Rejected with requeue, the held one comes back.
    d.send(1, proto::basic_reject{held->method.delivery_tag, true});
    const auto again = get(d, 1, q, true);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->method.redelivered);
    d.close();
}

TEST_F(queue, delete_reports_the_messages_it_dropped)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (int i = 0; i < 2; ++i) d.send_message(1, publish_to("", q), "m");
    EXPECT_EQ(d.rpc<proto::queue_delete_ok>(1, delete_queue(q)).message_count, 2u);
    EXPECT_FALSE(queue_exists(d, 1, q));
    d.close();
}

TEST_F(queue, delete_of_a_missing_queue_is_ok)
{
    amqp_driver d = connect_channel();
    EXPECT_EQ(d.rpc<proto::queue_delete_ok>(1, delete_queue(unique_name("missing"))).message_count, 0u);
    d.close();
}

TEST_F(queue, delete_of_an_empty_name_before_any_declare_is_not_found)
{
    // The empty name means the channel's last declared queue, and there is none.
    amqp_driver d = connect_channel();
    d.send(1, delete_queue(""));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no previously declared queue");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(queue, delete_if_unused_refuses_a_queue_with_consumers)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.open_channel(2);
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "c"));
    d.send(1, delete_queue(q, true, false));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' in use");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(queue, delete_if_empty_refuses_a_queue_with_messages)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m");
    d.send(1, delete_queue(q, false, true));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' not empty");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(queue, delete_with_if_unused_and_if_empty_says_not_empty_first)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m", 2);
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 1, false});
    d.rpc<proto::basic_consume_ok>(2, consume_from(q));
    d.send(1, delete_queue(q, true, true));
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' not empty");
    d.close();
}

TEST_F(queue, deleting_a_queue_answers_delete_ok_before_cancelling_the_channels_own_consumer)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    const auto tag = d.rpc<proto::basic_consume_ok>(1, consume_from(q)).consumer_tag;
    d.send(1, delete_queue(q));
    d.expect<proto::queue_delete_ok>(1);
    EXPECT_EQ(d.expect<proto::basic_cancel>(1).consumer_tag, tag);
    d.close();
}

TEST_F(queue, a_deleted_queue_cancels_its_consumers_in_the_order_of_their_tags)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    for (const char* tag : {"zz", "mm", "aa"}) d.rpc<proto::basic_consume_ok>(1, consume_from(q, tag));
    d.rpc<proto::queue_delete_ok>(1, delete_queue(q));
    for (const char* tag : {"aa", "mm", "zz"}) EXPECT_EQ(d.expect<proto::basic_cancel>(1).consumer_tag, tag);
    d.close();
}

TEST_F(queue, only_clients_announcing_consumer_cancel_notify_hear_of_a_deleted_queue)
{
    connect_options without_the_capability;
    without_the_capability.client_properties.set("capabilities", proto::field_table{{"basic.nack", true}});
    amqp_driver d = connect(without_the_capability);
    d.open_channel(1);
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q));
    d.rpc<proto::queue_delete_ok>(1, delete_queue(q));
    // A round trip after the delete: a basic.cancel would have come before it.
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 1, false});
    EXPECT_EQ(d.pending(1), 0u);
    d.close();
}

}  // namespace
}  // namespace amqp::test
