// Exchanges: declare, passive declare, equivalence, reserved names, delete.
#include "conformance_fixture.hpp"

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using exchange = conformance;

proto::exchange_declare passive(std::string name)
{
    proto::exchange_declare m = declare_exchange(std::move(name), "");
    m.passive = true;
    return m;
}

TEST_F(exchange, every_type_can_be_declared_checked_and_deleted)
{
    amqp_driver d = connect_channel();
    for (const char* type : {"direct", "fanout", "topic", "headers"}) {
        const std::string x = exchange_name(type);
        d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, type));
        // The same declaration again is a no-op, and so is a passive one.
        d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, type));
        d.rpc<proto::exchange_declare_ok>(1, passive(x));
        d.rpc<proto::exchange_delete_ok>(1, delete_exchange(x));
        d.send(1, passive(x));
        d.expect_channel_close(1, reply_code::not_found);
        d.open_channel(1);
    }
    d.close();
}

TEST_F(exchange, redeclare_with_another_type_is_406)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    d.send(1, declare_exchange(x, "fanout"));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange '" + x +
                                    "' in vhost '/': received 'fanout' but current is 'direct'");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(exchange, redeclare_with_other_flags_is_406)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "topic"));

    proto::exchange_declare durable = declare_exchange(x, "topic");
    durable.durable = true;
    d.send(1, durable);
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange '" + x +
                  "' in vhost '/': received 'true' but current is 'false'");

    d.open_channel(1);
    proto::exchange_declare auto_delete = declare_exchange(x, "topic");
    auto_delete.auto_delete = true;
    d.send(1, auto_delete);
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for exchange '" + x +
                  "' in vhost '/': received 'true' but current is 'false'");

    d.open_channel(1);
    proto::exchange_declare internal = declare_exchange(x, "topic");
    internal.internal = true;
    d.send(1, internal);
    EXPECT_EQ(d.expect_channel_close(1, reply_code::precondition_failed).reply_text,
              "PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '" + x +
                  "' in vhost '/': received 'true' but current is 'false'");
    d.close();
}

TEST_F(exchange, passive_declare_of_a_missing_exchange_is_404)
{
    amqp_driver d = connect_channel();
    const std::string x = unique_name("missing");
    d.send(1, passive(x));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + x + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(exchange, amq_prefix_is_reserved)
{
    amqp_driver d = connect_channel();
    const std::string x = "amq." + unique_name("x");
    d.send(1, declare_exchange(x, "direct"));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - exchange name '" + x + "' contains reserved prefix 'amq.*'");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(exchange, predeclared_exchanges_exist)
{
    amqp_driver d = connect_channel();
    for (const char* x : {"amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"}) {
        d.rpc<proto::exchange_declare_ok>(1, passive(x));
    }
    // Declaring one of them as it is is allowed: the reserved prefix only stops
    // creating new ones.
    proto::exchange_declare same = declare_exchange("amq.direct", "direct");
    same.durable = true;
    d.rpc<proto::exchange_declare_ok>(1, same);
    d.close();
}

TEST_F(exchange, default_exchange_cannot_be_declared_passively_declared_or_deleted)
{
    amqp_driver d = connect_channel();
    d.send(1, declare_exchange("", "direct"));
    proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");

    d.open_channel(1);
    d.send(1, delete_exchange(""));
    close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 20);

    // Even a passive declare.
    d.open_channel(1);
    d.send(1, passive(""));
    close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

TEST_F(exchange, unknown_type_is_a_connection_error)
{
    amqp_driver d = connect_channel();
    d.send(1, declare_exchange(unique_name("x"), "no-such-type"));
    const proto::connection_close close = d.expect_connection_close(reply_code::command_invalid);
    EXPECT_EQ(close.reply_text, "COMMAND_INVALID - unknown exchange type 'no-such-type'");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 10);
    d.expect_socket_closed();
}

TEST_F(exchange, the_type_is_checked_before_the_name)
{
    // RabbitMQ looks at the type first: the default exchange's name and a reserved
    // prefix are refused only for a known type.
    for (const std::string& name : {std::string(), "amq." + short_unique_name("x")}) {
        amqp_driver d = connect_channel();
        d.send(1, declare_exchange(name, "no-such-type"));
        const proto::connection_close close = d.expect_connection_close(reply_code::command_invalid);
        EXPECT_EQ(close.reply_text, "COMMAND_INVALID - unknown exchange type 'no-such-type'")
            << "name '" << name << "'";
        d.expect_socket_closed();
    }
}

TEST_F(exchange, delete_of_a_missing_exchange)
{
    amqp_driver d = connect_channel();
    d.send(1, delete_exchange(unique_name("missing")));
    d.expect<proto::exchange_delete_ok>(1);
    d.close();
}

TEST_F(exchange, delete_if_unused_refuses_an_exchange_with_bindings)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    const std::string q = queue_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, x, "k"));
    d.send(1, delete_exchange(x, true));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - exchange '" + x + "' in vhost '/' in use");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 20);
    d.close();
}

