// Basic publish and get: properties and bodies, returns of unroutable messages, and publishes that are refused.
#include "conformance_fixture.hpp"

#include <chrono>
#include <string>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using basic = conformance;

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

}  // namespace
}  // namespace amqp::test
