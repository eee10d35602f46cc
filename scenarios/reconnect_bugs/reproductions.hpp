#pragma once

#include <amqp/harness/world.hpp>

#include <asio/awaitable.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::scenarios {

using harness::world;
using harness::world_mode;

// A reproduction checks the correct outcome and throws this when it does not happen.
struct reproduction_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void expect(bool condition, const std::string& what)
{
    if (!condition) throw reproduction_failed(what);
}
// For `expect(co_await ..., "text")`: GCC 12 cannot keep a std::string temporary made
// from a literal alive across the suspension ("array used as initializer").
inline void expect(bool condition, const char* what)
{
    if (!condition) throw reproduction_failed(what);
}

// A failure sequence reported against widely used clients, replayed with fault rules
// against the robust client, which must show the correct outcome.
struct reproduction {
    std::string_view name;
    std::string_view title;
    asio::awaitable<void> (*run)(world&);
};

const std::vector<reproduction>& all_reproductions();

asio::awaitable<void> restart_with_confirms_in_flight(world& w);
asio::awaitable<void> silent_peer(world& w);
asio::awaitable<void> queue_of_live_consumer_deleted(world& w);
asio::awaitable<void> prefetched_acked_after_reconnect(world& w);
asio::awaitable<void> ack_during_recovery(world& w);
asio::awaitable<void> publish_while_disconnected(world& w);
asio::awaitable<void> declared_in_a_returned_helper(world& w);
asio::awaitable<void> channel_closed_with_406(world& w);
asio::awaitable<void> exclusive_queue_still_locked(world& w);
asio::awaitable<void> queue_expires_during_recovery(world& w);
asio::awaitable<void> blocked_during_burst(world& w);
asio::awaitable<void> forced_close_during_confirms(world& w);

}  // namespace amqp::scenarios
