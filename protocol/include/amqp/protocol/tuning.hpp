#pragma once

#include <amqp/protocol/methods.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>

// connection.tune's three limits, as the client settles them in tune-ok.
namespace amqp::protocol {

// The lower of two limits where 0 means "no limit" (channel_max and frame_max).
template <class T>
constexpr T lower_limit(T ours, T theirs) noexcept
{
    if (ours == 0) return theirs;
    if (theirs == 0) return ours;
    return std::min(ours, theirs);
}

// What a client asks for. channel_max and frame_max are upper bounds (0: none of
// ours, take the server's); a heartbeat it names wins, as in pika and RabbitMQ's
// clients (0 turns heartbeats off), and nullopt takes the server's proposal.
struct tuning_wishes {
    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::optional<std::uint16_t> heartbeat;
};

// The tune-ok a client answers the server's tune with.
connection_tune_ok negotiate(const connection_tune& server, const tuning_wishes& client) noexcept;

}  // namespace amqp::protocol
