#include "model/rabbit_texts.hpp"

#include "model/erlang_terms.hpp"

#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/wire.hpp>

namespace amqp::fakebroker {

namespace {

std::string_view as_chars(std::span<const std::byte> bytes)
{
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Erlang's ~p breaks a term that would run past column 79 after its first element,
// indenting the rest under it; RabbitMQ's frame errors show exactly that.
std::string pretty_tuple(std::size_t column, const std::string& first, const std::string& second)
{
    const std::string flat = "{" + first + "," + second + "}";
    if (column + flat.size() < 79) return flat;
    return "{" + first + ",\n" + std::string(column + 1, ' ') + second + "}";
}

}  // namespace

std::string frame_error_text(std::span<const std::byte> pending, std::uint32_t frame_max)
{
    if (pending.size() < protocol::frame_header_size) return "malformed frame";
    const auto type = std::to_integer<unsigned>(pending[0]);
    const std::uint32_t size = protocol::detail::load_be32(pending.data() + 3);
    std::string text = "type " + std::to_string(type) + ", all octets = ";
    const std::uint32_t limit = frame_max > protocol::frame_overhead ? frame_max - protocol::frame_overhead : 0;
    if (frame_max != 0 && size > limit) {
        return text + "<<>>: {frame_too_large," + std::to_string(size) + "," + std::to_string(limit) + "}";
    }
    const auto payload = pending.subspan(protocol::frame_header_size,
                                         std::min<std::size_t>(size, pending.size() - protocol::frame_header_size));
    text += erlang_binary(as_chars(payload)) + ": ";
    const bool whole = pending.size() > protocol::frame_header_size + size;
    const bool known = type == 1 || type == 2 || type == 3 || type == 8;
    if (!known) return text + "unknown_frame";
    const unsigned end = whole ? std::to_integer<unsigned>(pending[protocol::frame_header_size + size]) : 0;
    return text + pretty_tuple(text.size(), "invalid_frame_end_marker", std::to_string(end));
}

std::string cannot_decode_text(std::span<const std::byte> method_payload)
{
    const auto arguments = method_payload.size() > 4 ? method_payload.subspan(4) : std::span<const std::byte>{};
    return "cannot decode " + erlang_binary(as_chars(arguments));
}

protocol::protocol_error rabbit_decode_error(const protocol::protocol_error& e,
                                             std::span<const std::byte> method_payload)
{
    if (e.code != protocol::reply_code::syntax_error) return e;
    return {protocol::reply_code::frame_error, cannot_decode_text(method_payload), e.class_id, e.method_id};
}

std::string consumer_timeout_text(std::uint16_t channel, std::chrono::milliseconds timeout)
{
    return "delivery acknowledgement on channel " + std::to_string(channel) +
           " timed out. Timeout value used: " + std::to_string(timeout.count()) +
           " ms. This timeout value can be configured, see consumers doc guide to learn more";
}

}  // namespace amqp::fakebroker
