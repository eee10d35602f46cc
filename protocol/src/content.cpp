#include <amqp/protocol/content.hpp>

#include <algorithm>
#include <ostream>

namespace amqp::protocol {

std::ostream& operator<<(std::ostream& os, const content_header& header)
{
    return os << "content header(class=" << header.class_id << ", body_size=" << header.body_size
              << ", properties=" << header.properties << ')';
}

result<content_header> decode_content_header(std::span<const std::byte> payload)
{
    reader r(payload);
    content_header header;
    if (!r.short_uint(header.class_id) || !r.short_uint(header.weight) || !r.longlong_uint(header.body_size)) {
        return protocol_error{reply_code::syntax_error,
                              "content header of " + std::to_string(payload.size()) + " bytes is truncated"};
    }
    if (header.class_id != basic_properties::class_id) {
        return protocol_error{
            reply_code::not_implemented,
            "content header for class " + std::to_string(header.class_id) + ", only class 60 (basic) carries content"};
    }
    if (!decode_properties(r, header.properties)) {
        return protocol_error{reply_code::syntax_error, "content header properties: " + r.failure(), header.class_id,
                              0};
    }
    if (!r.at_end()) {
        return protocol_error{reply_code::syntax_error,
                              "content header: " + std::to_string(r.remaining()) + " stray bytes after the properties"};
    }
    return header;
}

void encode_content_header(writer& w, const content_header& header)
{
    w.short_uint(header.class_id);
    w.short_uint(header.weight);
    w.longlong_uint(header.body_size);
    encode_properties(w, header.properties);
}

void encode_frame(byte_buffer& out, std::uint16_t channel, const method& m)
{
    encode_frame_with(out, frame_type::method, channel, [&m](byte_buffer& payload) {
        writer w(payload);
        encode_method(w, m);
    });
}

void encode_content(byte_buffer& out, std::uint16_t channel, const basic_properties& properties,
                    std::span<const std::byte> body, std::uint32_t frame_max)
{
    encode_frame_with(out, frame_type::header, channel, [&](byte_buffer& payload) {
        writer w(payload);
        w.short_uint(basic_properties::class_id);
        w.short_uint(0);  // weight
        w.longlong_uint(body.size());
        encode_properties(w, properties);
    });
    encode_body_frames(out, channel, body, frame_max);
}

void encode_content(byte_buffer& out, std::uint16_t channel, std::uint16_t class_id,
                    std::span<const std::byte> encoded_properties, std::string_view body, std::uint32_t frame_max)
{
    encode_frame_with(out, frame_type::header, channel, [&](byte_buffer& payload) {
        writer w(payload);
        w.short_uint(class_id);
        w.short_uint(0);  // weight
        w.longlong_uint(body.size());
        w.bytes(encoded_properties);
    });
    encode_body_frames(out, channel, as_bytes(body), frame_max);
}

void encode_body_frames(byte_buffer& out, std::uint16_t channel, std::span<const std::byte> body,
                        std::uint32_t frame_max)
{
    const std::size_t chunk =
        frame_max > frame_overhead ? frame_max - frame_overhead : std::max<std::size_t>(body.size(), 1);
    out.reserve(out.size() + body.size() + (body.size() / chunk + 1) * frame_overhead);
    for (std::size_t at = 0; at < body.size(); at += chunk) {
        const auto piece = body.subspan(at, std::min(chunk, body.size() - at));
        encode_frame_with(out, frame_type::body, channel, [piece](byte_buffer& payload) { payload.append(piece); });
    }
}

}  // namespace amqp::protocol
