// The fake's side of the deliberate differences from RabbitMQ (docs/differences.md),
// pinned on the model: a change that removes or widens one fails here.
#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <amqp/protocol/sasl.hpp>

#include <gtest/gtest.h>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using test::model_peer;
namespace proto = amqp::protocol;

const std::string amqp_0_9_1_header("AMQP\x00\x00\x09\x01", 8);

// Up to start-ok: the broker has sent connection.start.
void send_header(model_peer& client)
{
    client.send_bytes(amqp_0_9_1_header);
    client.expect<proto::connection_start>();
}

proto::field_table announcing_authentication_failure_close()
{
    return {{"capabilities", proto::field_table{{"authentication_failure_close", true}}}};
}

TEST(differences, a_refused_login_names_the_unknown_user)
{
    broker_state broker({});
    model_peer client(broker);
    send_header(client);
    client.send(0, proto::connection_start_ok{announcing_authentication_failure_close(), "PLAIN",
                                              std::string("\0bob\0secret", 11), "en_US"});
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 403);
    EXPECT_EQ(close.reply_text,
              "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see "
              "the broker logfile. (no user 'bob')");
    EXPECT_TRUE(client.connection().finished());
}

TEST(differences, server_properties_name_the_fake_beside_rabbitmqs_product_and_version)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes(amqp_0_9_1_header);
    const auto start = client.expect<proto::connection_start>();
    const auto text = [&](const char* key) { return *start.server_properties.find(key)->string(); };
    EXPECT_EQ(text("product"), "RabbitMQ");
    EXPECT_EQ(text("version"), "3.10.8");
    EXPECT_EQ(text("platform"), "C++20");
    EXPECT_EQ(text("copyright"), "amqp-fake");
    EXPECT_EQ(text("cluster_name"), "fakebroker@localhost");
}

TEST(differences, a_vhost_of_slashes_alone_points_at_the_default_vhost)
{
    broker_state broker({});
    model_peer client(broker);
    send_header(client);
    client.send(0, proto::connection_start_ok{{}, "PLAIN", proto::plain_response("guest", "guest"), "en_US"});
    client.expect<proto::connection_tune>();
    client.send(0, proto::connection_tune_ok{2047, 131072, 0});
    client.send(0, proto::connection_open{"//", "", false});
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 530);
    EXPECT_EQ(close.reply_text, "NOT_ALLOWED - vhost // not found (the default vhost is '/')");
}

TEST(differences, an_unknown_method_is_answered_with_540_naming_it)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    // class 60, method 99: no such method.
    client.send_bytes(std::string("\x01\x00\x01\x00\x00\x00\x04\x00\x3c\x00\x63\xce", 12));
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 540);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - unknown method 60.99");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 99);
}

TEST(differences, an_unknown_class_is_answered_with_540_naming_it)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    // class 99, method 10.
    client.send_bytes(std::string("\x01\x00\x01\x00\x00\x00\x04\x00\x63\x00\x0a\xce", 12));
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 540);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - unknown method 99.10");
}

// RabbitMQ waits about 3 s before it closes the socket on a failed handshake; the
// fake is finished as soon as the offending method is read, with the clock still.
TEST(differences, handshake_failures_close_at_once_without_a_close)
{
    struct handshake_case {
        const char* name;
        proto::connection_start_ok start_ok;
        std::optional<proto::connection_tune_ok> tune_ok;
    };
    const std::string good = proto::plain_response("guest", "guest");
    const std::vector<handshake_case> cases{
        {"unknown mechanism", {{}, "CRAM-MD5", good, "en_US"}, std::nullopt},
        {"refused login without authentication_failure_close",
         {{}, "PLAIN", proto::plain_response("guest", "nope"), "en_US"},
         std::nullopt},
        {"tune-ok frame_max below 4096", {{}, "PLAIN", good, "en_US"}, proto::connection_tune_ok{2047, 1024, 0}},
        {"tune-ok frame_max above the server's",
         {{}, "PLAIN", good, "en_US"},
         proto::connection_tune_ok{2047, 131072 + 1, 0}},
        {"tune-ok channel_max above the server's",
         {{}, "PLAIN", good, "en_US"},
         proto::connection_tune_ok{2047 + 1, 131072, 0}},
    };
    for (const handshake_case& c : cases) {
        SCOPED_TRACE(c.name);
        broker_state broker({});
        test::manual_clock clock;
        clock.attach(broker);
        model_peer client(broker);
        send_header(client);
        client.send(0, c.start_ok);
        if (c.tune_ok) {
            client.expect<proto::connection_tune>();
            client.send(0, *c.tune_ok);
        }
        EXPECT_TRUE(client.nothing_received());
        EXPECT_TRUE(client.connection().finished());
    }
}

