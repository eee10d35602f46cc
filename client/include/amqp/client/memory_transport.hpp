#pragma once

#include <amqp/client/transport.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <memory>
#include <string>

namespace amqp::client {

// One end of an in-memory pipe (runtime::make_memory_pipe) as a connection's byte
// stream, for environment::open_transport in a simulation: the broker serves the other
// end (fakebroker::broker::attach). The pipe must have been made with the connection's
// executor. close(), and destroying the transport, close the pipe end (the peer reads
// end of file); `peer` is what peer() reports, for messages.
std::unique_ptr<transport> make_memory_transport(std::shared_ptr<runtime::pipe_end> end, std::string peer);

}  // namespace amqp::client
