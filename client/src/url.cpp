// The AMQP URL as a whole: its parts taken apart and handed to their parsers, several URLs joined, the URL printed back.
#include <amqp/client/url.hpp>

#include "url_detail.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace amqp::client {
namespace {

detail::maybe_error parse_into(std::string_view url, connection_options& options)
{
    if (!url.empty() && detail::is_space(url.front())) {
        return detail::fail("URL starts with whitespace; remove it (URLs are not trimmed)");
    }
    if (!url.empty() && detail::is_space(url.back())) {
        return detail::fail("URL ends with whitespace; remove it (URLs are not trimmed)");
    }
    // Not quoted: a '#' is most often an unescaped one in a password.
    if (url.find('#') != std::string_view::npos) {
        return detail::fail(
            "a fragment ('#...') is not allowed in an AMQP URL; "
            "percent-encode a '#' in a password or vhost as %23");
    }
    const auto separator = url.find("://");
    if (separator == std::string_view::npos) {
        return detail::fail("missing '://' after the scheme (expected amqp://... or amqps://...)");
    }
    const auto scheme_text = url.substr(0, separator);
    const auto scheme = detail::scheme_named(scheme_text);
    if (!scheme) {
        return detail::fail("unsupported scheme " + detail::quoted(scheme_text) + " (expected 'amqp' or 'amqps')");
    }
    options.tls = scheme->tls;

    auto rest = url.substr(separator + 3);
    const auto question = rest.find('?');
    const auto query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
    rest = rest.substr(0, question);
    const auto slash = rest.find('/');
    const auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

    if (auto error = detail::parse_authority(rest.substr(0, slash), *scheme, options)) return error;
    if (auto error = detail::parse_vhost(path, options.vhost)) return error;
    return detail::parse_query(query, options);
}

std::string host_text(const endpoint& e)
{
    if (e.host.find(':') != std::string::npos) return "[" + detail::percent_encode(e.host, ":") + "]";
    return detail::percent_encode(e.host);
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
    if (urls.empty()) return detail::fail("no URLs given (expected at least one)");
    connection_options combined;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        auto result = parse_url(urls[i]);
        if (auto* error = std::get_if<url_error>(&result)) {
            return detail::fail("URL " + std::to_string(i + 1) + ": " + error->message);
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
    url += detail::percent_encode(options.user) + ":******@";
    for (std::size_t i = 0; i < options.endpoints.size(); ++i) {
        if (i != 0) url += ',';
        url += host_text(options.endpoints[i]) + ":" + std::to_string(options.endpoints[i].port);
    }
    url += "/" + detail::percent_encode(options.vhost);
    char separator = '?';
    for (const auto& [name, value] : detail::changed_parameters(options)) {
        url += separator;
        url += std::string(name) + "=" + detail::percent_encode(value);
        separator = '&';
    }
    return url;
}

}  // namespace amqp::client
