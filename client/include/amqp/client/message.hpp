#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/field_table.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace amqp::client {

using field_table = protocol::field_table;
using field_value = protocol::field_value;

// delivery_mode 2 asks a durable queue to keep the message across a broker restart.
enum class delivery_mode : std::uint8_t { transient = 1, persistent = 2 };
inline constexpr delivery_mode persistent = delivery_mode::persistent;
inline constexpr delivery_mode transient = delivery_mode::transient;

// A message to publish: a body and the 14 basic properties, typed. Absent properties
// (std::nullopt, or empty headers) are not sent.
struct message {
    message() = default;
    explicit message(std::string body) : body(std::move(body)) {}

    std::string body;
    std::optional<std::string> content_type;
    std::optional<std::string> content_encoding;
    field_table headers;
    std::optional<client::delivery_mode> delivery_mode;
    std::optional<std::uint8_t> priority;
    std::optional<std::string> correlation_id;
    std::optional<std::string> reply_to;
    // Per-message TTL; sent as the decimal milliseconds RabbitMQ expects.
    std::optional<std::chrono::milliseconds> expiration;
    std::optional<std::string> message_id;
    // AMQP timestamps have one-second resolution.
    std::optional<std::chrono::sys_seconds> timestamp;
    std::optional<std::string> type;
    std::optional<std::string> user_id;
    std::optional<std::string> app_id;
    std::optional<std::string> cluster_id;

    bool persistent() const noexcept { return delivery_mode == client::delivery_mode::persistent; }

    bool operator==(const message&) const = default;
};

// Conversions to and from the wire form. An expiration that is not a number of
// milliseconds (another client may send any short string) is dropped.
protocol::basic_properties to_properties(const message& m);
void assign_properties(message& m, protocol::basic_properties properties);

// A message the broker gave back (basic.return): mandatory and unroutable.
struct returned_message : message {
    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::string exchange;
    std::string routing_key;
};

}  // namespace amqp::client
