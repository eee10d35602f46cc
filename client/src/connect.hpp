#pragma once

#include "connection_state.hpp"

#include <amqp/client/connection_options.hpp>
#include <amqp/client/detail/completion.hpp>
#include <amqp/client/environment.hpp>

#include <asio/any_io_executor.hpp>

#include <memory>

namespace amqp::client::detail {

// Connects (the environment's transport, TCP or TLS by default, then the AMQP
// handshake) to the endpoints in order, for options.connection_attempts rounds with
// retry_delay between rounds, each attempt bounded by connection_timeout on the
// environment's clock. Refused credentials or vhost end the search at once: another
// endpoint of the same cluster would refuse them too.
void connect(asio::any_io_executor executor, connection_options options, client::environment env,
             completion<std::shared_ptr<connection_state>> done);

}  // namespace amqp::client::detail
