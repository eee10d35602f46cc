#pragma once

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/frame.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace amqp::test {

// Splits an encoded stream into its frames (views into `bytes`).
inline std::vector<protocol::frame_view> frames_of(const protocol::byte_buffer& bytes)
{
    std::vector<protocol::frame_view> frames;
    std::size_t at = 0;
    while (at < bytes.size()) {
        protocol::decoded_frame f = protocol::decode_frame(bytes.data().subspan(at), 0);
        EXPECT_TRUE(f.frame);
        if (!f.frame) break;
        frames.push_back(*f.frame);
        at += f.consumed;
    }
    return frames;
}

}  // namespace amqp::test
