// Quorum queues (x-queue-type: quorum) as a single RabbitMQ 3.10 node has them: what
// their declare refuses, x-delivery-count, x-delivery-limit and global QoS.
#include "conformance_fixture.hpp"

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;

class quorum_queue : public conformance {
protected:
    static proto::queue_declare declare_quorum(std::string name, proto::field_table arguments = {})
    {
        arguments.set("x-queue-type", std::string("quorum"));
        proto::queue_declare m = declare_queue(std::move(name), std::move(arguments));
        m.durable = true;
        return m;
    }

    // basic.get until a message comes: a quorum queue takes a requeue in its own time.
    static message<proto::basic_get_ok> next_message(amqp_driver& d, const std::string& q)
    {
        std::optional<message<proto::basic_get_ok>> m;
        EXPECT_TRUE(conformance::eventually([&] { return (m = get(d, 1, q)).has_value(); })) << "nothing in " << q;
        return m.value_or(message<proto::basic_get_ok>{});
    }
};

std::optional<std::int64_t> delivery_count(const proto::basic_properties& p)
{
    const proto::field_value* v = p.headers ? p.headers->find("x-delivery-count") : nullptr;
    std::int64_t n = 0;
    if (!v || !v->to_int64(n)) return std::nullopt;
    return n;
}

TEST_F(quorum_queue, a_declare_refuses_what_only_classic_queues_have)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string in_vhost = "for queue '" + q + "' in vhost '/'";
    auto expect_refusal = [&](const proto::queue_declare& m, const std::string& text) {
        d.send(1, m);
        const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
        EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - " + text);
        d.open_channel(1);
    };
    expect_refusal(declare_quorum(""), "Cannot declare a server-named queue for type rabbit_quorum_queue");
    expect_refusal(declare_quorum(q, {{"x-max-priority", std::int32_t(5)}}),
                   "invalid arg 'x-max-priority' " + in_vhost + " of queue type rabbit_quorum_queue");
    proto::queue_declare m = declare_quorum(q);
    m.auto_delete = true;
    m.exclusive = true;
    expect_refusal(m, "invalid property 'auto-delete' " + in_vhost);
    m.auto_delete = false;
    expect_refusal(m, "invalid property 'exclusive-owner' " + in_vhost);
    m.exclusive = false;
    m.durable = false;
    expect_refusal(m, "invalid property 'non-durable' " + in_vhost);
    proto::queue_declare unknown = declare_queue(q, {{"x-queue-type", std::string("fifo")}});
    expect_refusal(unknown, "invalid arg 'x-queue-type' " + in_vhost + ": \"unsupported queue type 'fifo'\"");
    EXPECT_FALSE(queue_exists(d, 1, q));
    d.close();
}

TEST_F(quorum_queue, its_type_is_part_of_equivalence)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    EXPECT_EQ(d.rpc<proto::queue_declare_ok>(1, declare_quorum(q)).queue, q);
    proto::queue_declare classic = declare_queue(q);
    classic.durable = true;
    d.send(1, classic);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text,
              "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + q +
                  "' in vhost '/': received none but current is the value 'quorum' of type 'longstr'");
    d.close();
}

TEST_F(quorum_queue, a_message_given_back_carries_its_delivery_count)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
    d.send_message(1, publish_to("", q), "again");

    // basic.get shows the count from the first time.
    auto first = next_message(d, q);
    EXPECT_FALSE(first.method.redelivered);
    EXPECT_EQ(delivery_count(first.properties), 0);
    d.send(1, proto::basic_nack{first.method.delivery_tag, false, true});
    auto second = next_message(d, q);
    EXPECT_TRUE(second.method.redelivered);
    EXPECT_EQ(delivery_count(second.properties), 1);
    d.send(1, proto::basic_reject{second.method.delivery_tag, true});

    // A consumer sees the header only on a message that came back.
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));
    const auto delivered = d.expect_message<proto::basic_deliver>(1);
    EXPECT_TRUE(delivered.method.redelivered);
    EXPECT_EQ(delivery_count(delivered.properties), 2);
    d.send(1, proto::basic_ack{delivered.method.delivery_tag, false});
    d.send_message(1, publish_to("", q), "fresh");
    const auto fresh = d.expect_message<proto::basic_deliver>(1);
    EXPECT_EQ(fresh.body, "fresh");
    EXPECT_EQ(delivery_count(fresh.properties), std::nullopt);
    d.send(1, proto::basic_ack{fresh.method.delivery_tag, false});
    d.close();
}

