#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <amqp/protocol/sasl.hpp>

#include <gtest/gtest.h>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using test::model_peer;
namespace proto = amqp::protocol;

TEST(server_connection, handshake_offers_rabbitmq_capabilities)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    const auto start = client.expect<proto::connection_start>();
    EXPECT_EQ(start.mechanisms, "AMQPLAIN PLAIN");
    const auto* capabilities = start.server_properties.find("capabilities")->get_if<proto::field_table>();
    ASSERT_NE(capabilities, nullptr);
    for (const char* c : {"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                          "connection.blocked", "authentication_failure_close", "per_consumer_qos"}) {
        EXPECT_EQ(*capabilities->find(c), proto::field_value{true}) << c;
    }
}

TEST(server_connection, wrong_protocol_header_gets_ours_back_and_a_close)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes("GET / HTTP/1.1\r\n");
    EXPECT_EQ(client.connection().output().view(), std::string("AMQP\x00\x00\x09\x01", 8));
    EXPECT_TRUE(client.connection().finished());
}

TEST(server_connection, wrong_password_is_refused_with_a_reason)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    // Only clients announcing authentication_failure_close are told why.
    const proto::field_table capabilities{{"authentication_failure_close", true}};
    client.send(0, proto::connection_start_ok{
                       {{"capabilities", capabilities}}, "PLAIN", proto::plain_response("guest", "nope"), "en_US"});
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 403);
    EXPECT_EQ(close.reply_text,
              "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see "
              "the broker logfile. (wrong password for user 'guest')");
}

TEST(server_connection, a_refused_login_without_the_capability_just_closes)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    client.send(0, proto::connection_start_ok{{}, "PLAIN", proto::plain_response("guest", "nope"), "en_US"});
    EXPECT_TRUE(client.nothing_received());
    EXPECT_TRUE(client.connection().finished());
}

TEST(server_connection, amqplain_login)
{
    broker_state broker({});
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    client.send(0, proto::connection_start_ok{{}, "AMQPLAIN", proto::amqplain_response("guest", "guest"), "en_US"});
    client.expect<proto::connection_tune>();
}

TEST(server_connection, unknown_vhost_teaches_the_likely_mistake)
{
    broker_options options;
    options.vhosts = {"/", "myapp"};
    options.users = {{"guest", "guest", {"/", "myapp"}}};
    broker_state broker(options);
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    client.send(0, proto::connection_start_ok{{}, "PLAIN", proto::plain_response("guest", "guest"), "en_US"});
    client.expect<proto::connection_tune>();
    client.send(0, proto::connection_tune_ok{2047, 131072, 0});
    client.send(0, proto::connection_open{"myapp/", "", false});
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 530);
    EXPECT_NE(close.reply_text.find("NOT_ALLOWED - vhost myapp/ not found"), std::string::npos) << close.reply_text;
    EXPECT_NE(close.reply_text.find("did you mean 'myapp'?"), std::string::npos) << close.reply_text;
}

TEST(server_connection, a_bad_frame_end_closes_with_frame_error)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.send_bytes(std::string("\x08\x00\x00\x00\x00\x00\x00\x41", 8));
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 501);
    EXPECT_TRUE(client.connection().finished());
}

TEST(server_connection, unknown_method_is_not_implemented)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    // class 60, method 99: no such method.
    client.send_bytes(std::string("\x01\x00\x01\x00\x00\x00\x04\x00\x3c\x00\x63\xce", 12));
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 540);
}

TEST(server_connection, a_method_on_an_unopened_channel_is_a_channel_error)
{
    broker_state broker({});
    model_peer client(broker);
    client.handshake();
    client.send(5, proto::basic_qos{0, 1, false});
    const auto close = client.expect<proto::connection_close>();
    EXPECT_EQ(close.reply_code, 504);
    EXPECT_EQ(close.reply_text, "CHANNEL_ERROR - expected 'channel.open'");
}

TEST(server_connection, heartbeats_are_sent_and_a_silent_peer_is_dropped)
{
    broker_state broker({});
    test::manual_clock clock;
    clock.attach(broker);
    model_peer client(broker);
    client.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    client.expect<proto::connection_start>();
    client.send(0, proto::connection_start_ok{{}, "PLAIN", proto::plain_response("guest", "guest"), "en_US"});
    client.expect<proto::connection_tune>();
    client.send(0, proto::connection_tune_ok{2047, 131072, 10});
    client.send(0, proto::connection_open{"/", "", false});
    client.expect<proto::connection_open_ok>();

    clock.advance(6s);
    client.connection().tick(clock.now);
    EXPECT_EQ(client.connection().output().view(), std::string("\x08\x00\x00\x00\x00\x00\x00\xce", 8));
    client.connection().output().clear();
    clock.advance(15s);
    client.connection().tick(clock.now);
    EXPECT_FALSE(client.connection().finished());
    clock.advance(10s);
    client.connection().tick(clock.now);
    EXPECT_TRUE(client.connection().finished());
}

TEST(server_connection, closing_an_exclusive_owner_deletes_its_queues)
{
    broker_state broker({});
    {
        model_peer client(broker);
        client.handshake();
        client.open_channel(1);
        client.send(1, proto::queue_declare{0, "mine", false, false, true, false, false, {}});
        client.expect<proto::queue_declare_ok>();
        EXPECT_NE(broker.find_vhost("/")->find_queue("mine"), nullptr);
        client.send(0, proto::connection_close{200, "bye", 0, 0});
        client.expect<proto::connection_close_ok>();
    }
    EXPECT_EQ(broker.find_vhost("/")->find_queue("mine"), nullptr);
}

}  // namespace
}  // namespace amqp::fakebroker
