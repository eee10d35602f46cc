#pragma once

#include <amqp/client/connection_options.hpp>
#include <amqp/client/transport.hpp>
#include <amqp/runtime/clock.hpp>
#include <amqp/runtime/unique_function.hpp>

#include <asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <system_error>

namespace amqp::client {

// What a connection takes from the world around it: its byte stream and its time.
// The default is the real world (TCP or TLS, the steady clock); a simulation passes
// in-memory pipes (make_memory_transport) and a runtime::virtual_clock, and the same
// client code then runs deterministically on one thread. Every timer and every "now" of
// a connection, its channels, rpc_clients and queue_iterators comes from `clock`.
struct environment {
    // Not an aggregate: GCC 12 miscompiles aggregate temporaries with std::function
    // members in co_await expressions (see options.hpp).
    environment() = default;

    using transport_handler = runtime::unique_function<void(std::error_code, std::unique_ptr<transport>)>;
    using transport_opener =
        std::function<void(const endpoint& where, const asio::any_io_executor& executor, transport_handler done)>;

    // Opens the byte stream to one endpoint: calls `done` once, with a transport whose
    // handlers run on `executor`, or with an error (the connection then tries the next
    // endpoint). `done` may be called at once or later; when connection_timeout passed
    // first, a late transport is closed and dropped. The connection sends the AMQP
    // protocol header itself. Empty: TCP, or TLS when the options ask for amqps.
    transport_opener open_transport;
    // Never null; must outlive every connection made with it.
    runtime::clock* clock = &runtime::system_clock();
};

}  // namespace amqp::client
