// libFuzzer target over the frame decoder, the command reader, the method and
// content-header codecs and the SASL parsers. Besides "no crash, no sanitizer report"
// it checks a property: whatever decodes re-encodes to bytes that decode to the same
// value.
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/sasl.hpp>

#include <cstdlib>

using namespace amqp::protocol;

namespace {

void check_reencodes(const method& m)
{
    byte_buffer out;
    writer w(out);
    encode_method(w, m);
    auto again = decode_method(out.data());
    if (!again || !(*again == m)) std::abort();
}

// A start-ok's response read as either mechanism; what parses re-encodes and parses
// to the same credentials.
void check_sasl(const method& m)
{
    const auto* start_ok = std::get_if<connection_start_ok>(&m);
    if (!start_ok) return;
    if (const auto plain = parse_plain(start_ok->response)) {
        if (parse_plain(plain_response(plain->user, plain->password)) != plain) std::abort();
    }
    if (const auto amqplain = parse_amqplain(start_ok->response)) {
        if (parse_amqplain(amqplain_response(amqplain->user, amqplain->password)) != amqplain) std::abort();
    }
}

void check_reencodes(const content_header& header)
{
    byte_buffer out;
    writer w(out);
    encode_content_header(w, header);
    auto again = decode_content_header(out.data());
    // Float NaNs in headers compare unequal; compare the bytes of a second encoding.
    if (!again) std::abort();
    byte_buffer second;
    writer w2(second);
    encode_content_header(w2, *again);
    if (second.view() != out.view()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto bytes = std::as_bytes(std::span{data, size});
    // The first byte picks how the stream is cut, so split points get explored too.
    if (bytes.empty()) return 0;
    const std::size_t chunk = std::to_integer<std::size_t>(bytes[0]) % 16 + 1;
    const auto stream = bytes.subspan(1);

    frame_reader reader(frame_min_size * 4);
    command_reader commands(1u << 20);
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
        reader.feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
        for (decoded_frame f = reader.next(); !f.need_more(); f = reader.next()) {
            if (f.error) return 0;
            const frame_view& frame = *f.frame;
            if (frame.type == frame_type::method) {
                if (auto m = decode_method(frame.payload)) {
                    check_reencodes(*m);
                    check_sasl(*m);
                }
            } else if (frame.type == frame_type::header) {
                if (auto h = decode_content_header(frame.payload)) check_reencodes(*h);
            }
            if (frame.type == frame_type::heartbeat) continue;
            if (commands.add(frame).error) return 0;
        }
    }
    return 0;
}
