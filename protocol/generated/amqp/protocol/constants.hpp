// generated from the AMQP spec by protocol/codegen; do not edit
#pragma once

#include <cstdint>
#include <string_view>

namespace amqp::protocol {

inline constexpr std::uint8_t version_major = 0;
inline constexpr std::uint8_t version_minor = 9;
inline constexpr std::uint8_t version_revision = 1;
inline constexpr std::uint16_t default_port = 5672;

enum class frame_type : std::uint8_t {
    method = 1,
    header = 2,
    body = 3,
    heartbeat = 8,
};

inline constexpr std::uint32_t frame_min_size = 4096;
inline constexpr std::uint8_t frame_end = 0xCE;

enum class reply_code : std::uint16_t {
    success = 200,
    content_too_large = 311,
    no_route = 312,
    no_consumers = 313,
    access_refused = 403,
    not_found = 404,
    resource_locked = 405,
    precondition_failed = 406,
    connection_forced = 320,
    invalid_path = 402,
    frame_error = 501,
    syntax_error = 502,
    command_invalid = 503,
    channel_error = 504,
    unexpected_frame = 505,
    resource_error = 506,
    not_allowed = 530,
    not_implemented = 540,
    internal_error = 541,
};

// Hard errors close the connection; soft errors close only the channel.
constexpr bool is_hard_error(reply_code code) noexcept
{
    switch (code) {
    case reply_code::connection_forced:
    case reply_code::invalid_path:
    case reply_code::frame_error:
    case reply_code::syntax_error:
    case reply_code::command_invalid:
    case reply_code::channel_error:
    case reply_code::unexpected_frame:
    case reply_code::resource_error:
    case reply_code::not_allowed:
    case reply_code::not_implemented:
    case reply_code::internal_error:
        return true;
    default:
        return false;
    }
}

// The name RabbitMQ puts in front of reply texts ("NOT_FOUND - ..."); empty for
// a code the spec does not define.
constexpr std::string_view reply_code_name(reply_code code) noexcept
{
    switch (code) {
    case reply_code::success:
        return "REPLY_SUCCESS";
    case reply_code::content_too_large:
        return "CONTENT_TOO_LARGE";
    case reply_code::no_route:
        return "NO_ROUTE";
    case reply_code::no_consumers:
        return "NO_CONSUMERS";
    case reply_code::access_refused:
        return "ACCESS_REFUSED";
    case reply_code::not_found:
        return "NOT_FOUND";
    case reply_code::resource_locked:
        return "RESOURCE_LOCKED";
    case reply_code::precondition_failed:
        return "PRECONDITION_FAILED";
    case reply_code::connection_forced:
        return "CONNECTION_FORCED";
    case reply_code::invalid_path:
        return "INVALID_PATH";
    case reply_code::frame_error:
        return "FRAME_ERROR";
    case reply_code::syntax_error:
        return "SYNTAX_ERROR";
    case reply_code::command_invalid:
        return "COMMAND_INVALID";
    case reply_code::channel_error:
        return "CHANNEL_ERROR";
    case reply_code::unexpected_frame:
        return "UNEXPECTED_FRAME";
    case reply_code::resource_error:
        return "RESOURCE_ERROR";
    case reply_code::not_allowed:
        return "NOT_ALLOWED";
    case reply_code::not_implemented:
        return "NOT_IMPLEMENTED";
    case reply_code::internal_error:
        return "INTERNAL_ERROR";
    }
    return {};
}

namespace class_ids {
inline constexpr std::uint16_t connection = 10;
inline constexpr std::uint16_t channel = 20;
inline constexpr std::uint16_t access = 30;
inline constexpr std::uint16_t exchange = 40;
inline constexpr std::uint16_t queue = 50;
inline constexpr std::uint16_t basic = 60;
inline constexpr std::uint16_t tx = 90;
inline constexpr std::uint16_t confirm = 85;
}  // namespace class_ids

}  // namespace amqp::protocol
