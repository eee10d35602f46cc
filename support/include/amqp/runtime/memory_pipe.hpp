#pragma once

#include <amqp/runtime/unique_function.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <system_error>
#include <utility>

namespace amqp::runtime {

// One end of an in-memory byte stream: what a simulation uses instead of a TCP
// connection. Handlers are posted to the pipe's executor, never run inside the call.
class pipe_end {
public:
    using io_handler = unique_function<void(std::error_code, std::size_t)>;

    virtual ~pipe_end() = default;
    // Completes with some bytes, with asio::error::eof once the peer closed and
    // everything it wrote was read, or connection_reset once the peer reset.
    virtual void async_read_some(asio::mutable_buffer buffer, io_handler done) = 0;
    // Writes the whole buffer, or fails with broken_pipe when the peer is gone.
    virtual void async_write(asio::const_buffer buffer, io_handler done) = 0;
    // A clean close (TCP's FIN): the peer reads what was written, then end of file.
    // This end's pending read completes with operation_aborted.
    virtual void close() = 0;
    // An abortive close (TCP's RST): the peer loses what it has not read yet.
    virtual void reset() = 0;
    virtual bool is_open() const = 0;
};

// How many of the bytes waiting may one read take: a simulation splits reads at seeded
// boundaries so that frames arrive in arbitrary pieces. Called with the count waiting
// (at least 1); the answer is clamped to [1, waiting].
using read_limit = std::function<std::size_t(std::size_t waiting)>;

// Two connected ends. Without a read_limit, a read takes all it can.
std::pair<std::shared_ptr<pipe_end>, std::shared_ptr<pipe_end>> make_memory_pipe(asio::any_io_executor executor,
                                                                                 read_limit limit = {});

}  // namespace amqp::runtime
