#pragma once

#include "reproductions.hpp"

#include <asio/awaitable.hpp>

#include <cstddef>
#include <string>

namespace amqp::scenarios {

// How a burst of confirmed publishes ended: each one confirmed, or failed with a
// retriable error (then sent again until confirmed), or failed otherwise (a bug).
struct burst_outcome {
    std::size_t confirmed = 0;
    std::size_t retried = 0;
    std::size_t wrong = 0;
};

// Publishes `count` messages (bodies "0".."count-1") to `queue` through the default
// exchange, all in flight at once, retrying the retriable failures; returns once every
// publish resolved for good. Persistent when `persistent`.
asio::awaitable<burst_outcome> publish_burst(world& w, client::robust_channel ch, std::string queue, int count,
                                             bool persistent = false);

// How many distinct bodies "0".."count-1" the queue holds (peeked, not consumed).
std::size_t distinct_bodies(world& w, const std::string& queue, int count);

}  // namespace amqp::scenarios
