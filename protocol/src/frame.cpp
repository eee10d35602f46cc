#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/wire.hpp>

#include <algorithm>
#include <ostream>
#include <string>

namespace amqp::protocol {

namespace {

bool known_frame_type(std::uint8_t type) noexcept
{
    switch (static_cast<frame_type>(type)) {
    case frame_type::method:
    case frame_type::header:
    case frame_type::body:
    case frame_type::heartbeat: return true;
    }
    return false;
}

decoded_frame frame_error(std::string detail)
{
    decoded_frame out;
    out.error = protocol_error{reply_code::frame_error, std::move(detail)};
    return out;
}

}  // namespace

decoded_frame decode_frame(std::span<const std::byte> in, std::uint32_t frame_max) noexcept
try {
    if (in.empty()) return {};
    if (in.size() < frame_header_size) return {};
    const auto type = static_cast<std::uint8_t>(in[0]);

    const std::uint32_t size = detail::load_be32(in.data() + 3);
    if (frame_max != 0 && size > frame_max - std::min<std::uint32_t>(frame_max, frame_overhead)) {
        return frame_error("frame of " + std::to_string(std::uint64_t(size) + frame_overhead) +
                           " bytes exceeds frame_max " + std::to_string(frame_max));
    }
    if (in.size() - frame_header_size <= size) return {};
    // Like RabbitMQ, judge the type once the whole frame is in, so the error can show it.
    if (!known_frame_type(type)) return frame_error("unknown frame type " + std::to_string(type));

    const auto end = static_cast<std::uint8_t>(in[frame_header_size + size]);
    if (end != frame_end) {
        static constexpr char hex[] = "0123456789ABCDEF";
        return frame_error(std::string("frame end 0x") + hex[end >> 4] + hex[end & 0xf] + " is not 0xCE");
    }
    decoded_frame out;
    out.consumed = frame_overhead + size;
    out.frame = frame_view{static_cast<frame_type>(type), detail::load_be16(in.data() + 1),
                           in.subspan(frame_header_size, size)};
    return out;
} catch (...) {
    // Only building an error text can throw (out of memory); report it as such.
    decoded_frame out;
    out.error = protocol_error{reply_code::internal_error, {}};
    return out;
}

header_check check_protocol_header(std::span<const std::byte> in) noexcept
{
    const std::size_t n = std::min(in.size(), protocol_header.size());
    if (!std::equal(in.begin(), in.begin() + n, protocol_header.begin())) {
        return header_check::mismatch;
    }
    return n == protocol_header.size() ? header_check::match : header_check::need_more;
}

void encode_heartbeat(byte_buffer& out)
{
    static constexpr std::byte heartbeat[] = {std::byte{8}, std::byte{0}, std::byte{0}, std::byte{0},
                                              std::byte{0}, std::byte{0}, std::byte{0}, std::byte{frame_end}};
    out.append(heartbeat);
}

std::ostream& operator<<(std::ostream& os, const frame_view& frame)
{
    static constexpr const char* names[] = {"?", "method", "header", "body", "?", "?", "?", "?", "heartbeat"};
    const auto type = static_cast<unsigned>(frame.type);
    return os << (type < 9 ? names[type] : "?") << " frame, channel " << frame.channel << ", " << frame.payload.size()
              << " bytes";
}

std::span<std::byte> frame_reader::prepare(std::size_t n)
{
    release_taken();
    return {buffer_.prepare(n), n};
}

void frame_reader::feed(std::span<const std::byte> bytes)
{
    release_taken();
    buffer_.append(bytes);
}

void frame_reader::release_taken() noexcept
{
    buffer_.consume(taken_);
    taken_ = 0;
}

std::span<const std::byte> frame_reader::pending() const noexcept { return buffer_.data().subspan(taken_); }

decoded_frame frame_reader::next()
{
    if (error_) {
        decoded_frame out;
        out.error = error_;
        return out;
    }
    // The previous frame's bytes are dropped only now, so its payload view lived
    // until this call.
    release_taken();
    decoded_frame out = decode_frame(buffer_.data(), frame_max_);
    if (out.error) error_ = out.error;
    taken_ = out.consumed;
    return out;
}

}  // namespace amqp::protocol
