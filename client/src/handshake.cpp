#include "handshake.hpp"

#include <algorithm>

namespace amqp::client::detail {
namespace {

// The lower of two limits where 0 means "no limit".
template <class T>
T lower_limit(T ours, T theirs)
{
    if (ours == 0)
        return theirs;
    if (theirs == 0)
        return ours;
    return std::min(ours, theirs);
}

bool offers_mechanism(const std::string& mechanisms, std::string_view wanted)
{
    std::size_t at = 0;
    while (at <= mechanisms.size()) {
        const auto end = std::min(mechanisms.find(' ', at), mechanisms.size());
        if (std::string_view(mechanisms).substr(at, end - at) == wanted)
            return true;
        at = end + 1;
    }
    return false;
}

}  // namespace

handshake::handshake(const connection_options& options) : options_(options) {}

protocol::field_table handshake::client_properties(const connection_options& options)
{
    protocol::field_table capabilities{
        {"publisher_confirms", true},
        {"exchange_exchange_bindings", true},
        {"basic.nack", true},
        {"consumer_cancel_notify", true},
        {"connection.blocked", true},
        {"authentication_failure_close", true},
        {"per_consumer_qos", true},
    };
    protocol::field_table properties{
        {"product", std::string("amqp-fake C++ client")},
        {"version", std::string("0.1.0")},
        {"platform", std::string("C++20/asio")},
        {"information", std::string("an AMQP 0-9-1 client library")},
        {"capabilities", std::move(capabilities)},
    };
    if (!options.connection_name.empty())
        properties.set("connection_name", options.connection_name);
    return properties;
}

std::vector<protocol::method> handshake::on_method(const protocol::method& m)
{
    if (const auto* close = std::get_if<protocol::connection_close>(&m))
        return on_close(*close);
    if (state_ == state::start) {
        if (const auto* start = std::get_if<protocol::connection_start>(&m))
            return on_start(*start);
    } else if (state_ == state::tune) {
        if (const auto* tune = std::get_if<protocol::connection_tune>(&m))
            return on_tune(*tune);
    } else if (state_ == state::open) {
        if (std::holds_alternative<protocol::connection_open_ok>(m)) {
            state_ = state::done;
            return {};
        }
    }
    const auto key = protocol::key_of(m);
    return fail(errc::handshake_failed,
                close_info{static_cast<std::uint16_t>(protocol::reply_code::unexpected_frame),
                           "unexpected method during the handshake", key.class_id, key.method_id});
}

std::vector<protocol::method> handshake::on_start(const protocol::connection_start& start)
{
    if (start.version_major != 0 || start.version_minor != 9) {
        return fail(errc::handshake_failed,
                    close_info{0, "the broker speaks AMQP " + std::to_string(start.version_major) + "-" +
                                      std::to_string(start.version_minor) + ", not 0-9-1"});
    }
    if (!offers_mechanism(start.mechanisms, "PLAIN")) {
        return fail(errc::authentication_refused,
                    close_info{0, "the broker offers no PLAIN authentication (it offers '" + start.mechanisms + "')"});
    }
    server_properties_ = start.server_properties;
    state_ = state::tune;
    protocol::connection_start_ok reply;
    reply.client_properties = client_properties(options_);
    reply.mechanism = "PLAIN";
    reply.response.reserve(options_.user.size() + options_.password.size() + 2);
    reply.response.push_back('\0');
    reply.response += options_.user;
    reply.response.push_back('\0');
    reply.response += options_.password;
    return {std::move(reply)};
}

std::vector<protocol::method> handshake::on_tune(const protocol::connection_tune& tune)
{
    tuning_.channel_max = lower_limit(options_.channel_max, tune.channel_max);
    tuning_.frame_max = lower_limit(options_.frame_max, tune.frame_max);
    // Our own wish wins when there is one (as in pika); otherwise the broker's.
    tuning_.heartbeat = options_.heartbeat.value_or(tune.heartbeat);
    state_ = state::open;
    protocol::connection_tune_ok tune_ok;
    tune_ok.channel_max = tuning_.channel_max;
    tune_ok.frame_max = tuning_.frame_max;
    tune_ok.heartbeat = tuning_.heartbeat;
    protocol::connection_open open;
    open.virtual_host = options_.vhost;
    return {std::move(tune_ok), std::move(open)};
}

std::vector<protocol::method> handshake::on_close(const protocol::connection_close& close)
{
    close_info info{close.reply_code, close.reply_text, close.class_id, close.method_id, true};
    std::error_code ec = errc::connection_closed;
    if (close.reply_code == static_cast<std::uint16_t>(protocol::reply_code::access_refused) &&
        state_ == state::tune)
        ec = errc::authentication_refused;
    else if (state_ == state::open && (close.reply_code == static_cast<std::uint16_t>(protocol::reply_code::not_allowed) ||
                                       close.reply_code == static_cast<std::uint16_t>(protocol::reply_code::access_refused)))
        ec = errc::vhost_refused;
    fail(ec, std::move(info));
    return {protocol::connection_close_ok{}};
}

std::vector<protocol::method> handshake::fail(std::error_code ec, close_info info)
{
    state_ = state::failed;
    failure_ = failure{ec, std::make_shared<const close_info>(std::move(info)), nullptr};
    return {};
}

}  // namespace amqp::client::detail