TEST_F(exchange, auto_delete_exchange_goes_with_its_last_binding)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    const std::string q = queue_name();
    proto::exchange_declare declare = declare_exchange(x, "fanout");
    declare.auto_delete = true;
    d.rpc<proto::exchange_declare_ok>(1, declare);
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    // Without ever having had a binding it stays.
    d.rpc<proto::exchange_declare_ok>(1, passive(x));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, x, ""));
    proto::queue_unbind unbind;
    unbind.queue = q;
    unbind.exchange = x;
    d.rpc<proto::queue_unbind_ok>(1, unbind);
    d.send(1, passive(x));
    d.expect_channel_close(1, reply_code::not_found);
    d.close();
}

TEST_F(exchange, publishing_to_an_internal_exchange_is_403)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    proto::exchange_declare declare = declare_exchange(x, "fanout");
    declare.internal = true;
    d.rpc<proto::exchange_declare_ok>(1, declare);
    d.send_message(1, publish_to(x, ""), "hello");
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - cannot publish to internal exchange '" + x + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(exchange, exchange_to_exchange_bind_needs_both_exchanges)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    const std::string missing = unique_name("missing");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "fanout"));
    proto::exchange_bind bind;
    bind.destination = x;
    bind.source = missing;
    d.send(1, bind);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'");
    EXPECT_EQ(close.class_id, 40);
    EXPECT_EQ(close.method_id, 30);
    d.close();
}

TEST_F(exchange, unbind_of_missing_exchanges_and_bindings_is_ok)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    const std::string missing = unique_name("missing");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "fanout"));
    d.rpc<proto::exchange_unbind_ok>(1, unbind_exchange(missing, "amq.direct"));
    d.rpc<proto::exchange_unbind_ok>(1, unbind_exchange("amq.fanout", missing));
    d.rpc<proto::exchange_unbind_ok>(1, unbind_exchange(x, "amq.direct"));

    d.rpc<proto::exchange_bind_ok>(1, bind_exchange(x, "amq.direct"));
    d.rpc<proto::exchange_delete_ok>(1, delete_exchange(x));
    d.rpc<proto::exchange_unbind_ok>(1, unbind_exchange(x, "amq.direct"));

    // The default exchange is still off limits.
    d.send(1, unbind_exchange("", "amq.direct"));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text, "ACCESS_REFUSED - operation not permitted on the default exchange");
    d.close();
}

TEST_F(exchange, an_empty_type_is_invalid_rather_than_unknown)
{
    amqp_driver d = connect_channel();
    d.send(1, declare_exchange(unique_name("x"), ""));
    const proto::connection_close close = d.expect_connection_close(reply_code::command_invalid);
    EXPECT_EQ(close.reply_text, "COMMAND_INVALID - invalid exchange type ''");
    d.expect_socket_closed();
}

TEST_F(exchange, exchange_bind_with_both_missing_names_the_source)
{
    amqp_driver d = connect_channel();
    const std::string destination = unique_name("missing-destination");
    const std::string source = unique_name("missing-source");
    d.send(1, bind_exchange(destination, source));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no exchange '" + source + "' in vhost '/'");
    d.close();
}

}  // namespace
}  // namespace amqp::test
