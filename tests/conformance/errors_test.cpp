// Protocol errors: channel misuse, malformed and unexpected frames, unknown and
// unimplemented methods, and what a closing channel ignores.
#include "conformance_fixture.hpp"

#include <amqp/protocol/wire.hpp>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::frame_type;
using proto::reply_code;
using errors = conformance;

// A frame built by hand: type, channel, size, payload, frame end.
std::string raw_frame(frame_type type, std::uint16_t channel, std::string_view payload,
                      char end = char(proto::frame_end))
{
    std::string out;
    out += char(type);
    out += char(channel >> 8);
    out += char(channel & 0xff);
    const auto size = std::uint32_t(payload.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += char((size >> shift) & 0xff);
    out += payload;
    out += end;
    return out;
}

// The payload of a method frame for m: class id, method id, arguments.
template <class Method>
std::string method_payload(const Method& m)
{
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(Method::key.class_id);
    w.short_uint(Method::key.method_id);
    encode_arguments(w, m);
    return std::string(out.view());
}

// A content header frame payload: class 60, weight 0, body size, no properties.
std::string content_header_payload(std::uint64_t body_size)
{
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(60);
    w.short_uint(0);
    w.longlong_uint(body_size);
    w.short_uint(0);
    return std::string(out.view());
}

// Expects connection.close with the code, text and method ids, answers it, and
// (unless told not to) waits for the server to close the socket. After a frame
// error the server cannot read our close-ok reliably, and RabbitMQ then takes a few
// seconds to give up on it; those tests do not wait.
void expect_close(amqp_driver& d, reply_code code, std::string_view text, std::uint16_t class_id,
                  std::uint16_t method_id, bool wait_for_socket_close = true)
{
    const proto::connection_close close = d.expect_connection_close(code);
    EXPECT_EQ(close.reply_text, text);
    EXPECT_EQ(close.class_id, class_id);
    EXPECT_EQ(close.method_id, method_id);
    if (wait_for_socket_close) d.expect_socket_closed();
}

TEST_F(errors, channel_open_on_an_open_channel_is_504)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::channel_open{});
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - second 'channel.open' seen", 20, 10);
}

TEST_F(errors, method_on_a_channel_never_opened_is_504)
{
    amqp_driver d = connect();
    d.send(5, declare_queue(unique_name("q")));
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - expected 'channel.open'", 50, 10);
}

TEST_F(errors, method_on_a_closed_channel_is_504)
{
    amqp_driver d = connect_channel();
    d.close_channel(1);
    d.send(1, proto::basic_qos{0, 1, false});
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - expected 'channel.open'", 60, 10);
}

// RabbitMQ's channel expands "" (the last declared queue) before it checks that it was
// opened: on a channel never opened, those methods close the channel, not the connection.
TEST_F(errors, an_empty_queue_name_on_a_channel_never_opened_is_a_404_channel_close)
{
    amqp_driver d = connect();
    d.send(3, get_from(""));
    const proto::channel_close close = d.expect_channel_close(3, reply_code::not_found);
    EXPECT_EQ(close.reply_text, "NOT_FOUND - no previously declared queue");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 70);
    d.send(4, bind_queue("", "amq.direct", "k"));
    EXPECT_EQ(d.expect_channel_close(4, reply_code::not_found).method_id, 20);
    // A method that names its queue still needs the channel opened.
    d.send(3, get_from(unique_name("q")));
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - expected 'channel.open'", 60, 70);
}

TEST_F(errors, a_closing_channel_ignores_everything_but_close_ok)
{
    amqp_driver d = connect_channel();
    const std::string missing = unique_name("missing");
    proto::queue_declare passive = declare_queue(missing);
    passive.passive = true;
    d.send(1, passive);
    // Sent before the server's channel.close can have arrived: dropped.
    d.send(1, declare_queue(unique_name("ignored")));
    d.send_message(1, publish_to("", "ignored"), "ignored");
    d.expect_channel_close(1, reply_code::not_found);
    d.open_channel(1);
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 1, false});
    EXPECT_EQ(d.pending(1), 0u);
    d.close();
}

TEST_F(errors, channel_methods_on_channel_zero_are_504)
{
    amqp_driver d = connect();
    d.send(0, proto::channel_open{});
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - unexpected method in connection state running", 20, 10);
}

TEST_F(errors, frame_larger_than_frame_max_is_501)
{
    amqp_driver d = connect_channel();
    // Only the header: the server decides on the size alone.
    std::string header = raw_frame(frame_type::method, 1, "");
    header.resize(3);
    for (std::uint32_t size = 200000, shift = 24;; shift -= 8) {
        header += char((size >> shift) & 0xff);
        if (shift == 0) break;
    }
    d.send_bytes(header);
    expect_close(d, reply_code::frame_error, "FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,200000,131064}",
                 0, 0, false);
}

TEST_F(errors, body_frame_larger_than_frame_max_is_501)
{
    connect_options options;
    options.frame_max = 4096;
    amqp_driver d = connect_channel(options);
    const std::string body(5000, 'x');
    d.send_bytes(raw_frame(frame_type::method, 1, method_payload(publish_to("", "q"))) +
                 raw_frame(frame_type::header, 1, content_header_payload(body.size())) +
                 raw_frame(frame_type::body, 1, body));
    expect_close(d, reply_code::frame_error, "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,5000,4088}", 0,
                 0, false);
}

TEST_F(errors, unknown_frame_type_is_501)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type(9), 1, "abc"));
    expect_close(d, reply_code::frame_error, "FRAME_ERROR - type 9, all octets = <<\"abc\">>: unknown_frame", 0, 0);
}

