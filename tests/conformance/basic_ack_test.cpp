// Basic ack, nack, reject and recover, and unacknowledged messages returning when their channel or connection goes.
#include "conformance_fixture.hpp"

#include <optional>
#include <string>
#include <variant>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using basic = conformance;

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

}  // namespace
}  // namespace amqp::test
