// What the URL code's source files share: text helpers, percent-coding, and the parser of each part of a URL.
#pragma once

#include <amqp/client/url.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amqp::client::detail {

// A step of the parse either succeeds (nullopt) or says why it did not.
using maybe_error = std::optional<url_error>;

// --- text (url_text.cpp) ---------------------------------------------------------------

url_error fail(std::string message);

std::string quoted(std::string_view text);

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text);

// ASCII only, as URL schemes and the words of boolean values are.
bool iequals(std::string_view a, std::string_view b);

std::vector<std::string_view> split(std::string_view text, char separator);

// `what` names the part of the URL for the message. The password's bad escape is
// not quoted, so that the message can be logged.
maybe_error percent_decode(std::string_view in, std::string_view what, std::string& out);

// Keeps RFC 3986's unreserved characters and those in `keep`; escapes the rest.
std::string percent_encode(std::string_view in, std::string_view keep = {});

// Digits only, at most `max`.
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max);

// --- scheme, authority and path (url_authority.cpp) -------------------------------------

struct scheme_info {
    bool tls;
    std::uint16_t default_port;
};

std::optional<scheme_info> scheme_named(std::string_view scheme);

// "user:password@host:port,host:port": fills user, password and endpoints.
maybe_error parse_authority(std::string_view authority, const scheme_info& scheme, connection_options& options);

// The path after the authority's '/', percent-decoded; "/" when it is empty.
maybe_error parse_vhost(std::string_view path, std::string& vhost);

// --- query parameters (url_query.cpp) ---------------------------------------------------

// The part after '?': "name=value&name=value".
maybe_error parse_query(std::string_view query, connection_options& options);

// The query parameters whose values differ from a default-constructed options, with
// their values as parse_query reads them back.
std::vector<std::pair<std::string_view, std::string>> changed_parameters(const connection_options& o);

}  // namespace amqp::client::detail
