// Queues: declare (named, server-named, passive, exclusive, auto-delete), purge,
// delete, bind and unbind.
#include "conformance_fixture.hpp"

#include <gmock/gmock.h>

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
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue '" +
                                    q + "' in vhost '/': received 'true' but current is 'false'");

    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-message-ttl", std::int32_t(1000)}}));
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '" +
                                    q + "' in vhost '/': received the value '1000' of type "
                                        "'signedint' but current is none");
    d.close();
}

TEST_F(queue, amq_prefix_is_reserved)
{
    amqp_driver d = connect_channel();
    const std::string q = "amq." + unique_name("q");
    d.send(1, declare_queue(q));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text,
              "ACCESS_REFUSED - queue name '" + q + "' contains reserved prefix 'amq.*'");
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
    const std::string locked =
        "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + q +
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

TEST_F(queue, bind_and_unbind_change_routing)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.direct", q + ".key"));
    // Binding twice is a no-op.
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.direct", q + ".key"));
    d.send_message(1, publish_to("amq.direct", q + ".key"), "routed");
    const auto got = get(d, 1, q, true);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->body, "routed");
    EXPECT_EQ(got->method.exchange, "amq.direct");
    EXPECT_EQ(got->method.routing_key, q + ".key");

    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, "amq.direct", q + ".key"));
    d.send_message(1, publish_to("amq.direct", q + ".key", true), "unrouted");
    const auto returned = d.expect_message<proto::basic_return>(1);
    EXPECT_EQ(returned.method.reply_code, 312);
    EXPECT_EQ(returned.body, "unrouted");
    // Unbinding what is not bound is fine.
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, "amq.direct", q + ".key"));
    d.close();
}

TEST_F(queue, bind_to_missing_entities_is_404)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string missing = unique_name("missing");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));

    d.send(1, bind_queue(q, missing, "k"));
    proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 20);

    d.open_channel(1);
    d.send(1, bind_queue(missing, "amq.direct", "k"));
    close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no queue '" + missing + "' in vhost '/'");
    d.close();
}

TEST_F(queue, unbind_of_missing_queues_exchanges_and_bindings_is_ok)
{
    // RabbitMQ 3.10 answers unbind-ok for all of these: cleanup code may unbind after
    // deleting, in any order.
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string missing = unique_name("missing");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(missing, "amq.direct", "k"));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, missing, "k"));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(missing, missing, "k"));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, "amq.direct", "never bound"));

    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.direct", "k"));
    d.rpc<proto::queue_delete_ok>(1, delete_queue(q));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, "amq.direct", "k"));
    d.close();
}

TEST_F(queue, unbind_checks_another_connections_exclusive_lock_only_on_a_binding_that_exists)
{
    amqp_driver owner = connect_channel();
    const std::string q = short_unique_name("exclusive");
    proto::queue_declare declare = declare_queue(q);
    declare.exclusive = true;
    owner.rpc<proto::queue_declare_ok>(1, declare);
    owner.rpc<proto::queue_bind_ok>(1, bind_queue(q, "amq.direct", "bound"));

    amqp_driver other = connect_channel();
    other.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, "amq.direct", "not bound"));
    other.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, unique_name("missing"), "bound"));
    other.send(1, unbind_queue(q, "amq.direct", "bound"));
    const proto::channel_close close = other.expect_channel_close(1, reply_code::resource_locked);
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 50);
    other.close();
    owner.close();
}

TEST_F(queue, default_exchange_bindings_cannot_be_changed)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send(1, bind_queue(q, "", "k"));
    proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 20);

    d.open_channel(1);
    d.send(1, unbind_queue(q, "", q));
    close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");
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

TEST_F(queue, bind_with_both_missing_names_the_exchange)
{
    amqp_driver d = connect_channel();
    const std::string missing_queue = unique_name("missing-q");
    const std::string missing_exchange = unique_name("missing-x");
    d.send(1, bind_queue(missing_queue, missing_exchange, "k"));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + missing_exchange + "' in vhost '/'");
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

TEST_F(queue, a_redeclare_names_the_first_differing_argument_in_rabbitmqs_order)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string what = "PRECONDITION_FAILED - inequivalent arg ";
    const std::string for_queue = " for queue '" + q + "' in vhost '/': ";
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-length", std::int32_t(3)},
                                                        {"x-queue-type", std::string("classic")}}));
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
