// Configure, write and read permissions, as RabbitMQ checks them, driven through the
// model: "bob" may configure and read names starting "bob.", and write to those and
// to the default exchange ("amq.default").
#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace amqp::fakebroker {
namespace {

using test::model_peer;
namespace proto = amqp::protocol;

// Method builders with the defaults; a test names only what it is about.
proto::exchange_declare declare_exchange(std::string name, bool passive = false)
{
    proto::exchange_declare m;
    m.exchange = std::move(name);
    m.passive = passive;
    return m;
}
proto::queue_declare declare_queue(std::string name, bool passive = false)
{
    proto::queue_declare m;
    m.queue = std::move(name);
    m.passive = passive;
    return m;
}
proto::exchange_delete delete_exchange(std::string name)
{
    proto::exchange_delete m;
    m.exchange = std::move(name);
    return m;
}
proto::queue_delete delete_queue(std::string name)
{
    proto::queue_delete m;
    m.queue = std::move(name);
    return m;
}
proto::queue_bind bind_queue(std::string queue, std::string exchange)
{
    proto::queue_bind m;
    m.queue = std::move(queue);
    m.exchange = std::move(exchange);
    return m;
}
proto::queue_unbind unbind_queue(std::string queue, std::string exchange)
{
    proto::queue_unbind m;
    m.queue = std::move(queue);
    m.exchange = std::move(exchange);
    return m;
}
proto::exchange_bind bind_exchange(std::string destination, std::string source)
{
    proto::exchange_bind m;
    m.destination = std::move(destination);
    m.source = std::move(source);
    return m;
}
proto::exchange_unbind unbind_exchange(std::string destination, std::string source)
{
    proto::exchange_unbind m;
    m.destination = std::move(destination);
    m.source = std::move(source);
    return m;
}
proto::basic_get get_from(std::string queue)
{
    proto::basic_get m;
    m.queue = std::move(queue);
    return m;
}
proto::basic_consume consume_from(std::string queue)
{
    proto::basic_consume m;
    m.queue = std::move(queue);
    return m;
}
proto::queue_purge purge(std::string queue)
{
    proto::queue_purge m;
    m.queue = std::move(queue);
    return m;
}

TEST(name_pattern, searches_anywhere_in_the_name)
{
    EXPECT_TRUE(name_pattern("bob").matches("a.bob.b"));
    EXPECT_FALSE(name_pattern("^bob").matches("a.bob.b"));
    EXPECT_TRUE(name_pattern("^bob\\.|^amq\\.default$").matches("amq.default"));
    EXPECT_FALSE(name_pattern("^bob\\.|^amq\\.default$").matches("amq.default.x"));
}

TEST(name_pattern, empty_matches_nothing_and_dot_star_everything)
{
    EXPECT_FALSE(name_pattern("").matches("q"));
    EXPECT_FALSE(name_pattern("").matches("amq.default"));
    EXPECT_TRUE(name_pattern(".*").matches("q"));
    EXPECT_TRUE(name_pattern(".*").matches(""));
}

TEST(permission_table, explicit_permissions_win_over_the_vhost_list)
{
    user u{"bob", "pw", {"/", "other"}};
    u.vhost_permissions["/"] = {"^c", "^w", "^r"};
    const permission_table table({u});
    const vhost_access* root = table.find("bob", "/");
    ASSERT_NE(root, nullptr);
    EXPECT_TRUE(root->allows(access::configure, "c1"));
    EXPECT_FALSE(root->allows(access::configure, "w1"));
    EXPECT_TRUE(root->allows(access::write, "w1"));
    EXPECT_FALSE(root->allows(access::write, "r1"));
    EXPECT_TRUE(root->allows(access::read, "r1"));
    EXPECT_FALSE(root->allows(access::read, "c1"));
    const vhost_access* other = table.find("bob", "other");
    ASSERT_NE(other, nullptr);
    EXPECT_TRUE(other->allows(access::configure, "anything"));
    EXPECT_EQ(table.find("bob", "third"), nullptr);
    EXPECT_EQ(table.find("alice", "/"), nullptr);
}

TEST(permission_table, an_invalid_regex_names_user_vhost_and_pattern)
{
    broker_options options;
    options.users.push_back({"bob", "bob", {}, {{"/", {".*", "(unclosed", ".*"}}}});
    try {
        broker_state broker(options);
        FAIL() << "no exception for an invalid regex";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("write"), std::string::npos) << what;
        EXPECT_NE(what.find("'bob'"), std::string::npos) << what;
        EXPECT_NE(what.find("vhost '/'"), std::string::npos) << what;
        EXPECT_NE(what.find("'(unclosed'"), std::string::npos) << what;
    }
}

