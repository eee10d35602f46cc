#pragma once

#include "describe.hpp"
#include "handshake.hpp"
#include "peer.hpp"

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

// A synchronous, frame-explicit AMQP 0-9-1 client for the conformance tests over a
// blocking socket. It says the test peer's handshake and sends and reads through the
// test peer (amqp::test::peer, whose transport is the driver's socket), which codec()
// hands to code written for any test peer. It does exactly what a test tells it to and
// nothing behind its back: no heartbeats sent, no automatic close-ok, no retries.
//
// Every wait is bounded by the driver's timeout (5 s unless told otherwise). A
// timeout, an unexpected command or the server closing the socket throws
// driver_error with a readable description of what arrived instead; GoogleTest
// reports an exception escaping a test body as that test's failure, which lets the
// helpers return values instead of threading ASSERT_ through every call.
namespace amqp::test {

class driver_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// amqp://user:password@host:port/vhost, with percent-decoding of user, password and
// vhost ("%2F" is "/"). No path or "/" alone means the vhost "/", as the Python
// clients read it. Query parameters are accepted and ignored. Throws
// std::invalid_argument for anything else.
struct amqp_url {
    std::string user = "guest";
    std::string password = "guest";
    std::string host = "127.0.0.1";
    std::uint16_t port = protocol::default_port;
    std::string vhost = "/";

    static amqp_url parse(std::string_view url);
};

struct connect_options {
    // Unset: what the URL says.
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::optional<std::string> vhost;
    std::string mechanism = "PLAIN";  // or "AMQPLAIN"
    // Sent as client_properties["connection_name"] when not empty.
    std::string connection_name;
    // Merged over the defaults (product, and a capabilities table announcing
    // everything RabbitMQ only does for clients that ask: consumer_cancel_notify,
    // authentication_failure_close, connection.blocked, ...).
    protocol::field_table client_properties;
    // What tune-ok asks for; 0 means "take the server's value" for channel_max and
    // frame_max, and "no heartbeats" for heartbeat.
    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;
};

// What the driver says in start-ok: a product and a capabilities table announcing
// everything RabbitMQ only does for clients that ask.
protocol::field_table default_client_properties();

// A content-carrying method with its properties and body.
template <class Method>
struct message {
    Method method;
    protocol::basic_properties properties;
    std::string body;
};

class amqp_driver {
public:
    static constexpr std::chrono::milliseconds default_timeout{5000};

    explicit amqp_driver(std::string_view url, std::chrono::milliseconds timeout = default_timeout);
    ~amqp_driver();
    amqp_driver(amqp_driver&& other) noexcept;
    amqp_driver& operator=(amqp_driver&& other) noexcept;
    amqp_driver(const amqp_driver&) = delete;
    amqp_driver& operator=(const amqp_driver&) = delete;

    const amqp_url& url() const noexcept { return url_; }
    std::chrono::milliseconds timeout() const noexcept { return timeout_; }
    void set_timeout(std::chrono::milliseconds timeout) noexcept { timeout_ = timeout; }

    // The handshake, whole or step by step (tests that break it part way use the
    // steps).
    //   open_socket: the TCP connection, nothing sent.
    //   start:       open_socket if needed, the protocol header, connection.start in,
    //                connection.start-ok out (PLAIN or AMQPLAIN).
    //   tune:        connection.tune in, connection.tune-ok out (negotiated values).
    //   open:        connection.open out, connection.open-ok in.
    void open_socket();
    protocol::connection_start start(const connect_options& options = {});
    protocol::connection_tune tune(const connect_options& options = {});
    void open(const connect_options& options = {});
    void connect(const connect_options& options = {});

    // What the server sent during the handshake, and what was agreed.
    const protocol::connection_start& server_start() const noexcept { return server_start_; }
    const protocol::connection_tune& server_tune() const noexcept { return server_tune_; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }

    // Sending. Frames are written whole before these return; a socket the server
    // has closed throws.
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        codec_->send(channel, m);
    }
    void send_message(std::uint16_t channel, const protocol::basic_publish& publish,
                      const protocol::basic_properties& properties, std::string_view body);
    void send_message(std::uint16_t channel, const protocol::basic_publish& publish, std::string_view body)
    {
        send_message(channel, publish, {}, body);
    }
    void send_bytes(std::span<const std::byte> bytes);
    void send_bytes(std::string_view bytes) { send_bytes(protocol::as_bytes(bytes)); }

