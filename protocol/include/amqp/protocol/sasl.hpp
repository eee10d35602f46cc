#pragma once

#include <optional>
#include <string>
#include <string_view>

// The two SASL mechanisms RabbitMQ offers out of the box, both sides of them: what a
// client puts in connection.start-ok's response, and how a server reads it back.
namespace amqp::protocol {

inline constexpr std::string_view plain_mechanism = "PLAIN";
inline constexpr std::string_view amqplain_mechanism = "AMQPLAIN";

struct credentials {
    std::string user;
    std::string password;

    bool operator==(const credentials&) const = default;
};

// PLAIN (RFC 4616): "\0user\0password".
std::string plain_response(std::string_view user, std::string_view password);

// AMQPLAIN: a field table without its 4-byte size prefix, holding LOGIN and PASSWORD
// as long strings.
std::string amqplain_response(std::string_view user, std::string_view password);

// Reads a PLAIN response. An authorisation identity before the first NUL is allowed
// and ignored, as RabbitMQ does; nullopt when there are fewer than two NULs.
std::optional<credentials> parse_plain(std::string_view response);

// Reads an AMQPLAIN response; nullopt unless it is a well-formed table whose LOGIN
// and PASSWORD are strings (other entries are ignored).
std::optional<credentials> parse_amqplain(std::string_view response);

// Whether a connection.start mechanisms string ("AMQPLAIN PLAIN", space-separated)
// offers `wanted`; names compare exactly, as SASL mechanism names are upper case.
bool offers_mechanism(std::string_view mechanisms, std::string_view wanted) noexcept;

}  // namespace amqp::protocol
