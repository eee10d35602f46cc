#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/protocol_error.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string_view>

namespace amqp::protocol {

// The payload of a content header frame: class id, weight (always 0), body size and
// the properties.
struct content_header {
    std::uint16_t class_id = class_ids::basic;
    std::uint16_t weight = 0;
    std::uint64_t body_size = 0;
    basic_properties properties;

    bool operator==(const content_header&) const = default;
};

std::ostream& operator<<(std::ostream& os, const content_header& header);

// Errors: 502 SYNTAX_ERROR for a truncated or malformed header, 540 NOT_IMPLEMENTED
// for content of a class other than basic (the only class with content in 0-9-1).
result<content_header> decode_content_header(std::span<const std::byte> payload);
void encode_content_header(writer& w, const content_header& header);

// Appends a method frame.
template <class Method>
void encode_frame(byte_buffer& out, std::uint16_t channel, const Method& m)
{
    encode_frame_with(out, frame_type::method, channel, [&m](byte_buffer& payload) {
        writer w(payload);
        w.short_uint(Method::key.class_id);
        w.short_uint(Method::key.method_id);
        encode_arguments(w, m);
    });
}
void encode_frame(byte_buffer& out, std::uint16_t channel, const method& m);

// Appends the content header frame and as many body frames as frame_max requires
// (0: one body frame). An empty body has no body frame.
void encode_content(byte_buffer& out, std::uint16_t channel, const basic_properties& properties,
                    std::span<const std::byte> body, std::uint32_t frame_max);

// The same from properties encoded already (the flags word and the property list, as
// encode_properties writes them), for a sender that keeps messages encoded: a broker
// stores what the publisher sent and sends those bytes on.
void encode_content(byte_buffer& out, std::uint16_t channel, std::uint16_t class_id,
                    std::span<const std::byte> encoded_properties, std::string_view body, std::uint32_t frame_max);

// Appends body frames of at most frame_max bytes each (0: one frame); none for an
// empty body. What follows a content header frame.
void encode_body_frames(byte_buffer& out, std::uint16_t channel, std::span<const std::byte> body,
                        std::uint32_t frame_max);

// Appends a content-carrying method (publish, deliver, get-ok, return) with its
// header and body frames: what goes on the wire for one message.
template <class Method>
void encode_message(byte_buffer& out, std::uint16_t channel, const Method& m, const basic_properties& properties,
                    std::span<const std::byte> body, std::uint32_t frame_max)
{
    static_assert(Method::has_content);
    encode_frame(out, channel, m);
    encode_content(out, channel, properties, body, frame_max);
}

inline std::span<const std::byte> as_bytes(std::string_view s) noexcept
{
    return std::as_bytes(std::span{s.data(), s.size()});
}

}  // namespace amqp::protocol
