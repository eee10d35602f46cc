// A scripted broker side of the client handshake: the options, the broker's methods and the happy conversation.
#pragma once

#include "handshake.hpp"

#include <amqp/client/connection_options.hpp>
#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace amqp::client::detail {

inline constexpr std::uint16_t access_refused = static_cast<std::uint16_t>(protocol::reply_code::access_refused);
inline constexpr std::uint16_t not_allowed = static_cast<std::uint16_t>(protocol::reply_code::not_allowed);
inline constexpr std::uint16_t connection_forced = static_cast<std::uint16_t>(protocol::reply_code::connection_forced);
inline constexpr std::uint16_t unexpected_frame = static_cast<std::uint16_t>(protocol::reply_code::unexpected_frame);

inline connection_options test_options()
{
    connection_options options;
    options.user = "user";
    options.password = "password";
    options.vhost = "/orders";
    options.connection_name = "billing-service";
    options.channel_max = 2047;
    options.frame_max = 131072;
    return options;
}

inline protocol::connection_start broker_start(std::string mechanisms = "PLAIN AMQPLAIN")
{
    protocol::connection_start start;
    start.version_major = 0;
    start.version_minor = 9;
    start.server_properties = {{"product", std::string("RabbitMQ")}, {"version", std::string("3.12.0")}};
    start.mechanisms = std::move(mechanisms);
    start.locales = "en_US";
    return start;
}

inline protocol::connection_tune broker_tune(std::uint16_t channel_max = 0, std::uint32_t frame_max = 131072,
                                             std::uint16_t heartbeat = 60)
{
    protocol::connection_tune tune;
    tune.channel_max = channel_max;
    tune.frame_max = frame_max;
    tune.heartbeat = heartbeat;
    return tune;
}

inline protocol::connection_close broker_close(std::uint16_t code, std::string text, std::uint16_t class_id = 0,
                                               std::uint16_t method_id = 0)
{
    return protocol::connection_close{code, std::move(text), class_id, method_id};
}

inline protocol::connection_start_ok expected_start_ok(const connection_options& options)
{
    protocol::connection_start_ok start_ok;
    start_ok.client_properties = handshake::client_properties(options);
    start_ok.mechanism = "PLAIN";
    start_ok.response = std::string("\0user\0password", 14);
    start_ok.locale = "en_US";
    return start_ok;
}

// One exchange of the conversation: what the broker says, and what we must answer.
struct step {
    protocol::method from_broker;
    std::vector<protocol::method> replies;
};

// The conversation with a broker that accepts everything, as the test options ask.
inline std::vector<step> happy_script(const connection_options& options)
{
    return {
        {broker_start(), {expected_start_ok(options)}},
        {broker_tune(0, 131072, 60),
         {protocol::connection_tune_ok{2047, 131072, 60}, protocol::connection_open{options.vhost, "", false}}},
        {protocol::connection_open_ok{}, {}},
    };
}

// Plays the first `count` steps of the script, checking each answer.
inline void play(handshake& hs, const std::vector<step>& script, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        SCOPED_TRACE("step " + std::to_string(i));
        EXPECT_EQ(hs.on_method(script[i].from_broker), script[i].replies);
        EXPECT_FALSE(hs.failed().has_value());
    }
}

}  // namespace amqp::client::detail
