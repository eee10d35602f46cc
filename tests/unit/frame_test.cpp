#include "hex.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

#include <random>

namespace amqp::protocol {
namespace {

std::span<const std::byte> bytes_of(std::string_view s) { return as_bytes(s); }

const std::string heartbeat("\x08\x00\x00\x00\x00\x00\x00\xCE", 8);

TEST(frame, heartbeat_golden_bytes)
{
    byte_buffer out;
    encode_heartbeat(out);
    EXPECT_EQ(out.view(), heartbeat);

    decoded_frame decoded = decode_frame(bytes_of(heartbeat), frame_min_size);
    ASSERT_TRUE(decoded.frame);
    EXPECT_EQ(decoded.consumed, 8u);
    EXPECT_EQ(decoded.frame->type, frame_type::heartbeat);
    EXPECT_EQ(decoded.frame->channel, 0);
    EXPECT_TRUE(decoded.frame->payload.empty());
}

TEST(frame, method_frame_golden_bytes)
{
    byte_buffer out;
    encode_frame(out, 1, basic_ack{5, false});
    // type 1, channel 1, size 13, class 60 method 80, tag 5, bits 0, frame end 0xCE
    EXPECT_EQ(test::to_hex(out.data()), "0100010000000d003c0050000000000000000500ce");
}

TEST(frame, every_prefix_needs_more)
{
    byte_buffer out;
    encode_frame(out, 7, queue_declare{0, "a queue", false, true, false, false, false, {{"x", 1}}});
    const auto whole = out.data();
    for (std::size_t n = 0; n < whole.size(); ++n) {
        decoded_frame decoded = decode_frame(whole.first(n), frame_min_size);
        ASSERT_TRUE(decoded.need_more()) << "prefix of " << n << " bytes";
        ASSERT_EQ(decoded.consumed, 0u);
    }
    EXPECT_TRUE(decode_frame(whole, frame_min_size).frame);
}

TEST(frame, wrong_frame_end_is_a_frame_error)
{
    std::string bad = heartbeat;
    bad.back() = 'A';
    decoded_frame decoded = decode_frame(bytes_of(bad), frame_min_size);
    ASSERT_TRUE(decoded.error);
    EXPECT_EQ(decoded.error->code, reply_code::frame_error);
    EXPECT_EQ(decoded.error->reply_text(), "FRAME_ERROR - frame end 0x41 is not 0xCE");
}

TEST(frame, oversized_frame_is_refused_as_soon_as_the_header_arrives)
{
    // A header announcing 4089 payload bytes: 4097 in all, one over frame_max 4096.
    const std::string header("\x01\x00\x01\x00\x00\x0f\xf9", 7);
    decoded_frame decoded = decode_frame(bytes_of(header), 4096);
    ASSERT_TRUE(decoded.error);
    EXPECT_EQ(decoded.error->code, reply_code::frame_error);
    EXPECT_EQ(decoded.error->detail, "frame of 4097 bytes exceeds frame_max 4096");

    // 4088 payload bytes make exactly 4096: allowed, so it waits for the payload.
    const std::string fits("\x01\x00\x01\x00\x00\x0f\xf8", 7);
    EXPECT_TRUE(decode_frame(bytes_of(fits), 4096).need_more());
    // frame_max 0 means no limit.
    EXPECT_TRUE(decode_frame(bytes_of(header), 0).need_more());
}

TEST(frame, unknown_frame_type_is_a_frame_error_once_the_frame_is_in)
{
    const std::string frame(
        "\x09\x00\x01\x00\x00\x00\x03"
        "abc\xce",
        11);
    for (std::size_t n = 0; n < frame.size(); ++n) {
        EXPECT_TRUE(decode_frame(bytes_of(frame).first(n), frame_min_size).need_more()) << n;
    }
    decoded_frame decoded = decode_frame(bytes_of(frame), frame_min_size);
    ASSERT_TRUE(decoded.error);
    EXPECT_EQ(decoded.error->code, reply_code::frame_error);
    EXPECT_EQ(decoded.error->detail, "unknown frame type 9");

    // A stream that is not AMQP at all fails on its size, at once.
    const std::string http("GET / HTTP/1.1\r\n");
    EXPECT_TRUE(decode_frame(bytes_of(http), frame_min_size).error);
}

TEST(frame, protocol_header_check)
{
    const std::string good("AMQP\x00\x00\x09\x01", 8);
    EXPECT_EQ(check_protocol_header(bytes_of(good)), header_check::match);
    EXPECT_EQ(check_protocol_header(bytes_of(good).first(5)), header_check::need_more);
    EXPECT_EQ(check_protocol_header(bytes_of("AMQP\x01\x01\x00\x0a")), header_check::mismatch);
    EXPECT_EQ(check_protocol_header(bytes_of("GET")), header_check::mismatch);
    EXPECT_EQ(check_protocol_header({}), header_check::need_more);
}

TEST(frame_reader, whole_frames_from_any_split_of_the_stream)
{
    byte_buffer stream;
    encode_frame(stream, 1, basic_publish{0, "", "hello", false, false});
    basic_properties props;
    props.content_type = "text/plain";
    const std::string body(10000, 'b');
    encode_content(stream, 1, props, as_bytes(body), frame_min_size);
    encode_heartbeat(stream);

    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        frame_reader reader(frame_min_size);
        std::vector<frame_type> types;
        std::size_t body_bytes = 0;
        std::size_t at = 0;
        const auto all = stream.data();
        while (at < all.size()) {
            // Round 0 feeds one byte at a time; the others random chunk sizes.
            const std::size_t n = round == 0 ? 1 : std::min<std::size_t>(rng() % 300 + 1, all.size() - at);
            auto space = reader.prepare(n);
            std::copy_n(all.begin() + at, n, space.begin());
            reader.commit(n);
            at += n;
            for (decoded_frame f = reader.next(); !f.need_more(); f = reader.next()) {
                ASSERT_FALSE(f.error) << *f.error;
                types.push_back(f.frame->type);
                if (f.frame->type == frame_type::body) body_bytes += f.frame->payload.size();
            }
        }
        EXPECT_EQ(reader.buffered(), 0u);
        ASSERT_EQ(types.size(), 6u);  // method, header, 3 body frames, heartbeat
        EXPECT_EQ(types.front(), frame_type::method);
        EXPECT_EQ(types[1], frame_type::header);
        EXPECT_EQ(types.back(), frame_type::heartbeat);
        EXPECT_EQ(body_bytes, body.size());
    }
}

TEST(frame_reader, an_error_is_sticky)
{
    frame_reader reader;
    reader.feed(bytes_of("\x09garbage\xce"));
    EXPECT_TRUE(reader.next().error);
    reader.feed(bytes_of(heartbeat));
    EXPECT_TRUE(reader.next().error);
}

TEST(frame_reader, frame_max_can_grow_after_tuning)
{
    frame_reader reader(frame_min_size);
    byte_buffer out;
    const std::string body(100000, 'x');
    encode_content(out, 1, {}, as_bytes(body), 131072);
    reader.feed(out.data());
    EXPECT_TRUE(reader.next().frame);  // the header
    reader.set_frame_max(131072);
    decoded_frame f = reader.next();
    ASSERT_TRUE(f.frame);
    EXPECT_EQ(f.frame->payload.size(), body.size());
}

}  // namespace
}  // namespace amqp::protocol
