// Queue declare: named, server-named, passive, exclusive and auto-delete queues, redeclares, declare-ok's counts.
#include "conformance_fixture.hpp"

#include <gmock/gmock.h>
#include <string>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using queue = conformance;

TEST_F(queue, declare_ok_reports_ready_messages_and_consumers)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    proto::queue_declare_ok ok = d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    EXPECT_EQ(ok.queue, q);
    EXPECT_EQ(ok.message_count, 0u);
    EXPECT_EQ(ok.consumer_count, 0u);

    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m", 3);
    ok = d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    EXPECT_EQ(ok.message_count, 3u);
    EXPECT_EQ(ok.consumer_count, 0u);

    // A consumer holding one unacknowledged message: that one no longer counts.
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 1, false});
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "c1"));
    d.expect_message<proto::basic_deliver>(2);
    ok = queue_state(d, 1, q);
    EXPECT_EQ(ok.message_count, 2u);
    EXPECT_EQ(ok.consumer_count, 1u);
    d.close();
}

TEST_F(queue, server_named_queue_is_amq_gen)
{
    amqp_driver d = connect_channel();
    proto::queue_declare declare = declare_queue("");
    declare.exclusive = true;
    const auto ok = d.rpc<proto::queue_declare_ok>(1, declare);
    EXPECT_THAT(ok.queue, ::testing::StartsWith("amq.gen-"));
    EXPECT_EQ(ok.queue.size(), 30u) << ok.queue;
    EXPECT_EQ(queue_state(d, 1, ok.queue).queue, ok.queue);
    // Each declaration gets a new name.
    EXPECT_NE(d.rpc<proto::queue_declare_ok>(1, declare).queue, ok.queue);
    d.close();
}

TEST_F(queue, passive_declare_of_a_missing_queue_is_404)
{
    amqp_driver d = connect_channel();
    const std::string q = unique_name("missing");
    proto::queue_declare declare = declare_queue(q);
    declare.passive = true;
    d.send(1, declare);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no queue '" + q + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(queue, a_passive_declare_of_an_empty_name_is_404_even_after_a_declare)
{
    // Other queue methods take "" for the channel's last declared queue; this one does not.
    amqp_driver d = connect_channel();
    proto::queue_declare server_named = declare_queue("");
    server_named.exclusive = true;
    d.rpc<proto::queue_declare_ok>(1, server_named);
    proto::queue_declare passive = declare_queue("");
    passive.passive = true;
    d.send(1, passive);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no queue '' in vhost '/'");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(queue, redeclare_with_other_properties_is_406)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));

    proto::queue_declare durable = declare_queue(q);
    durable.durable = true;
    d.send(1, durable);
    proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '" + q +
                                    "' in vhost '/': received 'true' but current is 'false'");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);

    d.open_channel(1);
    proto::queue_declare auto_delete = declare_queue(q);
    auto_delete.auto_delete = true;
    d.send(1, auto_delete);
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue '" + q +
                                    "' in vhost '/': received 'true' but current is 'false'");

    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-message-ttl", std::int32_t(1000)}}));
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '" + q +
                                    "' in vhost '/': received the value '1000' of type "
                                    "'signedint' but current is none");
    d.close();
}

TEST_F(queue, a_redeclare_names_the_first_differing_argument_in_rabbitmqs_order)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string what = "PRECONDITION_FAILED - inequivalent arg ";
    const std::string for_queue = " for queue '" + q + "' in vhost '/': ";
    d.rpc<proto::queue_declare_ok>(
        1, declare_queue(q, {{"x-max-length", std::int32_t(3)}, {"x-queue-type", std::string("classic")}}));
    // Both present: the values alone.
    d.send(1, declare_queue(q, {{"x-max-length", std::int32_t(77)}, {"x-queue-type", std::string("classic")}}));
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              what + "'x-max-length'" + for_queue + "received '77' but current is '3'");
    // x-dead-letter-exchange comes before x-max-length.
    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-dead-letter-exchange", std::string("dlx")}}));
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              what + "'x-dead-letter-exchange'" + for_queue +
                  "received the value 'dlx' of type 'longstr' but current is none");
    // "classic" and no type are the same queue type.
    d.open_channel(1);
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-length", std::int32_t(3)}}));
    d.close();
}

