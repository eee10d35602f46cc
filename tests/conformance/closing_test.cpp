// Closing: what the broker does with frames that arrive after a close, and closes that
// cross (both sides sending channel.close or connection.close at once). Clients meet
// these when they flush buffered frames after their close, or close a channel just as
// the broker closes it for an error.
#include "conformance_fixture.hpp"

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using closing = conformance;

TEST_F(closing, after_close_ok_the_broker_reads_and_discards_until_the_client_closes)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send(0, proto::connection_close{200, "bye", 0, 0});
    d.expect<proto::connection_close_ok>(0);

    // What a client still had queued: written into an open socket, and dropped.
    d.send_message(1, publish_to("", q), "after the close");
    d.send(2, proto::channel_open{});
    // The socket is still read: a second close is answered like the first.
    d.send(0, proto::connection_close{200, "bye again", 0, 0});
    d.expect<proto::connection_close_ok>(0);
    EXPECT_EQ(d.pending(1), 0u);
    EXPECT_EQ(d.pending(2), 0u);
    EXPECT_FALSE(d.socket_closed());

    amqp_driver other = connect_channel();
    EXPECT_EQ(queue_state(other, 1, q).message_count, 0u) << "the publish after the close was discarded";
    other.close();
}

TEST_F(closing, a_close_crossing_the_brokers_channel_close_is_answered_and_the_connection_stays)
{
    amqp_driver d = connect_channel();
    d.open_channel(2);
    // The broker closes channel 1 (404); the client closes it too before it hears of it.
    d.send_message(1, publish_to(unique_name("missing"), "k"), "lost");
    d.send(1, proto::basic_qos{0, 5, false});
    d.send(1, proto::channel_close{200, "done", 0, 0});

    const auto close = d.expect<proto::channel_close>(1);
    EXPECT_EQ(close.reply_code, 404);
    // The qos was ignored by the closing channel; our close is answered.
    d.expect<proto::channel_close_ok>(1);
    EXPECT_EQ(d.pending(1), 0u);
    d.send(1, proto::channel_close_ok{});

    // The connection and its other channel are up, and channel 1 opens again.
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 1, false});
    d.open_channel(1);
    d.rpc<proto::basic_qos_ok>(1, proto::basic_qos{0, 1, false});
    d.close();
}

TEST_F(closing, a_closing_channel_answers_every_crossing_close_until_its_close_ok_arrives)
{
    amqp_driver d = connect_channel();
    d.send_message(1, publish_to(unique_name("missing"), "k"), "lost");
    d.send(1, proto::channel_close{200, "first", 0, 0});
    d.send(1, proto::channel_close{200, "second", 0, 0});
    EXPECT_EQ(d.expect<proto::channel_close>(1).reply_code, 404);
    d.expect<proto::channel_close_ok>(1);
    d.expect<proto::channel_close_ok>(1);
    // Our close-ok ends the closing: the number is free again.
    d.send(1, proto::channel_close_ok{});
    d.open_channel(1);
    d.close();
}

TEST_F(closing, a_connection_close_crossing_the_brokers_is_answered_and_ours_awaited)
{
    amqp_driver d = connect();
    // A heartbeat on channel 1: the broker closes the connection with 505 as it reads it,
    // before it reads our close.
    d.send_bytes(std::string_view("\x08\x00\x01\x00\x00\x00\x00\xce", 8));
    d.send(0, proto::connection_close{200, "bye", 0, 0});
    const auto close = d.expect<proto::connection_close>(0);
    EXPECT_EQ(close.reply_code, 505);
    d.expect<proto::connection_close_ok>(0);
    EXPECT_FALSE(d.socket_closed());
    // The broker still waits for the close-ok to its close, and ends when it arrives.
    d.send(0, proto::connection_close_ok{});
    d.expect_socket_closed();
}

// RabbitMQ's listeners set SO_LINGER to 0: when it ends a connection itself, the
// client sees a reset, not an end of file.
TEST_F(closing, a_client_that_half_closes_without_a_close_is_reset)
{
    amqp_driver d = connect_channel();
    d.shut_down_writing();
    d.expect_socket_closed();
    EXPECT_TRUE(d.socket_reset());
}

TEST_F(closing, a_wrong_protocol_header_gets_the_right_one_and_a_reset)
{
    amqp_driver d(url());
    d.open_socket();
    d.send_bytes("GET / HTTP/1.1\r\n");
    EXPECT_EQ(d.read_until_closed(), std::string_view("AMQP\x00\x00\x09\x01", 8));
    EXPECT_TRUE(d.socket_reset());
}

}  // namespace
}  // namespace amqp::test
