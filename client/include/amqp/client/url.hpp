#pragma once

#include <amqp/client/connection_options.hpp>

#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace amqp::client {

// Why a URL was refused, in words that name the problem ("unknown query parameter
// 'hearbeat'", "port '56x2' is not a number between 1 and 65535").
struct url_error {
    std::string message;

    bool operator==(const url_error&) const = default;
};

// The outcome of parsing: options, or the error.
using url_result = std::variant<connection_options, url_error>;

// Parses amqp://user:password@host:port/vhost?param=value&... and amqps://.
// User, password and vhost are percent-decoded ("%2F" is "/"); "amqp://host" and
// "amqp://host/" both mean vhost "/", "amqp://host/%2F" too, and "amqp://host/x" is
// vhost "x". Several hosts may be given as host1:port1,host2:port2 (tried in order).
// Query parameters (aio-pika / aiormq and pika names): name, heartbeat, frame_max,
// channel_max, connection_timeout (seconds, may be fractional), connection_attempts,
// retry_delay (seconds), reconnect_interval (seconds), fail_fast, cafile, capath,
// certfile, keyfile, no_verify_ssl. An unknown parameter is an error.
url_result parse_url(std::string_view url);

// Several URLs for failover: the endpoints of all of them in order; every other
// setting comes from the first.
url_result parse_urls(std::span<const std::string> urls);

// The URL back, with the password hidden as "******" (for logs and errors).
std::string redacted_url(const connection_options& options);

}  // namespace amqp::client
