#include <amqp/client/url.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amqp::client {
namespace {

// A step of the parse either succeeds (nullopt) or says why it did not.
using maybe_error = std::optional<url_error>;

url_error fail(std::string message) { return url_error{std::move(message)}; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) { return std::all_of(text.begin(), text.end(), is_digit); }

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return to_lower(x) == to_lower(y); });
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `what` names the part of the URL for the message. The password's bad escape is
// not quoted, so that the message can be logged.
maybe_error percent_decode(std::string_view in, std::string_view what, std::string& out)
{
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        const auto escape = in.substr(i, 3);
        const bool valid = escape.size() == 3 && hex_value(escape[1]) >= 0 && hex_value(escape[2]) >= 0;
        if (!valid) {
            const auto shown = what == "password" ? std::string() : quoted(escape) + " ";
            return fail("bad percent-escape " + shown + "in the " + std::string(what) +
                        " (expected '%' followed by two hex digits)");
        }
        out += static_cast<char>(hex_value(escape[1]) * 16 + hex_value(escape[2]));
        i += 2;
    }
    return std::nullopt;
}

// Keeps RFC 3986's unreserved characters and those in `keep`; escapes the rest.
std::string percent_encode(std::string_view in, std::string_view keep = {})
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : in) {
        const bool unreserved = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                                c == '.' || c == '_' || c == '~';
        if (unreserved || keep.find(c) != std::string_view::npos) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0xF];
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max)
{
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

// Seconds as digits with an optional fraction ("10", "0.5", ".25"); no sign, exponent,
// "inf" or "nan". Digits finer than a millisecond are dropped.
std::optional<std::chrono::milliseconds> parse_seconds(std::string_view text)
{
    const auto dot = text.find('.');
    const auto whole = text.substr(0, dot);
    const auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if ((whole.empty() && fraction.empty()) || !all_digits(whole) || !all_digits(fraction)) {
        return std::nullopt;
    }
    constexpr auto max_seconds = std::numeric_limits<std::chrono::milliseconds::rep>::max() / 1000 - 1;
    const auto seconds = whole.empty() ? std::optional<std::uint64_t>{0} : parse_unsigned(whole, max_seconds);
    if (!seconds) return std::nullopt;
    auto millis = static_cast<std::chrono::milliseconds::rep>(*seconds) * 1000;
    for (std::size_t i = 0, scale = 100; i < 3 && i < fraction.size(); ++i, scale /= 10) {
        millis += (fraction[i] - '0') * static_cast<std::chrono::milliseconds::rep>(scale);
    }
    return std::chrono::milliseconds{millis};
}

std::optional<bool> parse_bool(std::string_view text)
{
    for (const auto word : {"true", "1", "yes"}) {
        if (iequals(text, word)) return true;
    }
    for (const auto word : {"false", "0", "no"}) {
        if (iequals(text, word)) return false;
    }
    return std::nullopt;
}

// --- scheme, authority and path ---------------------------------------------------

struct scheme_info {
    bool tls;
    std::uint16_t default_port;
};

std::optional<scheme_info> scheme_named(std::string_view scheme)
{
    // Schemes are case-insensitive (RFC 3986 section 3.1).
    if (iequals(scheme, "amqp")) return scheme_info{false, 5672};
    if (iequals(scheme, "amqps")) return scheme_info{true, 5671};
    return std::nullopt;
}

maybe_error parse_port(std::string_view text, std::uint16_t& port)
{
    const auto value = parse_unsigned(text, 65535);
    if (!value || *value == 0) {
        return fail("port " + quoted(text) + " is not a number between 1 and 65535");
    }
    port = static_cast<std::uint16_t>(*value);
    return std::nullopt;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port"; `port` stays empty without one.
maybe_error split_host_port(std::string_view item, std::string_view& host, std::optional<std::string_view>& port)
{
    port.reset();
    if (item.starts_with('[')) {
        const auto close = item.find(']');
        if (close == std::string_view::npos) {
            return fail("IPv6 address " + quoted(item) + " is missing its closing ']'");
        }
        host = item.substr(1, close - 1);
        const auto rest = item.substr(close + 1);
        if (host.empty()) return fail("empty IPv6 address '[]'");
        if (rest.empty()) return std::nullopt;
        if (rest.front() != ':') {
            return fail("unexpected " + quoted(rest) + " after IPv6 address " + quoted(item.substr(0, close + 1)) +
                        " (expected ':port')");
        }
        port = rest.substr(1);
        return std::nullopt;
    }
    const auto colon = item.find(':');
    if (colon != std::string_view::npos && item.find(':', colon + 1) != std::string_view::npos) {
        return fail("host " + quoted(item) + " looks like an IPv6 address; put it in brackets, as in [::1]:5672");
    }
    host = item.substr(0, colon);
    if (colon != std::string_view::npos) port = item.substr(colon + 1);
    return std::nullopt;
}

maybe_error parse_endpoint(std::string_view item, const scheme_info& scheme, bool alone, endpoint& out)
{
    std::string_view host;
    std::optional<std::string_view> port;
    if (auto error = split_host_port(item, host, port)) return error;
    if (auto error = percent_decode(host, "host", out.host)) return error;
    if (out.host.empty()) {
        // "amqp://" and "amqp://:5672" mean the local broker, as in pika; inside a list
        // an empty entry is more likely a stray comma.
        if (!alone) return fail("empty host in the host list (a stray ','?)");
        out.host = "localhost";
    }
    if (std::any_of(out.host.begin(), out.host.end(), is_space)) {
        return fail("host " + quoted(out.host) + " contains whitespace");
    }
    out.port = scheme.default_port;
    return port ? parse_port(*port, out.port) : std::nullopt;
}

maybe_error parse_hosts(std::string_view list, const scheme_info& scheme, std::vector<endpoint>& out)
{
    const auto items = split(list, ',');
    out.assign(items.size(), endpoint{});
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (auto error = parse_endpoint(items[i], scheme, items.size() == 1, out[i])) return error;
    }
    return std::nullopt;
}

// RabbitMQ's URI spec: a missing password (or user) keeps the default.
maybe_error parse_userinfo(std::string_view userinfo, connection_options& options)
{
    const auto colon = userinfo.find(':');
    if (auto error = percent_decode(userinfo.substr(0, colon), "user name", options.user)) {
        return error;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    return percent_decode(userinfo.substr(colon + 1), "password", options.password);
}

maybe_error parse_authority(std::string_view authority, const scheme_info& scheme, connection_options& options)
{
    // The last '@' so that an unescaped '@' in a password still parses; hosts have none.
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        if (auto error = parse_userinfo(authority.substr(0, at), options)) return error;
        authority.remove_prefix(at + 1);
    }
    return parse_hosts(authority, scheme, options.endpoints);
}

maybe_error parse_vhost(std::string_view path, std::string& vhost)
{
    if (path.empty()) {
        vhost = "/";
        return std::nullopt;
    }
    if (path.find('/') != std::string_view::npos) {
        std::string escaped(path);
        for (std::size_t at = 0; (at = escaped.find('/', at)) != std::string::npos; at += 3) {
            escaped.replace(at, 1, "%2F");
        }
        return fail("vhost " + quoted(path) + " contains an unescaped '/'; percent-encode it as %2F (" +
                    quoted(escaped) + ")");
    }
    return percent_decode(path, "vhost", vhost);
}

// --- query parameters ----------------------------------------------------------------

url_error bad_value(std::string_view name, std::string_view value, std::string_view expected)
{
    return fail("bad value " + quoted(value) + " for query parameter " + quoted(name) + " (expected " +
                std::string(expected) + ")");
}

template <class Int>
maybe_error set_integer(std::string_view name, std::string_view value, std::uint64_t min, std::uint64_t max,
                        std::string_view expected, Int& out)
{
    const auto parsed = parse_unsigned(value, max);
    if (!parsed || *parsed < min) return bad_value(name, value, expected);
    out = static_cast<Int>(*parsed);
    return std::nullopt;
}

maybe_error set_seconds(std::string_view name, std::string_view value, bool positive, std::chrono::milliseconds& out)
{
    const auto parsed = parse_seconds(value);
    if (!parsed || (positive && parsed->count() == 0)) {
        return bad_value(
            name, value,
            positive ? "a positive number of seconds, such as 10 or 0.5" : "a number of seconds, such as 2 or 0.5");
    }
    out = *parsed;
    return std::nullopt;
}

maybe_error set_bool(std::string_view name, std::string_view value, bool& out)
{
    const auto parsed = parse_bool(value);
    if (!parsed) return bad_value(name, value, "true, false, yes, no, 1 or 0");
    out = *parsed;
    return std::nullopt;
}

maybe_error set_heartbeat(std::string_view name, std::string_view value, connection_options& o)
{
    std::uint16_t seconds = 0;
    if (auto error = set_integer(name, value, 0, 65535, "whole seconds from 0 to 65535", seconds)) {
        return error;
    }
    o.heartbeat = seconds;
    return std::nullopt;
}

maybe_error set_frame_max(std::string_view name, std::string_view value, connection_options& o)
{
    // AMQP 0-9-1's frame-min-size is 4096; 0 means "no limit".
    constexpr std::string_view expected = "0 or a number of bytes from 4096 to 4294967295";
    if (auto error = set_integer(name, value, 0, 0xFFFF'FFFF, expected, o.frame_max)) return error;
    if (o.frame_max != 0 && o.frame_max < 4096) return bad_value(name, value, expected);
    return std::nullopt;
}

maybe_error set_no_verify(std::string_view name, std::string_view value, connection_options& o)
{
    bool no_verify = false;
    if (auto error = set_bool(name, value, no_verify)) return error;
    o.tls_settings.verify = !no_verify;
    return std::nullopt;
}

maybe_error set_channel_max(std::string_view name, std::string_view value, connection_options& o)
{
    return set_integer(name, value, 0, 65535, "a number from 0 to 65535", o.channel_max);
}

maybe_error set_connection_timeout(std::string_view name, std::string_view value, connection_options& o)
{
    return set_seconds(name, value, true, o.connection_timeout);
}

maybe_error set_connection_attempts(std::string_view name, std::string_view value, connection_options& o)
{
    return set_integer(name, value, 1, std::numeric_limits<unsigned>::max(), "a whole number of at least 1",
                       o.connection_attempts);
}

maybe_error set_retry_delay(std::string_view name, std::string_view value, connection_options& o)
{
    return set_seconds(name, value, false, o.retry_delay);
}

maybe_error set_reconnect_interval(std::string_view name, std::string_view value, connection_options& o)
{
    return set_seconds(name, value, false, o.reconnect_interval);
}

maybe_error set_fail_fast(std::string_view name, std::string_view value, connection_options& o)
{
    return set_bool(name, value, o.fail_fast);
}

maybe_error set_name(std::string_view, std::string_view value, connection_options& o)
{
    o.connection_name = value;
    return std::nullopt;
}

// A string-valued setting: a pointer to the member of tls_options it fills.
template <std::string tls_options::*member>
maybe_error set_tls_file(std::string_view, std::string_view value, connection_options& o)
{
    o.tls_settings.*member = value;
    return std::nullopt;
}

struct query_parameter {
    std::string_view name;
    maybe_error (*apply)(std::string_view name, std::string_view value, connection_options&);
};

constexpr std::array<query_parameter, 15> query_parameters{{
    {"name", set_name},
    {"heartbeat", set_heartbeat},
    {"frame_max", set_frame_max},
    {"channel_max", set_channel_max},
    {"connection_timeout", set_connection_timeout},
    {"timeout", set_connection_timeout},  // aio-pika's name for it
    {"connection_attempts", set_connection_attempts},
    {"retry_delay", set_retry_delay},
    {"reconnect_interval", set_reconnect_interval},
    {"fail_fast", set_fail_fast},
    {"cafile", set_tls_file<&tls_options::cafile>},
    {"capath", set_tls_file<&tls_options::capath>},
    {"certfile", set_tls_file<&tls_options::certfile>},
    {"keyfile", set_tls_file<&tls_options::keyfile>},
    {"no_verify_ssl", set_no_verify},
}};

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i + 1;
        for (std::size_t j = 0; j < b.size(); ++j) {
            const std::size_t above = row[j + 1];
            row[j + 1] = std::min({above + 1, row[j] + 1, diagonal + (a[i] == b[j] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

url_error unknown_parameter(std::string_view name)
{
    std::string message = "unknown query parameter " + quoted(name);
    const query_parameter* closest = nullptr;
    std::size_t best = 3;  // suggest only within an edit distance of 2
    for (const auto& parameter : query_parameters) {
        const auto distance = edit_distance(name, parameter.name);
        if (distance < best) {
            best = distance;
            closest = &parameter;
        }
    }
    if (closest) message += " (did you mean " + quoted(closest->name) + "?)";
    return fail(std::move(message));
}

maybe_error apply_parameter(std::string_view item, connection_options& options)
{
    const auto equals = item.find('=');
    std::string name;
    if (auto error = percent_decode(item.substr(0, equals), "query parameter name", name)) {
        return error;
    }
    if (name.empty()) return fail("query parameter " + quoted(item) + " has no name");
    const auto found =
        std::find_if(query_parameters.begin(), query_parameters.end(), [&](const auto& p) { return p.name == name; });
    if (found == query_parameters.end()) return unknown_parameter(name);
    if (equals == std::string_view::npos) {
        return fail("query parameter " + quoted(name) + " has no value (expected " + name + "=...)");
    }
    std::string value;
    if (auto error = percent_decode(item.substr(equals + 1), "value of query parameter " + quoted(name), value)) {
        return error;
    }
    return found->apply(name, value, options);
}

// '+' stays a literal plus: these are URI query parameters, not an HTML form.
maybe_error parse_query(std::string_view query, connection_options& options)
{
    for (const auto item : split(query, '&')) {
        if (item.empty()) continue;  // "?" alone, "&&" and a trailing '&' are harmless
        if (auto error = apply_parameter(item, options)) return error;
    }
    return std::nullopt;
}

maybe_error parse_into(std::string_view url, connection_options& options)
{
    if (!url.empty() && is_space(url.front())) {
        return fail("URL starts with whitespace; remove it (URLs are not trimmed)");
    }
    if (!url.empty() && is_space(url.back())) {
        return fail("URL ends with whitespace; remove it (URLs are not trimmed)");
    }
    // Not quoted: a '#' is most often an unescaped one in a password.
    if (url.find('#') != std::string_view::npos) {
        return fail(
            "a fragment ('#...') is not allowed in an AMQP URL; "
            "percent-encode a '#' in a password or vhost as %23");
    }
    const auto separator = url.find("://");
    if (separator == std::string_view::npos) {
        return fail("missing '://' after the scheme (expected amqp://... or amqps://...)");
    }
    const auto scheme_text = url.substr(0, separator);
    const auto scheme = scheme_named(scheme_text);
    if (!scheme) {
        return fail("unsupported scheme " + quoted(scheme_text) + " (expected 'amqp' or 'amqps')");
    }
    options.tls = scheme->tls;

    auto rest = url.substr(separator + 3);
    const auto question = rest.find('?');
    const auto query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
    rest = rest.substr(0, question);
    const auto slash = rest.find('/');
    const auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

    if (auto error = parse_authority(rest.substr(0, slash), *scheme, options)) return error;
    if (auto error = parse_vhost(path, options.vhost)) return error;
    return parse_query(query, options);
}

// --- printing --------------------------------------------------------------------------

std::string seconds_text(std::chrono::milliseconds duration)
{
    const auto millis = duration.count();
    // Unsigned arithmetic, so that even the most negative count has a magnitude.
    const auto magnitude = millis < 0 ? 0 - static_cast<std::uint64_t>(millis) : static_cast<std::uint64_t>(millis);
    std::string text = (millis < 0 ? "-" : "") + std::to_string(magnitude / 1000);
    if (const auto fraction = magnitude % 1000; fraction != 0) {
        auto digits = std::to_string(fraction + 1000).substr(1);
        digits.erase(digits.find_last_not_of('0') + 1);
        text += "." + digits;
    }
    return text;
}

std::string host_text(const endpoint& e)
{
    if (e.host.find(':') != std::string::npos) return "[" + percent_encode(e.host, ":") + "]";
    return percent_encode(e.host);
}

// The query parameters whose values differ from a default-constructed options.
std::vector<std::pair<std::string_view, std::string>> changed_parameters(const connection_options& o)
{
    const connection_options d;
    std::vector<std::pair<std::string_view, std::string>> out;
    if (o.connection_name != d.connection_name) out.emplace_back("name", o.connection_name);
    if (o.heartbeat) out.emplace_back("heartbeat", std::to_string(*o.heartbeat));
    if (o.frame_max != d.frame_max) out.emplace_back("frame_max", std::to_string(o.frame_max));
    if (o.channel_max != d.channel_max) out.emplace_back("channel_max", std::to_string(o.channel_max));
    if (o.connection_timeout != d.connection_timeout) {
        out.emplace_back("connection_timeout", seconds_text(o.connection_timeout));
    }
    if (o.connection_attempts != d.connection_attempts) {
        out.emplace_back("connection_attempts", std::to_string(o.connection_attempts));
    }
    if (o.retry_delay != d.retry_delay) out.emplace_back("retry_delay", seconds_text(o.retry_delay));
    if (o.reconnect_interval != d.reconnect_interval) {
        out.emplace_back("reconnect_interval", seconds_text(o.reconnect_interval));
    }
    if (o.fail_fast != d.fail_fast) out.emplace_back("fail_fast", o.fail_fast ? "true" : "false");
    const auto& tls = o.tls_settings;
    if (!tls.cafile.empty()) out.emplace_back("cafile", tls.cafile);
    if (!tls.capath.empty()) out.emplace_back("capath", tls.capath);
    if (!tls.certfile.empty()) out.emplace_back("certfile", tls.certfile);
    if (!tls.keyfile.empty()) out.emplace_back("keyfile", tls.keyfile);
    if (!tls.verify) out.emplace_back("no_verify_ssl", "true");
    return out;
}

}  // namespace

url_result parse_url(std::string_view url)
{
    connection_options options;
    if (auto error = parse_into(url, options)) return std::move(*error);
    return options;
}

url_result parse_urls(std::span<const std::string> urls)
{
    if (urls.empty()) return fail("no URLs given (expected at least one)");
    connection_options combined;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        auto result = parse_url(urls[i]);
        if (auto* error = std::get_if<url_error>(&result)) {
            return fail("URL " + std::to_string(i + 1) + ": " + error->message);
        }
        auto& options = std::get<connection_options>(result);
        if (i == 0) {
            combined = std::move(options);
        } else {
            combined.endpoints.insert(combined.endpoints.end(), options.endpoints.begin(), options.endpoints.end());
        }
    }
    return combined;
}

std::string redacted_url(const connection_options& options)
{
    std::string url = options.tls ? "amqps://" : "amqp://";
    url += percent_encode(options.user) + ":******@";
    for (std::size_t i = 0; i < options.endpoints.size(); ++i) {
        if (i != 0) url += ',';
        url += host_text(options.endpoints[i]) + ":" + std::to_string(options.endpoints[i].port);
    }
    url += "/" + percent_encode(options.vhost);
    char separator = '?';
    for (const auto& [name, value] : changed_parameters(options)) {
        url += separator;
        url += std::string(name) + "=" + percent_encode(value);
        separator = '&';
    }
    return url;
}

}  // namespace amqp::client
