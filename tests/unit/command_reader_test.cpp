#include "frames_of.hpp"

#include <amqp/protocol/command_reader.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amqp::protocol {
namespace {

using test::frames_of;

byte_buffer published(std::uint16_t channel, std::string_view routing_key, std::string_view body)
{
    byte_buffer out;
    encode_message(out, channel, basic_publish{0, "", std::string(routing_key), false, false}, {}, as_bytes(body),
                   frame_min_size);
    return out;
}

TEST(command_reader, a_method_without_content_is_a_command_at_once)
{
    byte_buffer out;
    encode_frame(out, 3, basic_qos{0, 10, false});
    command_reader reader;
    const command_read read = reader.add(frames_of(out)[0]);
    ASSERT_TRUE(read.command);
    EXPECT_FALSE(read.error);
    EXPECT_EQ(std::get<basic_qos>(read.command->method).prefetch_count, 10);
    EXPECT_TRUE(reader.idle());
}

TEST(command_reader, interleaved_channels_are_reassembled_apart)
{
    const std::string body_a(9000, 'a');
    const std::string body_b(5000, 'b');
    const auto bytes_a = published(1, "ra", body_a);
    const auto bytes_b = published(2, "rb", body_b);
    const auto a = frames_of(bytes_a);
    const auto b = frames_of(bytes_b);
    ASSERT_EQ(a.size(), 5u);  // method, header, three body frames of at most 4088 bytes
    ASSERT_EQ(b.size(), 4u);

    command_reader reader;
    std::vector<command> done;
    // a0 b0 a1 b1 ...: every frame of one channel between two of the other.
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (const auto* frames : {&a, &b}) {
            if (i >= frames->size()) continue;
            command_read read = reader.add((*frames)[i]);
            ASSERT_FALSE(read.error) << *read.error;
            if (read.command) done.push_back(std::move(*read.command));
            else EXPECT_FALSE(reader.idle());
        }
    }
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(std::get<basic_publish>(done[0].method).routing_key, "rb");
    EXPECT_EQ(done[0].body, body_b);
    EXPECT_EQ(std::get<basic_publish>(done[1].method).routing_key, "ra");
    EXPECT_EQ(done[1].body, body_a);
    EXPECT_TRUE(reader.idle());
}

TEST(command_reader, an_error_names_the_frame_and_the_channel_starts_over)
{
    const auto bytes = published(1, "r", "body");
    const auto frames = frames_of(bytes);
    command_reader reader;
    EXPECT_TRUE(reader.add(frames[0]).need_more());
    // A second method where the header is due.
    const command_read wrong = reader.add(frames[0]);
    ASSERT_TRUE(wrong.error);
    EXPECT_FALSE(wrong.command);
    EXPECT_EQ(wrong.error->code, reply_code::unexpected_frame);
    EXPECT_EQ(wrong.error->class_id, basic_publish::key.class_id);
    EXPECT_TRUE(reader.idle()) << "the half-received publish is dropped";
    // The channel takes a whole message again.
    EXPECT_TRUE(reader.add(frames[0]).need_more());
    EXPECT_TRUE(reader.add(frames[1]).need_more());
    EXPECT_TRUE(reader.add(frames[2]).command);
}

TEST(command_reader, a_body_over_the_maximum_is_refused_with_406)
{
    const auto bytes = published(1, "r", std::string(100, 'x'));
    const auto frames = frames_of(bytes);
    command_reader reader(99);
    EXPECT_EQ(reader.max_body_size(), 99u);
    EXPECT_TRUE(reader.add(frames[0]).need_more());
    const command_read read = reader.add(frames[1]);
    ASSERT_TRUE(read.error);
    EXPECT_EQ(read.error->code, reply_code::precondition_failed);
}

TEST(command_reader, a_heartbeat_is_not_part_of_a_command)
{
    byte_buffer out;
    encode_heartbeat(out);
    command_reader reader;
    const command_read read = reader.add(frames_of(out)[0]);
    ASSERT_TRUE(read.error);
    EXPECT_EQ(read.error->code, reply_code::unexpected_frame);
}

TEST(command_reader, reset_drops_one_channels_half_command_and_clear_all)
{
    const auto one = published(1, "r1", "x");
    const auto two = published(2, "r2", "y");
    const auto f1 = frames_of(one);
    const auto f2 = frames_of(two);
    command_reader reader;
    reader.add(f1[0]);
    reader.add(f2[0]);
    reader.reset(1);
    EXPECT_FALSE(reader.idle()) << "channel 2 is still half way";
    // Channel 1 wants a method again; channel 2 still its header.
    EXPECT_TRUE(reader.add(f1[1]).error);
    EXPECT_TRUE(reader.add(f2[1]).need_more());
    EXPECT_TRUE(reader.add(f2[2]).command);

    reader.add(f1[0]);
    reader.add(f2[0]);
    reader.clear();
    EXPECT_TRUE(reader.idle());
    EXPECT_TRUE(reader.add(f1[1]).error);
    EXPECT_TRUE(reader.add(f2[1]).error);
}

}  // namespace
}  // namespace amqp::protocol
