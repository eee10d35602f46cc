// Queue bind and unbind: routing they change, missing queues and exchanges, exclusive locks, and the default exchange.
#include "conformance_fixture.hpp"

#include <string>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using queue = conformance;

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

}  // namespace
}  // namespace amqp::test
