#pragma once

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/protocol_error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>

namespace amqp::protocol {

// Type octet, channel (2), payload size (4).
inline constexpr std::size_t frame_header_size = 7;
// Header plus the frame-end octet: what a frame costs beyond its payload.
inline constexpr std::size_t frame_overhead = frame_header_size + 1;

// A whole frame whose payload points into the decoder's input.
struct frame_view {
    frame_type type = frame_type::heartbeat;
    std::uint16_t channel = 0;
    std::span<const std::byte> payload;
};

std::ostream& operator<<(std::ostream& os, const frame_view& frame);

// The outcome of decode_frame: a frame (and how many bytes it took), a protocol
// error, or neither when more bytes are needed. Needing more is not an error.
struct decoded_frame {
    std::size_t consumed = 0;
    std::optional<frame_view> frame;
    std::optional<protocol_error> error;

    bool need_more() const noexcept { return !frame && !error; }
};

// Splits one frame off the front of `in`. frame_max is the negotiated maximum frame
// size including header and frame end (0: no limit, as the spec says). Errors are
// 501 FRAME_ERROR: a size over frame_max (reported as soon as the header is in,
// without waiting for the payload), an unknown frame type or a frame end other than
// 0xCE (both once the whole frame is in, as RabbitMQ reports them).
decoded_frame decode_frame(std::span<const std::byte> in, std::uint32_t frame_max) noexcept;

// The 8 bytes a client sends first: "AMQP" 0 0 9 1.
inline constexpr std::array<std::byte, 8> protocol_header{
    std::byte{'A'}, std::byte{'M'},           std::byte{'Q'},           std::byte{'P'},
    std::byte{0},   std::byte{version_major}, std::byte{version_minor}, std::byte{version_revision}};

enum class header_check { need_more, match, mismatch };

// Checks the start of a client's byte stream against protocol_header, deciding as
// soon as a byte differs (a server answers a mismatch with its own header and closes).
header_check check_protocol_header(std::span<const std::byte> in) noexcept;

// Appends a heartbeat frame (type 8, channel 0, empty payload).
void encode_heartbeat(byte_buffer& out);

// Appends a frame of the given type around whatever `write_payload(out)` appends.
template <class WritePayload>
void encode_frame_with(byte_buffer& out, frame_type type, std::uint16_t channel, WritePayload&& write_payload)
{
    std::byte* head = out.prepare(frame_header_size);
    head[0] = std::byte(type);
    head[1] = std::byte(channel >> 8);
    head[2] = std::byte(channel);
    out.commit(frame_header_size);
    const std::size_t payload_at = out.size();
    write_payload(out);
    const auto size = static_cast<std::uint32_t>(out.size() - payload_at);
    std::byte* size_field = out.data().data() + payload_at - 4;
    size_field[0] = std::byte(size >> 24);
    size_field[1] = std::byte(size >> 16);
    size_field[2] = std::byte(size >> 8);
    size_field[3] = std::byte(size);
    *out.prepare(1) = std::byte{frame_end};
    out.commit(1);
}

// Incremental decoding over a byte stream split anywhere: read or feed bytes in,
// take whole frames out. A frame's payload stays valid until the next call to next(),
// prepare() or feed(). After an error every next() returns that error: the
// connection must close.
class frame_reader {
public:
    explicit frame_reader(std::uint32_t frame_max = frame_min_size) : frame_max_(frame_max) {}

    void set_frame_max(std::uint32_t frame_max) noexcept { frame_max_ = frame_max; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }

    // Space for a read of up to n bytes; commit() what the read produced.
    std::span<std::byte> prepare(std::size_t n);
    void commit(std::size_t n) noexcept { buffer_.commit(n); }
    void feed(std::span<const std::byte> bytes);

    decoded_frame next();

    // Bytes received but not yet returned as frames; after an error, the bad frame
    // is at the front.
    std::size_t buffered() const noexcept { return buffer_.size() - taken_; }
    std::span<const std::byte> pending() const noexcept;

private:
    void release_taken() noexcept;

    byte_buffer buffer_;
    std::size_t taken_ = 0;
    std::uint32_t frame_max_;
    std::optional<protocol_error> error_;
};

}  // namespace amqp::protocol
