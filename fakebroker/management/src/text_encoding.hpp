#pragma once

#include <optional>
#include <string>
#include <string_view>

// The text encodings the management API speaks: Base64 for basic auth and binary
// payloads, UTF-8 checks because JSON strings must be UTF-8, and the percent-encoding
// of path segments ("%2F" for the default vhost).
namespace amqp::fakebroker {

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text);

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

// "%2F" -> "/"; '+' stays '+', as in a URI path. nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace amqp::fakebroker
