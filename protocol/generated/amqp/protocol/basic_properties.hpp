// generated from the AMQP spec by protocol/codegen; do not edit
#pragma once

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/protocol_error.hpp>
#include <amqp/protocol/wire.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace amqp::protocol {

// The content properties of class basic; an absent property is std::nullopt
// and costs nothing on the wire.
struct basic_properties {
    static constexpr std::uint16_t class_id = 60;

    std::optional<std::string> content_type;
    std::optional<std::string> content_encoding;
    std::optional<field_table> headers;
    std::optional<std::uint8_t> delivery_mode;
    std::optional<std::uint8_t> priority;
    std::optional<std::string> correlation_id;
    std::optional<std::string> reply_to;
    std::optional<std::string> expiration;
    std::optional<std::string> message_id;
    std::optional<protocol::timestamp> timestamp;
    std::optional<std::string> type;
    std::optional<std::string> user_id;
    std::optional<std::string> app_id;
    std::optional<std::string> cluster_id;

    bool operator==(const basic_properties&) const = default;
};

// The property-flags word: bit 15 for the first property, downwards.
std::uint16_t property_flags(const basic_properties& p) noexcept;
// Appends the flags word and the present properties.
void encode_properties(writer& w, const basic_properties& p);
// Reads the flags word and the properties it announces; fails on flags for
// properties the class does not have.
bool decode_properties(reader& r, basic_properties& p);
std::ostream& operator<<(std::ostream& os, const basic_properties& p);

}  // namespace amqp::protocol
