// Configure, write and read permissions: what limited_user (configure and read on
// "limited.*", write on "limited.*" and the default exchange) may and may not do, and
// RabbitMQ's 403 texts. The guest user sets up what limited_user must not touch.
#include "conformance_fixture.hpp"

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;

class permissions : public conformance {
protected:
    // A name limited_user may configure, write and read; deleted after the test.
    std::string limited_queue(std::string_view what)
    {
        return delete_queue_after_test("limited." + short_unique_name(what));
    }
    std::string limited_exchange(std::string_view what)
    {
        return delete_exchange_after_test("limited." + short_unique_name(what));
    }
    // Names outside limited_user's patterns; deleted after the test.
    std::string other_queue(std::string_view what) { return delete_queue_after_test("other." + short_unique_name(what)); }
    std::string other_exchange(std::string_view what)
    {
        return delete_exchange_after_test("other." + short_unique_name(what));
    }

    // Declared by guest, so that they exist for limited_user to be refused.
    std::string guest_queue(std::string_view what)
    {
        const std::string name = other_queue(what);
        amqp_driver d = connect_channel();
        d.rpc<proto::queue_declare_ok>(1, declare_queue(name));
        d.close();
        return name;
    }
    std::string guest_exchange(std::string_view what)
    {
        const std::string name = other_exchange(what);
        amqp_driver d = connect_channel();
        d.rpc<proto::exchange_declare_ok>(1, declare_exchange(name, "direct"));
        d.close();
        return name;
    }

    std::string refusal(const std::string& resource) const
    {
        return "ACCESS_REFUSED - access to " + resource + " in vhost '" + amqp_url::parse(url()).vhost +
               "' refused for user '" + std::string(limited_user::name) + "'";
    }

    // The channel closed with 403 for `resource` ("queue 'q'") by the method `key`,
    // then opened again for the next step.
    void expect_refused(amqp_driver& d, const std::string& resource, proto::method_key key)
    {
        const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
        EXPECT_EQ(close.reply_text, refusal(resource));
        EXPECT_EQ(close.class_id, key.class_id);
        EXPECT_EQ(close.method_id, key.method_id);
        d.open_channel(1);
    }

    template <class Method>
    void expect_refused(amqp_driver& d, const Method& m, const std::string& resource)
    {
        d.send(1, m);
        expect_refused(d, resource, Method::key);
    }

    bool exchange_exists(const std::string& name)
    {
        amqp_driver d = connect_channel();
        proto::exchange_declare m = declare_exchange(name, "direct");
        m.passive = true;
        d.send(1, m);
        const proto::command c = d.next(1);
        const bool exists = std::holds_alternative<proto::exchange_declare_ok>(c.method);
        if (!exists) d.send(1, proto::channel_close_ok{});
        d.close();
        return exists;
    }
    bool queue_exists_for_guest(const std::string& name)
    {
        amqp_driver d = connect_channel();
        const bool exists = queue_exists(d, 1, name);
        d.close();
        return exists;
    }
};

std::string queue_named(const std::string& name) { return "queue '" + name + "'"; }
std::string exchange_named(const std::string& name) { return "exchange '" + name + "'"; }

TEST_F(permissions, queue_declare_needs_configure_on_the_name)
{
    amqp_driver d = connect_limited_channel();
    const std::string allowed = limited_queue("q");
    EXPECT_EQ(d.rpc<proto::queue_declare_ok>(1, declare_queue(allowed)).queue, allowed);
    // Refused before RabbitMQ looks for the queue: 403 for an absent one, and not created.
    const std::string refused = other_queue("q");
    expect_refused(d, declare_queue(refused), queue_named(refused));
    EXPECT_FALSE(queue_exists_for_guest(refused));
    d.close();
}

TEST_F(permissions, a_server_named_queue_is_checked_under_its_generated_name)
{
    amqp_driver d = connect_limited_channel();
    d.send(1, declare_queue(""));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_TRUE(close.reply_text.starts_with("ACCESS_REFUSED - access to queue 'amq.gen-")) << close.reply_text;
    EXPECT_TRUE(close.reply_text.ends_with("' refused for user 'limited'")) << close.reply_text;
    d.close();
}

