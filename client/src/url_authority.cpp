// The scheme, authority and path of an AMQP URL: TLS and default port, user and password, the hosts, the vhost.
#include "url_detail.hpp"

#include <algorithm>
#include <cstddef>

namespace amqp::client::detail {
namespace {

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

}  // namespace

std::optional<scheme_info> scheme_named(std::string_view scheme)
{
    // Schemes are case-insensitive (RFC 3986 section 3.1).
    if (iequals(scheme, "amqp")) return scheme_info{false, 5672};
    if (iequals(scheme, "amqps")) return scheme_info{true, 5671};
    return std::nullopt;
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

}  // namespace amqp::client::detail
