#pragma once

#include <amqp/client/detail/unique_function.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

namespace amqp::client {

// The byte stream under a connection: TCP, TLS, or an in-memory pipe in a
// simulation. The connection does not know which; it only reads and writes.
// Handlers run on the connection's executor; close() makes pending operations
// complete with asio::error::operation_aborted.
class transport {
public:
    using io_handler = detail::unique_function<void(std::error_code, std::size_t)>;

    virtual ~transport() = default;
    virtual void async_read_some(asio::mutable_buffer buffer, io_handler handler) = 0;
    // Writes the whole buffer or fails.
    virtual void async_write(asio::const_buffer buffer, io_handler handler) = 0;
    virtual void close() = 0;
    // "host:port" of the broker, for messages.
    virtual std::string peer() const = 0;
};

}  // namespace amqp::client