TEST_F(queue, an_exclusive_queue_is_never_durable_so_its_durable_flag_is_not_compared)
{
    amqp_driver d = connect_channel();
    const std::string q = unique_name("exclusive");
    proto::queue_declare declare = declare_queue(q);
    declare.exclusive = true;
    d.rpc<proto::queue_declare_ok>(1, declare);
    declare.durable = true;
    d.rpc<proto::queue_declare_ok>(1, declare);
    d.close();
}

TEST_F(queue, amq_prefix_is_reserved)
{
    amqp_driver d = connect_channel();
    const std::string q = "amq." + unique_name("q");
    d.send(1, declare_queue(q));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - queue name '" + q + "' contains reserved prefix 'amq.*'");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(queue, exclusive_queue_is_locked_to_its_connection)
{
    amqp_driver owner = connect_channel();
    // A short name, so the whole reply text fits in a short string.
    const std::string q = short_unique_name("exclusive");
    proto::queue_declare declare = declare_queue(q);
    declare.exclusive = true;
    owner.rpc<proto::queue_declare_ok>(1, declare);

    amqp_driver other = connect_channel();
    other.send(1, declare);
    proto::channel_close close = other.expect_channel_close(1, reply_code::resource_locked);
    const std::string locked = "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + q +
                               "' in vhost '/'. It could be originally declared on another connection or the exclusive "
                               "property value does not match that of the original declaration.";
    EXPECT_EQ(close.reply_text, locked);
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);

    // Passive declare, consume and get from another connection are refused too.
    other.open_channel(1);
    proto::queue_declare passive = declare_queue(q);
    passive.passive = true;
    other.send(1, passive);
    EXPECT_EQ(other.expect_channel_close(1, reply_code::resource_locked).reply_text, locked);
    other.open_channel(1);
    other.send(1, consume_from(q));
    close = other.expect_channel_close(1, reply_code::resource_locked);
    EXPECT_EQ(close.reply_text, locked);
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 20);
    other.open_channel(1);
    other.send(1, get_from(q));
    close = other.expect_channel_close(1, reply_code::resource_locked);
    EXPECT_EQ(close.reply_text, locked);
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 70);
    other.close();

    // The queue goes with its connection.
    owner.close();
    amqp_driver check = connect_channel();
    EXPECT_TRUE(eventually([&] { return !queue_exists(check, 1, q); }));
    check.close();
}

TEST_F(queue, auto_delete_queue_goes_with_its_last_consumer)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    proto::queue_declare declare = declare_queue(q);
    declare.auto_delete = true;
    d.rpc<proto::queue_declare_ok>(1, declare);
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c1"));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c2"));
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"c1", false});
    EXPECT_TRUE(queue_exists(d, 1, q));
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"c2", false});
    EXPECT_TRUE(eventually([&] { return !queue_exists(d, 1, q); }));
    d.close();
}

TEST_F(queue, nowait_declare_gets_no_reply)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    proto::queue_declare declare = declare_queue(q);
    declare.nowait = true;
    d.send(1, declare);
    // The next reply on the channel is the passive declare's.
    EXPECT_EQ(queue_state(d, 1, q).queue, q);
    d.close();
}

TEST_F(queue, closing_a_connection_gives_unacked_messages_back_without_delivering_them_to_its_other_channels)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m");
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "holder"));
    d.expect_message<proto::basic_deliver>(1);
    d.open_channel(2);
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "sibling"));
    d.send(0, proto::connection_close{200, "bye", 0, 0});
    d.expect<proto::connection_close_ok>(0);
    EXPECT_EQ(d.pending(2), 0u) << "nothing redelivered to the sibling channel";

    amqp_driver other = connect_channel();
    EXPECT_TRUE(eventually([&] { return queue_state(other, 1, q).message_count == 1; }));
    other.close();
}

}  // namespace
}  // namespace amqp::test