struct permissions_fixture : ::testing::Test {
    permissions_fixture() : broker(options())
    {
        admin.emplace(broker);
        admin->handshake();
        admin->open_channel(1);
        for (const char* q : {"bob.q", "other.q"}) admin->declare_queue(1, q);
        for (const char* x : {"bob.x", "bob.x2", "other.x"}) {
            admin->send(1, declare_exchange(x));
            admin->expect<proto::exchange_declare_ok>();
        }
        bob.emplace(broker);
        bob->handshake("bob", "bob");
        bob->open_channel(1);
    }

    static broker_options options()
    {
        broker_options o;
        o.users.push_back({"bob", "bob", {}, {{"/", {"^bob\\.", "^bob\\.|^amq\\.default$", "^bob\\."}}}});
        o.users.push_back({"nobody", "nobody", {}, {{"/", {"", "", ""}}}});
        return o;
    }

    template <class Reply, class Method>
    void expect_allowed(const Method& m)
    {
        bob->send(1, m);
        bob->expect<Reply>();
    }

    // Bob's channel 1 closed with RabbitMQ's refusal of `resource` ("queue 'q'"), and
    // opened again.
    void expect_refused_by(proto::method_key key, const std::string& resource, const std::string& who = "bob",
                           model_peer* client = nullptr)
    {
        model_peer& c = client ? *client : *bob;
        const auto close = c.expect<proto::channel_close>();
        EXPECT_EQ(close.reply_code, 403);
        EXPECT_EQ(close.reply_text,
                  "ACCESS_REFUSED - access to " + resource + " in vhost '/' refused for user '" + who + "'");
        EXPECT_EQ(close.class_id, key.class_id);
        EXPECT_EQ(close.method_id, key.method_id);
        c.send(1, proto::channel_close_ok{});
        c.open_channel(1);
    }

    template <class Method>
    void expect_refused(const Method& m, const std::string& resource)
    {
        bob->send(1, m);
        expect_refused_by(Method::key, resource);
    }

    bool queue_exists(const std::string& name) { return broker.find_vhost("/")->find_queue(name) != nullptr; }
    bool exchange_exists(const std::string& name) { return broker.find_vhost("/")->find_exchange(name) != nullptr; }

    broker_state broker;
    std::optional<model_peer> admin;
    std::optional<model_peer> bob;
};

TEST_F(permissions_fixture, empty_patterns_let_the_user_in_but_allow_nothing)
{
    model_peer nobody(broker);
    nobody.handshake("nobody", "nobody");
    nobody.open_channel(1);
    nobody.publish(1, "", "bob.q", "x");
    expect_refused_by(proto::basic_publish::key, "exchange 'amq.default'", "nobody", &nobody);
}

TEST_F(permissions_fixture, exchange_declare_needs_configure)
{
    expect_allowed<proto::exchange_declare_ok>(declare_exchange("bob.new"));
    expect_refused(declare_exchange("other.new"), "exchange 'other.new'");
    EXPECT_FALSE(exchange_exists("other.new"));
    // Checked before existence, and before the reserved prefix.
    expect_refused(declare_exchange("amq.direct"), "exchange 'amq.direct'");
    expect_refused(declare_exchange("amq.new"), "exchange 'amq.new'");
}

TEST_F(permissions_fixture, passive_declares_need_no_permission)
{
    expect_allowed<proto::exchange_declare_ok>(
        declare_exchange("other.x", true));
    expect_allowed<proto::queue_declare_ok>(declare_queue("other.q", true));
}

TEST_F(permissions_fixture, an_alternate_exchange_needs_read_on_the_new_one_and_write_on_it)
{
    proto::exchange_declare m = declare_exchange("bob.with-ae");
    m.arguments = {{"alternate-exchange", std::string("other.x")}};
    expect_refused(m, "exchange 'other.x'");
    m.arguments = {{"alternate-exchange", std::string("bob.x")}};
    expect_allowed<proto::exchange_declare_ok>(m);
}

TEST_F(permissions_fixture, exchange_delete_needs_configure)
{
    expect_refused(delete_exchange("other.x"), "exchange 'other.x'");
    EXPECT_TRUE(exchange_exists("other.x"));
    expect_allowed<proto::exchange_delete_ok>(delete_exchange("bob.x"));
    EXPECT_FALSE(exchange_exists("bob.x"));
}

TEST_F(permissions_fixture, queue_declare_needs_configure_before_existence)
{
    expect_allowed<proto::queue_declare_ok>(declare_queue("bob.new"));
    expect_refused(declare_queue("absent"), "queue 'absent'");
    EXPECT_FALSE(queue_exists("absent"));
    expect_refused(declare_queue("other.q"), "queue 'other.q'");
}

TEST_F(permissions_fixture, a_server_named_queue_is_checked_under_its_generated_name)
{
    bob->send(1, declare_queue(""));
    const auto close = bob->expect<proto::channel_close>();
    EXPECT_EQ(close.reply_code, 403);
    EXPECT_TRUE(close.reply_text.starts_with("ACCESS_REFUSED - access to queue 'amq.gen-")) << close.reply_text;
    EXPECT_TRUE(close.reply_text.ends_with("' in vhost '/' refused for user 'bob'")) << close.reply_text;
}

