// The query parameters of an AMQP URL: the table of names and their parsers, and the values printed back.
#include "url_detail.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>

namespace amqp::client::detail {
namespace {

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

}  // namespace

// '+' stays a literal plus: these are URI query parameters, not an HTML form.
maybe_error parse_query(std::string_view query, connection_options& options)
{
    for (const auto item : split(query, '&')) {
        if (item.empty()) continue;  // "?" alone, "&&" and a trailing '&' are harmless
        if (auto error = apply_parameter(item, options)) return error;
    }
    return std::nullopt;
}

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

}  // namespace amqp::client::detail
