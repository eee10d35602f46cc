// Connection: the handshake, authentication, vhosts, tuning, heartbeats and close.
#include "conformance_fixture.hpp"

#include <gmock/gmock.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <vector>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using connection = conformance;

// Whether this machine has ::1 to listen on.
bool has_ipv6_loopback()
{
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

bool capability(const proto::connection_start& start, std::string_view name)
{
    const proto::field_value* caps = start.server_properties.find("capabilities");
    const auto* table = caps ? caps->get_if<proto::field_table>() : nullptr;
    const proto::field_value* value = table ? table->find(name) : nullptr;
    const bool* flag = value ? value->get_if<bool>() : nullptr;
    return flag && *flag;
}

TEST_F(connection, start_announces_version_mechanisms_and_capabilities)
{
    amqp_driver d = connect();
    const proto::connection_start& start = d.server_start();
    EXPECT_EQ(start.version_major, 0);
    EXPECT_EQ(start.version_minor, 9);
    EXPECT_THAT(start.mechanisms, ::testing::HasSubstr("PLAIN"));
    EXPECT_THAT(start.mechanisms, ::testing::HasSubstr("AMQPLAIN"));
    EXPECT_EQ(start.locales, "en_US");
    for (const char* key : {"product", "version", "platform", "capabilities"}) {
        EXPECT_TRUE(start.server_properties.contains(key)) << key;
    }
    for (const char* name : {"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                             "connection.blocked", "authentication_failure_close", "per_consumer_qos"}) {
        EXPECT_TRUE(capability(start, name)) << name;
    }
    d.close();
}

TEST_F(connection, tune_proposes_rabbitmq_defaults)
{
    amqp_driver d = connect();
    EXPECT_EQ(d.server_tune().channel_max, 2047);
    EXPECT_EQ(d.server_tune().frame_max, 131072u);
    EXPECT_EQ(d.server_tune().heartbeat, 60);
    d.close();
}

TEST_F(connection, amqplain_login_works)
{
    connect_options options;
    options.mechanism = "AMQPLAIN";
    options.connection_name = unique_name("amqplain");
    amqp_driver d = connect(options);
    d.open_channel(1);
    d.close();
}

TEST_F(connection, wrong_password_is_403_access_refused)
{
    amqp_driver d(url());
    connect_options options;
    options.password = "not-the-password";
    d.start(options);
    const proto::connection_close close = d.expect_connection_close(reply_code::access_refused);
    // The fake appends what was wrong, which RabbitMQ only logs (docs/differences.md).
    EXPECT_THAT(close.reply_text,
                ::testing::StartsWith("ACCESS_REFUSED - Login was refused using authentication mechanism "
                                      "PLAIN. For details see the broker logfile."));
    EXPECT_EQ(close.class_id, 0);
    EXPECT_EQ(close.method_id, 0);
    d.expect_socket_closed();
}

TEST_F(connection, unknown_user_is_403_access_refused_with_amqplain_too)
{
    amqp_driver d(url());
    connect_options options;
    options.mechanism = "AMQPLAIN";
    options.user = unique_name("nobody");
    d.start(options);
    const proto::connection_close close = d.expect_connection_close(reply_code::access_refused);
    EXPECT_THAT(close.reply_text,
                ::testing::StartsWith("ACCESS_REFUSED - Login was refused using authentication mechanism "
                                      "AMQPLAIN. For details see the broker logfile."));
    d.expect_socket_closed();
}

TEST_F(connection, unknown_vhost_is_530_not_allowed)
{
    amqp_driver d(url());
    d.start();
    d.tune();
    const std::string vhost = unique_name("no-such-vhost");
    d.send(0, proto::connection_open{vhost, "", false});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_allowed);
    EXPECT_EQ(close.reply_text, "NOT_ALLOWED - vhost " + vhost + " not found");
    EXPECT_EQ(close.class_id, 10);
    EXPECT_EQ(close.method_id, 40);
    d.expect_socket_closed();
}

// Handshake errors before connection.open other than a refused login (and that
// one too for a client without the authentication_failure_close capability) get
// no connection.close: RabbitMQ waits three seconds, so a client cannot hammer it
// with bad handshakes, and closes the socket. The cases run side by side so the
// test waits those seconds once.
TEST_F(connection, handshake_errors_close_the_socket_without_a_close)
{
    struct handshake_case {
        const char* name;
        connect_options options;
        // What to answer connection.tune with; unset: the handshake stops at start-ok.
        std::optional<proto::connection_tune_ok> tune_ok;
    };
    std::vector<handshake_case> cases(5);
    cases[0].name = "unknown mechanism";
    cases[0].options.mechanism = "CRAM-MD5";
    cases[1].name = "refused login, client without authentication_failure_close";
    cases[1].options.password = "not-the-password";
    cases[1].options.client_properties.set("capabilities", proto::field_table{{"authentication_failure_close", false}});
    cases[2].name = "tune-ok frame_max below 4096";
    cases[2].tune_ok = proto::connection_tune_ok{2047, 1024, 0};
    cases[3].name = "tune-ok frame_max above the server's";
    cases[3].tune_ok = proto::connection_tune_ok{2047, 131072 + 1, 0};
    cases[4].name = "tune-ok channel_max above the server's";
    cases[4].tune_ok = proto::connection_tune_ok{2047 + 1, 131072, 0};

    std::vector<amqp_driver> drivers;
    for (const handshake_case& c : cases) {
        amqp_driver& d = drivers.emplace_back(url());
        d.start(c.options);
        if (c.tune_ok) {
            d.expect<proto::connection_tune>(0);
            d.send(0, *c.tune_ok);
        }
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(cases[i].name);
        drivers[i].expect_socket_closed();
        EXPECT_EQ(drivers[i].pending(0), 0u);
    }
}

TEST_F(connection, wrong_protocol_header_gets_the_right_one_back)
{
    // RabbitMQ closes with a reset right after its header. ("AMQP" 1 1 0 9 and
    // "AMQP" 1 1 8 0, the 0-9 and 0-8 headers, are not wrong: RabbitMQ speaks those.)
    for (std::string_view header :
         {std::string_view("AMQP\x00\x00\x09\x02", 8), std::string_view("AMQP\x00\x00\x0a\x00", 8),
          std::string_view("GET / HTTP/1.1\r\n\r\n")}) {
        amqp_driver d(url());
        d.open_socket();
        d.send_bytes(header);
        EXPECT_EQ(d.read_until_closed(), std::string_view("AMQP\x00\x00\x09\x01", 8));
    }
}

TEST_F(connection, close_is_answered_with_close_ok_and_the_socket_closes)
{
    amqp_driver d = connect();
    d.open_channel(1);
    d.send(0, proto::connection_close{200, "bye", 0, 0});
    d.expect<proto::connection_close_ok>(0);
    // The server leaves closing the socket to the client that got close-ok.
    EXPECT_FALSE(d.socket_closed());
}

TEST_F(connection, smaller_frame_max_splits_content_into_frames)
{
    connect_options options;
    options.frame_max = 4096;
    amqp_driver d = connect(options);
    EXPECT_EQ(d.frame_max(), 4096u);
    d.open_channel(1);
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    // A body three and a bit frames long each way; the driver's frame reader refuses
    // any frame over the negotiated 4096 bytes.
    const std::string body(3 * 4096 + 17, 'b');
    d.send_message(1, publish_to("", q), body);
    d.send(1, get_from(q, true));
    const auto got = d.expect_message<proto::basic_get_ok>(1);
    EXPECT_EQ(got.body, body);
    d.close();
}

TEST_F(connection, server_sends_heartbeats_and_closes_a_silent_client)
{
    connect_options options;
    options.heartbeat = 1;
    amqp_driver d(url(), std::chrono::seconds(10));
    d.connect(options);
    d.expect_heartbeat();
    d.expect_heartbeat();
    // We never send a heartbeat back: the server gives up on us.
    d.expect_socket_closed();
}

// RabbitMQ reads channel_max as a limit on how many channels are open at once, not
// (as the 0-9-1 spec has it) on the highest channel number.
TEST_F(connection, opening_more_channels_than_channel_max_is_530_not_allowed)
{
    connect_options options;
    options.channel_max = 2;
    amqp_driver d = connect(options);
    d.open_channel(1);
    d.open_channel(7);
    d.send(3, proto::channel_open{});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_allowed);
    EXPECT_EQ(close.reply_text,
              "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)");
    EXPECT_EQ(close.class_id, 0);
    EXPECT_EQ(close.method_id, 0);
    d.expect_socket_closed();
}

// RabbitMQ listens on both loopbacks by default, so a client that resolves
// "localhost" to ::1 first (Node does) connects as well as one that takes 127.0.0.1.
TEST_F(connection, the_broker_listens_on_both_loopbacks)
{
    const amqp_url target = amqp_url::parse(url());
    if (target.host != "127.0.0.1" && target.host != "localhost") GTEST_SKIP() << "the broker is not on this machine";
    if (!has_ipv6_loopback()) GTEST_SKIP() << "no ::1 on this machine";
    for (const char* host : {"127.0.0.1", "[::1]"}) {
        SCOPED_TRACE(host);
        amqp_driver d("amqp://" + target.user + ":" + target.password + "@" + host + ":" + std::to_string(target.port) +
                      "/");
        d.connect();
        d.open_channel(1);
        d.close();
    }
}

}  // namespace
}  // namespace amqp::test