TEST_F(permissions_fixture, a_dead_letter_exchange_needs_read_on_the_queue_and_write_on_it)
{
    proto::queue_declare m = declare_queue("bob.with-dlx");
    m.arguments = {{"x-dead-letter-exchange", std::string("other.x")}};
    expect_refused(m, "exchange 'other.x'");
    EXPECT_FALSE(queue_exists("bob.with-dlx"));
    // The default exchange is written as amq.default, which bob may.
    m.arguments = {{"x-dead-letter-exchange", std::string("")}};
    expect_allowed<proto::queue_declare_ok>(m);
}

TEST_F(permissions_fixture, queue_delete_needs_configure)
{
    expect_refused(delete_queue("other.q"), "queue 'other.q'");
    EXPECT_TRUE(queue_exists("other.q"));
    expect_refused(delete_queue("absent"), "queue 'absent'");
    expect_allowed<proto::queue_delete_ok>(delete_queue("bob.q"));
    EXPECT_FALSE(queue_exists("bob.q"));
}

TEST_F(permissions_fixture, queue_bind_needs_write_on_the_queue_then_read_on_the_exchange)
{
    expect_allowed<proto::queue_bind_ok>(bind_queue("bob.q", "bob.x"));
    expect_refused(bind_queue("other.q", "bob.x"), "queue 'other.q'");
    expect_refused(bind_queue("bob.q", "other.x"), "exchange 'other.x'");
    expect_refused(bind_queue("other.q", "other.x"), "queue 'other.q'");
    // Before existence.
    expect_refused(bind_queue("bob.q", "absent"), "exchange 'absent'");
}

TEST_F(permissions_fixture, queue_unbind_needs_write_on_the_queue_then_read_on_the_exchange)
{
    expect_allowed<proto::queue_bind_ok>(bind_queue("bob.q", "bob.x"));
    expect_allowed<proto::queue_unbind_ok>(unbind_queue("bob.q", "bob.x"));
    expect_refused(unbind_queue("other.q", "bob.x"), "queue 'other.q'");
    expect_refused(unbind_queue("bob.q", "other.x"), "exchange 'other.x'");
}

TEST_F(permissions_fixture, exchange_bind_needs_write_on_the_destination_then_read_on_the_source)
{
    expect_allowed<proto::exchange_bind_ok>(bind_exchange("bob.x2", "bob.x"));
    expect_refused(bind_exchange("other.x", "bob.x"), "exchange 'other.x'");
    expect_refused(bind_exchange("bob.x2", "other.x"), "exchange 'other.x'");
    expect_refused(bind_exchange("absent.1", "absent.2"), "exchange 'absent.1'");
}

TEST_F(permissions_fixture, exchange_unbind_needs_write_on_the_destination_then_read_on_the_source)
{
    expect_allowed<proto::exchange_bind_ok>(bind_exchange("bob.x2", "bob.x"));
    expect_allowed<proto::exchange_unbind_ok>(unbind_exchange("bob.x2", "bob.x"));
    expect_refused(unbind_exchange("other.x", "bob.x"), "exchange 'other.x'");
    expect_refused(unbind_exchange("bob.x2", "other.x"), "exchange 'other.x'");
}

TEST_F(permissions_fixture, publish_needs_write_on_the_exchange)
{
    bob->publish(1, "", "bob.q", "via the default exchange");
    bob->publish(1, "bob.x", "", "unrouted");
    EXPECT_TRUE(bob->nothing_received());
    EXPECT_EQ(broker.find_vhost("/")->find_queue("bob.q")->ready_count(), 1u);
    bob->publish(1, "other.x", "", "refused");
    expect_refused_by(proto::basic_publish::key, "exchange 'other.x'");
    // Before existence: a 403, not a 404.
    bob->publish(1, "absent", "", "refused");
    expect_refused_by(proto::basic_publish::key, "exchange 'absent'");
    bob->publish(1, "bob.absent", "", "missing");
    EXPECT_EQ(bob->expect<proto::channel_close>().reply_code, 404);
}

TEST_F(permissions_fixture, get_consume_and_purge_need_read_on_the_queue)
{
    expect_allowed<proto::basic_get_empty>(get_from("bob.q"));
    expect_allowed<proto::basic_consume_ok>(consume_from("bob.q"));
    expect_allowed<proto::queue_purge_ok>(purge("bob.q"));
    expect_refused(get_from("other.q"), "queue 'other.q'");
    expect_refused(consume_from("other.q"), "queue 'other.q'");
    expect_refused(purge("other.q"), "queue 'other.q'");
    expect_refused(get_from("absent"), "queue 'absent'");
}

TEST_F(permissions_fixture, an_empty_queue_name_is_checked_as_the_last_declared_queue)
{
    expect_allowed<proto::queue_declare_ok>(declare_queue("other.q", true));
    expect_refused(get_from(""), "queue 'other.q'");
}

}  // namespace
}  // namespace amqp::fakebroker
