#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <system_error>

namespace amqp::fakebroker {

// The byte stream under a session: plain TCP, or TLS for the amqps listener.
class session_stream {
public:
    using handler = std::function<void(std::error_code, std::size_t)>;

    virtual ~session_stream() = default;
    virtual void async_read_some(asio::mutable_buffer buffer, handler done) = 0;
    // Writes the whole buffer or fails.
    virtual void async_write(asio::const_buffer buffer, handler done) = 0;
    // Writes what it can at once without blocking: the last words before a close.
    virtual void write_now(asio::const_buffer buffer) = 0;
    virtual void close() = 0;
    // The TCP socket underneath (options, addresses).
    virtual asio::ip::tcp::socket& socket() = 0;
};

std::shared_ptr<session_stream> make_tcp_stream(asio::ip::tcp::socket socket);

// Runs the server side of the TLS handshake on `socket`, then hands over the stream
// (or the error: the client then never reaches the AMQP handshake).
void accept_tls(asio::ip::tcp::socket socket, asio::ssl::context& context,
                std::function<void(std::error_code, std::shared_ptr<session_stream>)> done);

}  // namespace amqp::fakebroker