// RabbitMQ keeps waiting for the rest of a body that has already overrun its
// announced size; the fake closes on the frame that overruns it.
TEST(differences, a_body_longer_than_announced_is_505_at_once)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    proto::byte_buffer out;
    proto::encode_frame(out, 1, proto::basic_publish{0, "", "q", false, false});
    proto::encode_frame_with(out, proto::frame_type::header, 1, [](proto::byte_buffer& p) {
        proto::writer w(p);
        proto::encode_content_header(w, proto::content_header{60, 0, 3, {}});
    });
    proto::encode_frame_with(out, proto::frame_type::body, 1, [](proto::byte_buffer& p) { p.append("abcde"); });
    client.send_bytes(out.view());
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 505);
    EXPECT_EQ(close.reply_text,
              "UNEXPECTED_FRAME - content body frame of 5 bytes overruns the announced body size by 2");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
}

TEST(differences, stream_queues_are_refused_with_406)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    const proto::field_table stream{{"x-queue-type", std::string("stream")}};
    client.send(1, proto::queue_declare{0, "events", false, true, false, false, false, stream});
    const auto close = client.expect<proto::channel_close>();
    EXPECT_EQ(close.reply_code, 406);
    EXPECT_NE(close.reply_text.find("stream queues are not supported by this broker"), std::string::npos)
        << close.reply_text;
    EXPECT_EQ(broker.find_vhost("/")->find_queue("events"), nullptr);
}

// Permission patterns are std::regex's ECMAScript: PCRE's inline flags, which
// RabbitMQ would take, are refused when the broker is configured.
TEST(differences, permission_patterns_are_ecmascript_not_pcre)
{
    broker_options options;
    options.users.push_back({"bob", "bob", {}, {{"/", {"(?i)^bob\\.", ".*", ".*"}}}});
    try {
        broker_state broker(options);
        FAIL() << "expected std::invalid_argument for the PCRE-only pattern (?i)^bob\\., the broker took it";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("(?i)^bob"), std::string::npos) << e.what();
    }
    // The usual patterns mean what they mean to RabbitMQ.
    options.users.back().vhost_permissions["/"] = {"^bob\\.|^amq\\.default$", ".*", "^(bob|alice)\\."};
    EXPECT_NO_THROW(broker_state{options});
}

// No topic permissions: write permission on a topic exchange is enough for any
// routing key.
TEST(differences, topic_exchanges_take_every_routing_key_from_a_writer)
{
    broker_options options;
    options.users.push_back({"bob", "bob", {}, {{"/", {"^bob\\.", "^bob\\.", "^bob\\."}}}});
    broker_state broker(options);
    model_peer bob(broker);
    bob.handshake("bob", "bob");
    bob.open_channel(1);
    bob.send(1, proto::exchange_declare{0, "bob.topic", "topic", false, false, false, false, false, {}});
    bob.expect<proto::exchange_declare_ok>();
    bob.declare_queue(1, "bob.all");
    bob.send(1, proto::queue_bind{0, "bob.all", "bob.topic", "#", false, {}});
    bob.expect<proto::queue_bind_ok>();
    for (const char* key : {"bob.mine", "payroll.secret", "anything.at.all"}) bob.publish(1, "bob.topic", key, key);
    EXPECT_TRUE(bob.nothing_received()) << "a publish was refused";
    EXPECT_EQ(broker.find_vhost("/")->find_queue("bob.all")->ready_count(), 3u);
}