TEST_F(permissions, passive_declares_need_no_permission)
{
    const std::string q = guest_queue("q");
    const std::string x = guest_exchange("x");
    amqp_driver d = connect_limited_channel();
    proto::queue_declare queue = declare_queue(q);
    queue.passive = true;
    EXPECT_EQ(d.rpc<proto::queue_declare_ok>(1, queue).queue, q);
    proto::exchange_declare exchange = declare_exchange(x, "direct");
    exchange.passive = true;
    d.rpc<proto::exchange_declare_ok>(1, exchange);
    // Nothing refused, so a missing one is a 404.
    queue.queue = other_queue("absent");
    d.send(1, queue);
    d.expect_channel_close(1, reply_code::not_found);
    d.close();
}

TEST_F(permissions, queue_delete_needs_configure)
{
    const std::string theirs = guest_queue("q");
    amqp_driver d = connect_limited_channel();
    expect_refused(d, delete_queue(theirs), queue_named(theirs));
    EXPECT_TRUE(queue_exists_for_guest(theirs));
    const std::string mine = limited_queue("q");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(mine));
    d.rpc<proto::queue_delete_ok>(1, delete_queue(mine));
    EXPECT_FALSE(queue_exists_for_guest(mine));
    d.close();
}

TEST_F(permissions, exchange_declare_needs_configure)
{
    amqp_driver d = connect_limited_channel();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(limited_exchange("x"), "fanout"));
    const std::string refused = other_exchange("x");
    expect_refused(d, declare_exchange(refused, "fanout"), exchange_named(refused));
    EXPECT_FALSE(exchange_exists(refused));
    // Even an equivalent redeclare of an exchange that exists.
    expect_refused(d, declare_exchange("amq.direct", "direct"), exchange_named("amq.direct"));
    d.close();
}

TEST_F(permissions, an_unknown_exchange_type_is_reported_before_the_refusal)
{
    amqp_driver d = connect_limited_channel();
    d.send(1, declare_exchange(other_exchange("x"), "no-such-type"));
    const proto::connection_close close = d.expect_connection_close(reply_code::command_invalid);
    EXPECT_EQ(close.reply_text, "COMMAND_INVALID - unknown exchange type 'no-such-type'");
    d.expect_socket_closed();
}

TEST_F(permissions, exchange_delete_needs_configure)
{
    const std::string theirs = guest_exchange("x");
    amqp_driver d = connect_limited_channel();
    expect_refused(d, delete_exchange(theirs), exchange_named(theirs));
    EXPECT_TRUE(exchange_exists(theirs));
    const std::string mine = limited_exchange("x");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(mine, "direct"));
    d.rpc<proto::exchange_delete_ok>(1, delete_exchange(mine));
    EXPECT_FALSE(exchange_exists(mine));
    d.close();
}

TEST_F(permissions, queue_bind_and_unbind_need_write_on_the_queue_and_read_on_the_exchange)
{
    const std::string theirs = guest_queue("q");
    amqp_driver d = connect_limited_channel();
    const std::string q = limited_queue("q");
    const std::string x = limited_exchange("x");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(q, x, "k"));
    d.rpc<proto::queue_unbind_ok>(1, unbind_queue(q, x, "k"));

    expect_refused(d, bind_queue(theirs, x, "k"), queue_named(theirs));
    expect_refused(d, bind_queue(q, "amq.direct", "k"), exchange_named("amq.direct"));
    // Write on the queue is checked first.
    expect_refused(d, bind_queue(theirs, "amq.direct", "k"), queue_named(theirs));
    expect_refused(d, unbind_queue(theirs, x, "k"), queue_named(theirs));
    expect_refused(d, unbind_queue(q, "amq.direct", "k"),
                   exchange_named("amq.direct"));
    d.close();
}