    // Receiving. Commands are kept per channel in arrival order; next() takes the
    // first one for `channel`, reading the socket until there is one. Heartbeats are
    // counted and otherwise skipped. Throws on timeout, on the socket closing, and,
    // while waiting on a channel other than 0, on a connection.close from the server.
    protocol::command next(std::uint16_t channel);

    template <class Method>
    Method expect(std::uint16_t channel)
    {
        protocol::command c = next(channel);
        if (auto* m = std::get_if<Method>(&c.method)) return std::move(*m);
        throw unexpected(channel, Method::name, c);
    }

    template <class Method>
    message<Method> expect_message(std::uint16_t channel)
    {
        static_assert(Method::has_content);
        protocol::command c = next(channel);
        if (auto* m = std::get_if<Method>(&c.method)) {
            return {std::move(*m), c.header ? std::move(c.header->properties) : protocol::basic_properties{},
                    std::move(c.body)};
        }
        throw unexpected(channel, Method::name, c);
    }

    // Sends a request and expects its reply on the same channel.
    template <class Reply, class Request>
    Reply rpc(std::uint16_t channel, const Request& request)
    {
        send(channel, request);
        return expect<Reply>(channel);
    }

    // Commands already received on a channel and not yet taken. After a
    // synchronous reply this says whether anything arrived before it.
    std::size_t pending(std::uint16_t channel) const;

    void open_channel(std::uint16_t channel);
    // channel.close 200 and its close-ok; commands arriving in between (deliveries
    // in flight) are dropped.
    void close_channel(std::uint16_t channel);

    // Expects a connection.close with the code, answers close-ok and returns the
    // close so the test can check its text and method ids.
    protocol::connection_close expect_connection_close(protocol::reply_code code);
    // Waits for the connection to end either way: a connection.close (answered with
    // close-ok and returned) or the socket closing without one (nullopt).
    std::optional<protocol::connection_close> expect_connection_end();
    // Expects a channel.close with the code on the channel and answers close-ok.
    protocol::channel_close expect_channel_close(std::uint16_t channel, protocol::reply_code code);

    // connection.close 200, close-ok back, then closes the socket (the side that
    // receives close-ok closes; RabbitMQ waits for the client to do it).
    void close();
    // Waits until the server closes the socket; commands arriving meanwhile are kept.
    void expect_socket_closed();
    // Raw bytes until the server closes the socket (for answers that are not frames,
    // such as the protocol header a server sends back to a wrong one).
    std::string read_until_closed();
    bool socket_closed() const noexcept { return closed_; }
    // Whether the server ended the socket with an RST (ECONNRESET) rather than a FIN.
    bool socket_reset() const noexcept { return reset_; }
    // Half-closes the socket (FIN): nothing more is sent, what comes is still read.
    void shut_down_writing();

    // Heartbeat frames received so far, and a bounded wait for the next one.
    std::size_t heartbeats() const noexcept { return codec_->heartbeats(); }
    void expect_heartbeat();

    // The test peer under the driver: what it sends is written to the socket before
    // send() returns, and its next() reads the socket. Commands taken through it are
    // gone for the driver's next(), and the other way round.
    peer& codec() noexcept { return *codec_; }

private:
    using clock = std::chrono::steady_clock;
    class socket_transport;

    // Reads what is available, waiting until the deadline; false on timeout.
    bool read_some(clock::time_point deadline);
    handshake_options handshake(const connect_options& options) const;
    void close_socket() noexcept;
    std::string pending_summary() const;
    driver_error unexpected(std::uint16_t channel, std::string_view wanted, const protocol::command& got) const;
    driver_error failure(std::string what) const;

    amqp_url url_;
    std::chrono::milliseconds timeout_;
    int fd_ = -1;
    bool closed_ = false;
    bool reset_ = false;
    // Behind pointers: the peer is not movable, the driver is; the transport follows
    // the driver it writes for.
    std::unique_ptr<socket_transport> transport_;
    std::unique_ptr<peer> codec_;
    protocol::connection_start server_start_;
    protocol::connection_tune server_tune_;
    std::uint32_t frame_max_ = protocol::frame_min_size;
};

}  // namespace amqp::test
