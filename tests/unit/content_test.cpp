#include "hex.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>

#include <gtest/gtest.h>

namespace amqp::protocol {
namespace {

basic_properties every_property()
{
    basic_properties p;
    p.content_type = "application/json";
    p.content_encoding = "gzip";
    p.headers = field_table{{"h", 1}};
    p.delivery_mode = 2;
    p.priority = 9;
    p.correlation_id = "c";
    p.reply_to = "amq.rabbitmq.reply-to";
    p.expiration = "1000";
    p.message_id = "m";
    p.timestamp = timestamp{std::chrono::seconds{1}};
    p.type = "t";
    p.user_id = "guest";
    p.app_id = "app";
    p.cluster_id = "cluster";
    return p;
}

TEST(basic_properties, each_property_alone_round_trips_with_its_flag_bit)
{
    const basic_properties all = every_property();
    for (int bit = 0; bit < 14; ++bit) {
        basic_properties one;
        const std::uint16_t flag = std::uint16_t(0x8000 >> bit);
        // Decode the full set, then clear every property but the one under test.
        byte_buffer encoded;
        writer w(encoded);
        encode_properties(w, all);
        reader r(encoded.data());
        ASSERT_TRUE(decode_properties(r, one));
        if (bit != 0) one.content_type.reset();
        if (bit != 1) one.content_encoding.reset();
        if (bit != 2) one.headers.reset();
        if (bit != 3) one.delivery_mode.reset();
        if (bit != 4) one.priority.reset();
        if (bit != 5) one.correlation_id.reset();
        if (bit != 6) one.reply_to.reset();
        if (bit != 7) one.expiration.reset();
        if (bit != 8) one.message_id.reset();
        if (bit != 9) one.timestamp.reset();
        if (bit != 10) one.type.reset();
        if (bit != 11) one.user_id.reset();
        if (bit != 12) one.app_id.reset();
        if (bit != 13) one.cluster_id.reset();
        EXPECT_EQ(property_flags(one), flag) << "property " << bit;

        byte_buffer out;
        writer ow(out);
        encode_properties(ow, one);
        reader back_reader(out.data());
        basic_properties back;
        ASSERT_TRUE(decode_properties(back_reader, back));
        EXPECT_TRUE(back_reader.at_end());
        EXPECT_EQ(back, one) << back;
    }
}

TEST(basic_properties, all_fourteen_round_trip_in_a_content_header)
{
    content_header header;
    header.body_size = 123456789012ull;
    header.properties = every_property();
    EXPECT_EQ(property_flags(header.properties), 0xFFFC);

    byte_buffer out;
    writer w(out);
    encode_content_header(w, header);
    auto back = decode_content_header(out.data());
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, header);

    for (std::size_t n = 0; n < out.size(); ++n) {
        auto truncated = decode_content_header(out.data().first(n));
        ASSERT_FALSE(truncated) << n;
        EXPECT_EQ(truncated.error().code, reply_code::syntax_error);
    }
}

TEST(basic_properties, flags_for_properties_basic_does_not_have_are_refused)
{
    // class 60, weight 0, size 0, flags with bit 1 set
    const auto bytes = test::from_hex(
        "003c0000"
        "0000000000000000"
        "0002");
    auto header = decode_content_header(bytes);
    ASSERT_FALSE(header);
    EXPECT_EQ(header.error().code, reply_code::syntax_error);
}

TEST(content, header_for_another_class_is_not_implemented)
{
    const auto bytes = test::from_hex(
        "00320000"
        "0000000000000000"
        "0000");
    auto header = decode_content_header(bytes);
    ASSERT_FALSE(header);
    EXPECT_EQ(header.error().code, reply_code::not_implemented);
}

TEST(content, bodies_split_at_frame_max)
{
    const std::string body(10000, 'z');
    for (std::uint32_t frame_max : {4096u, 4097u, 131072u, 0u}) {
        byte_buffer out;
        encode_message(out, 3, basic_publish{0, "x", "y", false, false}, {}, as_bytes(body), frame_max);
        std::size_t at = 0;
        std::size_t body_frames = 0, body_bytes = 0;
        while (at < out.size()) {
            decoded_frame f = decode_frame(out.data().subspan(at), frame_max);
            ASSERT_TRUE(f.frame) << "frame_max " << frame_max;
            EXPECT_EQ(f.frame->channel, 3);
            if (frame_max != 0) {
                EXPECT_LE(f.consumed, frame_max);
            }
            if (f.frame->type == frame_type::body) {
                ++body_frames;
                body_bytes += f.frame->payload.size();
            }
            at += f.consumed;
        }
        EXPECT_EQ(body_bytes, body.size());
        const std::size_t per_frame = frame_max == 0 ? body.size() : frame_max - 8;
        EXPECT_EQ(body_frames, (body.size() + per_frame - 1) / per_frame) << frame_max;
    }
}

TEST(content, an_empty_body_has_no_body_frame)
{
    byte_buffer out;
    encode_content(out, 1, {}, {}, frame_min_size);
    decoded_frame f = decode_frame(out.data(), frame_min_size);
    ASSERT_TRUE(f.frame);
    EXPECT_EQ(f.frame->type, frame_type::header);
    EXPECT_EQ(f.consumed, out.size());
    // class 60, weight 0, size 0, no flags
    EXPECT_EQ(test::to_hex(f.frame->payload),
              "003c00000000000000000000"
              "0000");
}

TEST(content, encoded_properties_give_the_same_frames_as_the_properties)
{
    const basic_properties properties = every_property();
    byte_buffer encoded_properties;
    writer w(encoded_properties);
    encode_properties(w, properties);
    for (const std::size_t size : {0u, 1u, 4088u, 4089u, 10000u}) {
        const std::string body(size, 'b');
        for (std::uint32_t frame_max : {4096u, 131072u, 0u}) {
            byte_buffer expected;
            encode_content(expected, 9, properties, as_bytes(body), frame_max);
            byte_buffer out;
            encode_content(out, 9, basic_properties::class_id, encoded_properties.data(), body, frame_max);
            EXPECT_EQ(test::to_hex(out.data()), test::to_hex(expected.data()))
                << size << " bytes, frame_max " << frame_max;
        }
    }
}

TEST(content, encoded_properties_with_an_empty_body_make_only_the_header_frame)
{
    const auto no_properties = test::from_hex("0000");
    byte_buffer out;
    encode_content(out, 1, basic_properties::class_id, no_properties, "", frame_min_size);
    EXPECT_EQ(test::to_hex(out.data()),
              "02"
              "0001"
              "0000000e"
              "003c0000"
              "0000000000000000"
              "0000"
              "ce");
}

TEST(content, body_frames_are_at_most_frame_max_and_none_for_nothing)
{
    byte_buffer none;
    encode_body_frames(none, 1, {}, frame_min_size);
    EXPECT_TRUE(none.empty());

    const std::string body(frame_min_size, 'x');
    byte_buffer out;
    encode_body_frames(out, 1, as_bytes(body), frame_min_size);
    // 4088 bytes in the first frame (a whole frame_max), 8 in the second.
    ASSERT_EQ(out.size(), body.size() + 2 * frame_overhead);
    const decoded_frame first = decode_frame(out.data(), frame_min_size);
    ASSERT_TRUE(first.frame);
    EXPECT_EQ(first.consumed, frame_min_size);
    EXPECT_EQ(first.frame->type, frame_type::body);
}

}  // namespace
}  // namespace amqp::protocol