TEST_F(errors, bad_frame_end_is_501)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::method, 1, method_payload(proto::basic_qos{0, 1, false}), 'X'));
    // The Erlang term in the text is printed with ~p, line break and all.
    expect_close(d, reply_code::frame_error,
                 "FRAME_ERROR - type 1, all octets = <<0,60,0,10,0,0,0,0,0,1,0>>: "
                 "{invalid_frame_end_marker,\n                                                   88}",
                 0, 0, false);
}

// RabbitMQ 3.10 does not answer an undefined method id with 540 NOT_IMPLEMENTED:
// its connection process exits ({unknown_method_id, {60, 999}} in its log) and the
// socket closes without a connection.close. A broker that sends connection.close
// 540 first ends the connection too; either passes, nothing else does.
void expect_unknown_method_ends_the_connection(amqp_driver& d)
{
    const std::optional<proto::connection_close> close = d.expect_connection_end();
    if (close) {
        EXPECT_EQ(close->reply_code, std::uint16_t(reply_code::not_implemented)) << *close;
    }
    d.expect_socket_closed();
}

TEST_F(errors, unknown_method_ends_the_connection)
{
    amqp_driver d = connect_channel();
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(60);
    w.short_uint(999);
    d.send_bytes(raw_frame(frame_type::method, 1, out.view()));
    expect_unknown_method_ends_the_connection(d);
}

TEST_F(errors, unknown_class_ends_the_connection)
{
    amqp_driver d = connect_channel();
    proto::byte_buffer out;
    proto::writer w(out);
    w.short_uint(99);
    w.short_uint(10);
    d.send_bytes(raw_frame(frame_type::method, 1, out.view()));
    expect_unknown_method_ends_the_connection(d);
}

// RabbitMQ calls undecodable arguments a frame error (501), where the spec would
// have 502 SYNTAX_ERROR, and prints the arguments as an Erlang binary.
TEST_F(errors, truncated_method_arguments_are_501)
{
    amqp_driver d = connect_channel();
    std::string payload = method_payload(declare_queue("some-queue"));
    payload.resize(payload.size() - 6);
    d.send_bytes(raw_frame(frame_type::method, 1, payload));
    expect_close(d, reply_code::frame_error,
                 "FRAME_ERROR - cannot decode <<0,0,10,115,111,109,101,45,113,117,101,117>>", 50, 10);
}

TEST_F(errors, content_header_without_a_method_is_505)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::header, 1, content_header_payload(3)));
    expect_close(d, reply_code::unexpected_frame,
                 "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
}

TEST_F(errors, content_body_without_a_method_is_505)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::body, 1, "abc"));
    expect_close(d, reply_code::unexpected_frame,
                 "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
}

TEST_F(errors, method_instead_of_a_content_header_is_505)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::method, 1, method_payload(publish_to("", "q"))) +
                 raw_frame(frame_type::method, 1, method_payload(proto::basic_qos{0, 1, false})));
    expect_close(d, reply_code::unexpected_frame,
                 "UNEXPECTED_FRAME - expected content header for class 60, got non content header "
                 "frame instead",
                 60, 40);
}

TEST_F(errors, method_instead_of_a_content_body_is_505)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::method, 1, method_payload(publish_to("", "q"))) +
                 raw_frame(frame_type::header, 1, content_header_payload(3)) +
                 raw_frame(frame_type::method, 1, method_payload(proto::basic_qos{0, 1, false})));
    expect_close(d, reply_code::unexpected_frame,
                 "UNEXPECTED_FRAME - expected content body, got non content body frame instead", 60, 40);
}

TEST_F(errors, heartbeat_on_a_channel_other_than_zero_is_505)
{
    amqp_driver d = connect_channel();
    d.send_bytes(raw_frame(frame_type::heartbeat, 1, ""));
    expect_close(d, reply_code::unexpected_frame, "UNEXPECTED_FRAME - type 8, all octets = <<>>", 0, 0);
}

TEST_F(errors, connection_method_on_a_channel_is_503)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::connection_tune_ok{2047, 131072, 0});
    expect_close(d, reply_code::command_invalid, "COMMAND_INVALID - unimplemented method", 10, 31);
}

TEST_F(errors, second_connection_open_is_504)
{
    amqp_driver d = connect();
    d.send(0, proto::connection_open{"/", "", false});
    expect_close(d, reply_code::channel_error, "CHANNEL_ERROR - unexpected method in connection state running", 10, 40);
}

TEST_F(errors, channel_flow_stop_is_not_implemented)
{
    amqp_driver d = connect_channel();
    EXPECT_TRUE(d.rpc<proto::channel_flow_ok>(1, proto::channel_flow{true}).active);
    d.send(1, proto::channel_flow{false});
    expect_close(d, reply_code::not_implemented, "NOT_IMPLEMENTED - active=false", 20, 20);
}

TEST_F(errors, access_request_is_answered_for_old_clients)
{
    amqp_driver d = connect_channel();
    proto::access_request request;
    request.realm = "/data";
    EXPECT_EQ(d.rpc<proto::access_request_ok>(1, request).ticket, 1);
    d.close();
}

TEST_F(errors, long_reply_texts_are_cut_to_255_bytes)
{
    amqp_driver d = connect_channel();
    const std::string q = unique_name(std::string(200, 'q'));
    proto::queue_declare passive = declare_queue(q);
    passive.passive = true;
    d.send(1, passive);
    const proto::channel_close close = d.expect_channel_close(1, reply_code::not_found);
    EXPECT_EQ(close.reply_text, rabbit_truncated("NOT_FOUND - no queue '" + q + "' in vhost '/'"));
    EXPECT_EQ(close.reply_text.size(), 255u);
    EXPECT_TRUE(close.reply_text.ends_with("...")) << close.reply_text;
    d.close();
}

}  // namespace
}  // namespace amqp::test
