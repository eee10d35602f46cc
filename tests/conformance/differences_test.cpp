// The deliberate differences from RabbitMQ (docs/differences.md) that a client
// sees: each test checks what both brokers share and accepts each one's variant.
#include "conformance_fixture.hpp"

#include <amqp/protocol/wire.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::frame_type;
using proto::reply_code;
using differences = conformance;

// A frame built by hand: type, channel, size, payload, frame end.
std::string hand_made_frame(frame_type type, std::uint16_t channel, std::string_view payload)
{
    std::string out;
    out += char(type);
    out += char(channel >> 8);
    out += char(channel & 0xff);
    const auto size = std::uint32_t(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += char((size >> shift) & 0xff);
    out += payload;
    out += char(proto::frame_end);
    return out;
}

template <class Method>
std::string hand_made_method(std::uint16_t channel, const Method& m)
{
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(Method::key.class_id);
    w.short_uint(Method::key.method_id);
    encode_arguments(w, m);
    return hand_made_frame(frame_type::method, channel, out.view());
}

std::string hand_made_header(std::uint16_t channel, std::uint64_t body_size)
{
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(60);
    w.short_uint(0);
    w.longlong_uint(body_size);
    w.short_uint(0);
    return hand_made_frame(frame_type::header, channel, out.view());
}

const std::string refused_login_text =
    "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";

// RabbitMQ's text word for word; the fake appends what RabbitMQ only logs.
TEST_F(differences, a_refused_login_keeps_rabbitmq_text_as_its_prefix)
{
    struct login_case {
        const char* name;
        std::string user;
        std::string password;
        std::string fake_suffix;
    };
    const std::string nobody = unique_name("nobody");
    const std::vector<login_case> cases{
        {"wrong password", "guest", "not-the-password", " (wrong password for user 'guest')"},
        {"unknown user", nobody, "guest", " (no user '" + nobody + "')"},
    };
    for (const login_case& c : cases) {
        SCOPED_TRACE(c.name);
        amqp_driver d(url());
        connect_options options;
        options.user = c.user;
        options.password = c.password;
        d.start(options);
        const proto::connection_close close = d.expect_connection_close(reply_code::access_refused);
        if (external_broker()) {
            EXPECT_EQ(close.reply_text, refused_login_text);
        } else {
            EXPECT_EQ(close.reply_text, refused_login_text + c.fake_suffix);
        }
        d.expect_socket_closed();
    }
}

// A vhost of slashes: both say it is not found; the fake adds where to look.
TEST_F(differences, an_unknown_vhost_keeps_rabbitmq_text_as_its_prefix)
{
    amqp_driver d(url());
    d.start();
    d.tune();
    d.send(0, proto::connection_open{"//", "", false});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_allowed);
    const std::string rabbit = "NOT_ALLOWED - vhost // not found";
    if (external_broker()) {
        EXPECT_EQ(close.reply_text, rabbit);
    } else {
        EXPECT_EQ(close.reply_text, rabbit + " (the default vhost is '/')");
    }
    EXPECT_EQ(close.class_id, 10);
    EXPECT_EQ(close.method_id, 40);
    d.expect_socket_closed();
}

// RabbitMQ's process exits and the socket closes without a word; the fake says 540
// and names the method. Either way the connection ends.
TEST_F(differences, an_unknown_method_ends_the_connection_with_540_on_the_fake_alone)
{
    amqp_driver d = connect_channel();
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(60);
    w.short_uint(99);
    d.send_bytes(hand_made_frame(frame_type::method, 1, out.view()));
    const std::optional<proto::connection_close> close = d.expect_connection_end();
    if (external_broker()) {
        EXPECT_FALSE(close.has_value()) << "RabbitMQ 3.10 sent " << *close;
    } else {
        ASSERT_TRUE(close.has_value()) << "expected connection.close 540, the socket closed without one";
        EXPECT_EQ(close->reply_code, std::uint16_t(reply_code::not_implemented));
        EXPECT_EQ(close->reply_text, "NOT_IMPLEMENTED - unknown method 60.99");
    }
    d.expect_socket_closed();
}

// A body frame that overruns the announced size: RabbitMQ keeps waiting for the
// body and fails on the next method frame; the fake fails on the overrun. Both end
// the connection with 505 for the basic.publish.
TEST_F(differences, a_body_longer_than_announced_is_505_sooner_or_later)
{
    amqp_driver d = connect_channel();
    d.send_bytes(hand_made_method(1, publish_to("", queue_name())) + hand_made_header(1, 3) +
                 hand_made_frame(frame_type::body, 1, "abcde") + hand_made_method(1, proto::basic_qos{0, 1, false}));
    const proto::connection_close close = d.expect_connection_close(reply_code::unexpected_frame);
    if (external_broker()) {
        EXPECT_EQ(close.reply_text, "UNEXPECTED_FRAME - expected content body, got non content body frame instead");
    } else {
        EXPECT_EQ(close.reply_text,
                  "UNEXPECTED_FRAME - content body frame of 5 bytes overruns the announced body size by 2");
    }
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.expect_socket_closed();
}

// 127.0.0.2 is loopback too, but only a socket bound to every interface answers
// there: RabbitMQ's does, the fake's (127.0.0.1 and ::1) refuses.
TEST_F(differences, only_rabbitmq_listens_beyond_the_loopback_addresses)
{
    const amqp_url target = amqp_url::parse(url());
    if (target.host != "127.0.0.1" && target.host != "localhost") GTEST_SKIP() << "the broker is not on this machine";
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(target.port);
    ASSERT_EQ(::inet_pton(AF_INET, "127.0.0.2", &address.sin_addr), 1);
    // A loopback connect succeeds or is refused at once.
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int error = rc == 0 ? 0 : errno;
    ::close(fd);
    if (external_broker()) {
        EXPECT_EQ(rc, 0) << "expected RabbitMQ to accept on 127.0.0.2:" << target.port << ", got "
                         << std::strerror(error);
    } else {
        EXPECT_EQ(error, ECONNREFUSED) << "expected 127.0.0.2:" << target.port << " refused, got "
                                       << (rc == 0 ? "a connection" : std::strerror(error));
    }
}

}  // namespace
}  // namespace amqp::test
