#include "handshake.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/sasl.hpp>
#include <amqp/protocol/tuning.hpp>

namespace amqp::client::detail {

handshake::handshake(const connection_options& options) : options_(options) {}

protocol::field_table handshake::client_properties(const connection_options& options)
{
    protocol::field_table properties{
        {"product", std::string("amqp-fake C++ client")},  {"version", std::string("0.1.0")},
        {"platform", std::string("C++20/asio")},           {"information", std::string("an AMQP 0-9-1 client library")},
        {"capabilities", protocol::client_capabilities()},
    };
    if (!options.connection_name.empty()) properties.set("connection_name", options.connection_name);
    return properties;
}

std::vector<protocol::method> handshake::on_method(const protocol::method& m)
{
    if (const auto* close = std::get_if<protocol::connection_close>(&m)) return on_close(*close);
    if (state_ == state::start) {
        if (const auto* start = std::get_if<protocol::connection_start>(&m)) return on_start(*start);
    } else if (state_ == state::tune) {
        if (const auto* tune = std::get_if<protocol::connection_tune>(&m)) return on_tune(*tune);
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
    if (!protocol::offers_mechanism(start.mechanisms, protocol::plain_mechanism)) {
        return fail(errc::authentication_refused,
                    close_info{0, "the broker offers no PLAIN authentication (it offers '" + start.mechanisms + "')"});
    }
    server_properties_ = start.server_properties;
    state_ = state::tune;
    protocol::connection_start_ok reply;
    reply.client_properties = client_properties(options_);
    reply.mechanism = std::string(protocol::plain_mechanism);
    reply.response = protocol::plain_response(options_.user, options_.password);
    return {std::move(reply)};
}

std::vector<protocol::method> handshake::on_tune(const protocol::connection_tune& tune)
{
    const protocol::connection_tune_ok tune_ok =
        protocol::negotiate(tune, {options_.channel_max, options_.frame_max, options_.heartbeat});
    tuning_.channel_max = tune_ok.channel_max;
    tuning_.frame_max = tune_ok.frame_max;
    tuning_.heartbeat = tune_ok.heartbeat;
    state_ = state::open;
    protocol::connection_open open;
    open.virtual_host = options_.vhost;
    return {tune_ok, std::move(open)};
}

std::vector<protocol::method> handshake::on_close(const protocol::connection_close& close)
{
    close_info info{close.reply_code, close.reply_text, close.class_id, close.method_id, true};
    std::error_code ec = errc::connection_closed;
    if (close.reply_code == static_cast<std::uint16_t>(protocol::reply_code::access_refused) && state_ == state::tune)
        ec = errc::authentication_refused;
    else if (state_ == state::open &&
             (close.reply_code == static_cast<std::uint16_t>(protocol::reply_code::not_allowed) ||
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