// No Raft log underneath: a message given back to a quorum queue is there for the
// very next basic.get, where RabbitMQ takes a moment.
TEST(differences, a_quorum_queue_requeue_is_seen_at_once)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    const proto::field_table quorum{{"x-queue-type", std::string("quorum")}};
    client.send(1, proto::queue_declare{0, "votes", false, true, false, false, false, quorum});
    client.expect<proto::queue_declare_ok>();
    client.publish(1, "", "votes", "again");
    client.send(1, proto::basic_get{0, "votes", false});
    const auto first = client.expect<proto::basic_get_ok>();
    client.send(1, proto::basic_nack{first.delivery_tag, false, true});
    client.send(1, proto::basic_get{0, "votes", false});
    const auto second = client.expect<proto::basic_get_ok>();
    EXPECT_TRUE(second.redelivered);
    ASSERT_TRUE(client.last().header.has_value());
    const auto& headers = client.last().header->properties.headers;
    ASSERT_TRUE(headers.has_value()) << "no headers on the requeued message";
    const auto* count = headers->find("x-delivery-count");
    ASSERT_NE(count, nullptr) << "no x-delivery-count on the requeued message";
    EXPECT_EQ(*count, proto::field_value{std::int64_t{1}});
}

struct differences_ttl : ::testing::Test {
    differences_ttl() : broker({})
    {
        clock.attach(broker);
        client.emplace(broker);
        client->handshake();
        client->open_channel(1);
        client->declare_queue(1, "dlq");
        client->declare_queue(
            1, "delay", {{"x-message-ttl", 250}, {"x-dead-letter-exchange", ""}, {"x-dead-letter-routing-key", "dlq"}});
    }

    std::size_t ready(const std::string& queue) { return broker.find_vhost("/")->find_queue(queue)->ready_count(); }

    broker_state broker;
    test::manual_clock clock;
    std::optional<model_peer> client;
};

// The timer asks to be woken at the head's expiry, not on a fixed period, so the
// server's 100 ms ceiling is only reached by expiries further away.
TEST_F(differences_ttl, the_timer_wakes_at_the_head_expiry_and_dead_letters_it_then)
{
    const auto published = clock.now;
    client->publish(1, "", "delay", "later");
    const auto due = broker.on_timer();
    ASSERT_TRUE(due.has_value()) << "no wake-up asked for a message with a TTL";
    EXPECT_EQ(*due, published + 250ms);

    clock.set(*due - 1ms);
    broker.on_timer();
    EXPECT_EQ(ready("delay"), 1u);
    EXPECT_EQ(ready("dlq"), 0u);

    clock.set(*due);
    broker.on_timer();
    EXPECT_EQ(ready("delay"), 0u);
    EXPECT_EQ(ready("dlq"), 1u);
}

TEST_F(differences_ttl, basic_get_never_sees_an_expired_message_even_before_the_timer)
{
    client->publish(1, "", "delay", "later");
    clock.advance(250ms);
    // No on_timer() call: the get itself finds the message expired.
    client->send(1, proto::basic_get{0, "delay", true});
    client->expect<proto::basic_get_empty>();
    EXPECT_EQ(ready("dlq"), 1u);
}

TEST_F(differences_ttl, a_consumer_never_sees_an_expired_message_even_before_the_timer)
{
    client->publish(1, "", "delay", "stale");
    // Past the expiry (at the very instant a waiting consumer still takes it, which
    // lets a TTL of 0 reach consumers with room, as in RabbitMQ).
    clock.advance(251ms);
    client->send(1, proto::basic_consume{0, "delay", "c", false, true, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    EXPECT_TRUE(client->nothing_received()) << "an expired message was delivered";
    EXPECT_EQ(ready("dlq"), 1u);
}

}  // namespace
}  // namespace amqp::fakebroker