TEST_F(permissions, exchange_bind_and_unbind_need_write_on_the_destination_and_read_on_the_source)
{
    amqp_driver d = connect_limited_channel();
    const std::string source = limited_exchange("source");
    const std::string destination = limited_exchange("destination");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(source, "direct"));
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(destination, "direct"));
    d.rpc<proto::exchange_bind_ok>(1, bind_exchange(destination, source));
    d.rpc<proto::exchange_unbind_ok>(1, unbind_exchange(destination, source));

    expect_refused(d, bind_exchange("amq.fanout", source),
                   exchange_named("amq.fanout"));
    expect_refused(d, bind_exchange(destination, "amq.direct"),
                   exchange_named("amq.direct"));
    // Write on the destination is checked first.
    expect_refused(d, bind_exchange("amq.fanout", "amq.direct"),
                   exchange_named("amq.fanout"));
    expect_refused(d, unbind_exchange("amq.fanout", source),
                   exchange_named("amq.fanout"));
    expect_refused(d, unbind_exchange(destination, "amq.direct"),
                   exchange_named("amq.direct"));
    d.close();
}

TEST_F(permissions, publish_needs_write_on_the_exchange)
{
    amqp_driver d = connect_limited_channel();
    const std::string q = limited_queue("q");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    // The default exchange is checked as amq.default, which limited_user may write.
    publish_confirmed(d, 1, publish_to("", q), "allowed");
    const auto got = get(d, 1, q, true);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->body, "allowed0");

    d.send_message(1, publish_to("amq.direct", q), "refused");
    expect_refused(d, exchange_named("amq.direct"), proto::basic_publish::key);
    // Refused before RabbitMQ looks for the exchange: 403, not 404.
    const std::string absent = other_exchange("absent");
    d.send_message(1, publish_to(absent, q), "refused");
    expect_refused(d, exchange_named(absent), proto::basic_publish::key);
    d.close();
}

TEST_F(permissions, get_consume_and_purge_need_read_on_the_queue)
{
    const std::string theirs = guest_queue("q");
    amqp_driver d = connect_limited_channel();
    const std::string mine = limited_queue("q");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(mine));
    d.rpc<proto::basic_get_empty>(1, get_from(mine));
    d.rpc<proto::queue_purge_ok>(1, purge(mine));
    d.rpc<proto::basic_consume_ok>(1, consume_from(mine));

    expect_refused(d, get_from(theirs), queue_named(theirs));
    expect_refused(d, consume_from(theirs), queue_named(theirs));
    expect_refused(d, purge(theirs), queue_named(theirs));
    // Refused before RabbitMQ looks for the queue: 403, not 404.
    const std::string absent = other_queue("absent");
    expect_refused(d, get_from(absent), queue_named(absent));
    d.close();
}

TEST_F(permissions, an_alternate_exchange_needs_write_on_it)
{
    amqp_driver d = connect_limited_channel();
    proto::exchange_declare m = declare_exchange(limited_exchange("x"), "direct");
    m.arguments = {{"alternate-exchange", std::string("amq.fanout")}};
    expect_refused(d, m, exchange_named("amq.fanout"));
    EXPECT_FALSE(exchange_exists(m.exchange));
    m.arguments = {{"alternate-exchange", limited_exchange("ae")}};
    d.rpc<proto::exchange_declare_ok>(1, m);
    d.close();
}

TEST_F(permissions, a_dead_letter_exchange_needs_write_on_it)
{
    amqp_driver d = connect_limited_channel();
    const std::string q = limited_queue("q");
    expect_refused(d, declare_queue(q, {{"x-dead-letter-exchange", std::string("amq.direct")}}),
                   exchange_named("amq.direct"));
    EXPECT_FALSE(queue_exists_for_guest(q));
    // "" is the default exchange, checked as amq.default.
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-dead-letter-exchange", std::string("")}}));
    d.close();
}

}  // namespace
}  // namespace amqp::test
