#pragma once

#include <amqp/runtime/memory_pipe.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace amqp::fakebroker {

// The byte stream under a session: plain TCP, TLS for the amqps listener, or one end
// of an in-memory pipe in a simulation. The session needs nothing else from it.
class session_stream {
public:
    using handler = std::function<void(std::error_code, std::size_t)>;

    virtual ~session_stream() = default;
    virtual void async_read_some(asio::mutable_buffer buffer, handler done) = 0;
    // Writes the whole buffer or fails.
    virtual void async_write(asio::const_buffer buffer, handler done) = 0;
    // Writes what it can at once without blocking: the last words before a close.
    virtual void write_now(asio::const_buffer buffer) = 0;
    // A clean close (FIN).
    virtual void close() = 0;
    // An abortive close (RST): what the peer has not read yet may be lost.
    virtual void reset() = 0;
    // How the broker ends a connection of its own accord. RabbitMQ's listeners set
    // SO_LINGER to 0, so over TCP (and TLS) that is an RST, which clients report as a
    // reset rather than an end of file; a pipe closes cleanly, since its reset would
    // also take back what the peer has not read yet.
    virtual void end() = 0;
    // "127.0.0.1:53412", or the name a pipe was attached with.
    virtual const std::string& peer() const = 0;
    virtual asio::any_io_executor get_executor() = 0;
};

// Takes over an accepted socket (and turns Nagle off: frames are batched already).
std::shared_ptr<session_stream> make_tcp_stream(asio::ip::tcp::socket socket);

// Runs the server side of the TLS handshake on `socket`, then hands over the stream
// (or the error: the client then never reaches the AMQP handshake).
void accept_tls(asio::ip::tcp::socket socket, asio::ssl::context& context,
                std::function<void(std::error_code, std::shared_ptr<session_stream>)> done);

// One end of an in-memory pipe; `executor` is where the session's handlers run.
std::shared_ptr<session_stream> make_pipe_stream(std::shared_ptr<runtime::pipe_end> end, std::string peer,
                                                 asio::any_io_executor executor);

}  // namespace amqp::fakebroker