TEST_F(quorum_queue, a_message_returned_more_often_than_the_delivery_limit_is_dead_lettered)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name("work");
    const std::string dead = queue_name("dead");
    proto::queue_declare dead_declare = declare_queue(dead);
    dead_declare.durable = true;
    d.rpc<proto::queue_declare_ok>(1, dead_declare);
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q, {{"x-delivery-limit", std::int32_t(1)},
                                                         {"x-dead-letter-exchange", std::string()},
                                                         {"x-dead-letter-routing-key", dead}}));
    d.send_message(1, publish_to("", q), "poison");
    for (int delivery = 0; delivery < 2; ++delivery) {
        const auto m = next_message(d, q);
        EXPECT_EQ(delivery_count(m.properties), delivery);
        d.send(1, proto::basic_nack{m.method.delivery_tag, false, true});
    }
    const auto dead_lettered = next_message(d, dead);
    EXPECT_EQ(dead_lettered.body, "poison");
    const proto::field_value* x_death =
        dead_lettered.properties.headers ? dead_lettered.properties.headers->find("x-death") : nullptr;
    ASSERT_TRUE(x_death);
    const auto* death = x_death->get_if<proto::field_array>()->at(0).get_if<proto::field_table>();
    ASSERT_TRUE(death);
    EXPECT_EQ(*death->find("reason")->string(), "delivery_limit");
    EXPECT_EQ(queue_state(d, 1, q).message_count, 0u);
    d.close();
}

TEST_F(quorum_queue, consuming_under_a_global_prefetch_is_not_implemented)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 10, true});
    d.send(1, consume_from(q, "c"));
    const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - queue '" + q + "' in vhost '/' does not support global qos");
    d.expect_socket_closed();
}

TEST_F(quorum_queue, delete_with_if_unused_or_if_empty_is_540_not_implemented)
{
    for (const bool if_unused : {true, false}) {
        SCOPED_TRACE(if_unused ? "if-unused" : "if-empty");
        amqp_driver d = connect_channel();
        const std::string q = queue_name();
        d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
        d.send(1, delete_queue(q, if_unused, !if_unused));
        const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
        EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - cannot delete queue '" + q + "' in vhost '/'. queue.delete " +
                                        "operations with " + (if_unused ? "if-unused" : "if-empty") +
                                        " flag set are not supported by quorum queues");
        EXPECT_EQ(close.class_id, 50);
        EXPECT_EQ(close.method_id, 40);
    }
}

// rabbit_fifo keeps a cancelled consumer that holds unacknowledged deliveries, and a
// channel holding a basic.get message, among the queue's consumers until they settle.
TEST_F(quorum_queue, consumers_holding_unacknowledged_messages_are_counted_until_they_settle)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m", 2);
    d.open_channel(2);
    auto consumers = [&] { return queue_state(d, 2, q).consumer_count; };

    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 1, false});
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "holder"));
    const auto delivery = d.expect_message<proto::basic_deliver>(1);
    d.rpc<proto::basic_cancel_ok>(1, proto::basic_cancel{"holder", false});
    EXPECT_EQ(consumers(), 1u) << "cancelled, but holding a delivery";
    d.send(1, proto::basic_ack{delivery.method.delivery_tag, false});
    EXPECT_TRUE(eventually([&] { return consumers() == 0; }));

    const auto got = get(d, 1, q);
    ASSERT_TRUE(got);
    EXPECT_EQ(consumers(), 1u) << "a basic.get message not yet acknowledged";
    d.send(1, proto::basic_ack{got->method.delivery_tag, false});
    EXPECT_TRUE(eventually([&] { return consumers() == 0; }));
    d.close();
}

TEST_F(quorum_queue, exclusive_consumers_are_not_enforced)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
    proto::basic_consume exclusive = consume_from(q, "first");
    exclusive.exclusive = true;
    d.rpc<proto::basic_consume_ok>(1, exclusive);
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "second"));
    d.close();
}

TEST_F(quorum_queue, a_per_consumer_qos_after_a_global_one_allows_consuming)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_quorum(q));
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 3, true});
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 1, false});
    d.rpc<proto::basic_consume_ok>(1, consume_from(q));
    d.close();
}

}  // namespace
}  // namespace amqp::test
