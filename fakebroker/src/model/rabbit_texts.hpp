#pragma once

#include <amqp/protocol/protocol_error.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

// Reply texts worded as RabbitMQ words them (its frame reader, its consumer_timeout),
// so a client sees the same close from the fake as from the real broker.
namespace amqp::fakebroker {

// For the bad frame at the front of `pending` (what decode_frame refused):
//   type 1, all octets = <<>>: {frame_too_large,200000,131064}
//   type 9, all octets = <<"abc">>: unknown_frame
//   type 1, all octets = <<...>>: {invalid_frame_end_marker,88}
std::string frame_error_text(std::span<const std::byte> pending, std::uint32_t frame_max);

// For method arguments that do not decode: cannot decode <<0,0,10,...>>
std::string cannot_decode_text(std::span<const std::byte> method_payload);

// RabbitMQ reports method arguments it cannot decode (a syntax error) as a frame error
// with cannot_decode_text; any other error is e.
protocol::protocol_error rabbit_decode_error(const protocol::protocol_error& e,
                                             std::span<const std::byte> method_payload);

// Why consumer_timeout closed a channel: delivery acknowledgement on channel 1 timed
// out. Timeout value used: 5000 ms. ...
std::string consumer_timeout_text(std::uint16_t channel, std::chrono::milliseconds timeout);

}  // namespace amqp::fakebroker
