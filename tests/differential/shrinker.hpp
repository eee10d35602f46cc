#pragma once

#include "conversation.hpp"

#include <functional>

namespace amqp::differential {

// True when the conversation still shows the divergence being shrunk (the same kind at
// the same place): the caller runs both brokers to find out.
using divergence_oracle = std::function<bool(const conversation&)>;

// Removes connections, steps, frames, arguments, properties and body bytes for as long
// as the oracle keeps saying yes, within max_runs calls of it. The result is never
// bigger than the input and always satisfies the oracle if the input did.
conversation shrink(conversation c, const divergence_oracle& still_diverges, int max_runs = 400);

}  // namespace amqp::differential
