#include "frames_of.hpp"

#include <amqp/protocol/command_assembler.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace amqp::protocol {
namespace {

using test::frames_of;

TEST(command_assembler, a_method_without_content_is_complete_at_once)
{
    byte_buffer out;
    encode_frame(out, 1, basic_qos{0, 10, false});
    command_assembler assembler;
    EXPECT_TRUE(assembler.idle());
    EXPECT_FALSE(assembler.add(frames_of(out)[0]));
    ASSERT_TRUE(assembler.complete());
    command c = assembler.take();
    EXPECT_EQ(std::get<basic_qos>(c.method).prefetch_count, 10);
    EXPECT_FALSE(c.header);
    EXPECT_TRUE(assembler.idle());
}

TEST(command_assembler, a_publish_collects_header_and_body_frames)
{
    byte_buffer out;
    basic_properties props;
    props.message_id = "m1";
    const std::string body(9000, 'q');
    encode_message(out, 1, basic_publish{0, "ex", "rk", true, false}, props, as_bytes(body), 4096);
    const auto frames = frames_of(out);
    ASSERT_EQ(frames.size(), 5u);

    command_assembler assembler;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_FALSE(assembler.complete());
        ASSERT_FALSE(assembler.add(frames[i]));
        if (i > 0 && i + 1 < frames.size()) {
            EXPECT_FALSE(assembler.idle());
        }
    }
    ASSERT_TRUE(assembler.complete());
    command c = assembler.take();
    EXPECT_EQ(std::get<basic_publish>(c.method).routing_key, "rk");
    ASSERT_TRUE(c.header);
    EXPECT_EQ(c.header->properties.message_id, "m1");
    EXPECT_EQ(c.body, body);
}

TEST(command_assembler, an_empty_body_completes_at_the_header)
{
    byte_buffer out;
    encode_message(out, 1, basic_publish{}, {}, {}, 4096);
    command_assembler assembler;
    for (const frame_view& f : frames_of(out)) ASSERT_FALSE(assembler.add(f));
    ASSERT_TRUE(assembler.complete());
    EXPECT_TRUE(assembler.take().body.empty());
}

TEST(command_assembler, frames_out_of_order_are_unexpected)
{
    byte_buffer publish;
    encode_message(publish, 1, basic_publish{}, {}, as_bytes("abc"), 4096);
    const auto frames = frames_of(publish);  // method, header, body
    byte_buffer other;
    encode_frame(other, 1, basic_ack{1, false});
    const frame_view ack = frames_of(other)[0];

    {
        command_assembler assembler;
        auto error = assembler.add(frames[1]);  // header first
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code, reply_code::unexpected_frame);
        EXPECT_EQ(error->detail, "expected method frame, got non method frame instead");
    }
    {
        command_assembler assembler;
        ASSERT_FALSE(assembler.add(frames[0]));
        auto error = assembler.add(ack);  // method where the header belongs
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code, reply_code::unexpected_frame);
        EXPECT_EQ(error->class_id, 60);
        EXPECT_EQ(error->method_id, 40);
    }
    {
        command_assembler assembler;
        ASSERT_FALSE(assembler.add(frames[0]));
        auto error = assembler.add(frames[2]);  // body without a header
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code, reply_code::unexpected_frame);
    }
    {
        command_assembler assembler;
        ASSERT_FALSE(assembler.add(frames[0]));
        ASSERT_FALSE(assembler.add(frames[1]));
        auto error = assembler.add(ack);  // method in the middle of the body
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code, reply_code::unexpected_frame);
    }
}

TEST(command_assembler, a_body_longer_than_announced_is_unexpected)
{
    byte_buffer out;
    encode_message(out, 1, basic_publish{}, {}, as_bytes("abc"), 4096);
    encode_frame_with(out, frame_type::body, 1, [](byte_buffer& p) { p.append("more"); });
    const auto frames = frames_of(out);
    command_assembler assembler;
    ASSERT_FALSE(assembler.add(frames[0]));
    ASSERT_FALSE(assembler.add(frames[1]));
    // The body frame "abc" + the extra frame: the assembler completed after "abc", so
    // the extra body frame arrives where a method belongs.
    ASSERT_FALSE(assembler.add(frames[2]));
    ASSERT_TRUE(assembler.complete());
    assembler.take();
    auto error = assembler.add(frames[3]);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, reply_code::unexpected_frame);

    // One body frame bigger than the rest of the announced size.
    byte_buffer overrun;
    encode_frame(overrun, 1, basic_publish{});
    encode_frame_with(overrun, frame_type::header, 1, [](byte_buffer& p) {
        writer w(p);
        encode_content_header(w, content_header{60, 0, 2, {}});
    });
    encode_frame_with(overrun, frame_type::body, 1, [](byte_buffer& p) { p.append("abc"); });
    const auto overrun_frames = frames_of(overrun);
    command_assembler second;
    ASSERT_FALSE(second.add(overrun_frames[0]));
    ASSERT_FALSE(second.add(overrun_frames[1]));
    auto overrun_error = second.add(overrun_frames[2]);
    ASSERT_TRUE(overrun_error);
    EXPECT_EQ(overrun_error->code, reply_code::unexpected_frame);
}

TEST(command_assembler, a_body_over_the_maximum_is_a_precondition_failure)
{
    byte_buffer out;
    encode_message(out, 1, basic_publish{}, {}, as_bytes(std::string(100, 'x')), 4096);
    const auto frames = frames_of(out);
    command_assembler assembler(50);
    ASSERT_FALSE(assembler.add(frames[0]));
    auto error = assembler.add(frames[1]);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, reply_code::precondition_failed);
    EXPECT_EQ(error->detail, "message size 100 is larger than configured max size 50");
}

TEST(command_assembler, a_malformed_method_reports_the_decoder_error)
{
    const std::string payload("\x00\x3c\x00\x28\x00", 5);  // basic.publish, truncated
    frame_view f{frame_type::method, 1, as_bytes(payload)};
    command_assembler assembler;
    auto error = assembler.add(f);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, reply_code::syntax_error);
}

}  // namespace
}  // namespace amqp::protocol
