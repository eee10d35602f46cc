#include <amqp/protocol/byte_buffer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace amqp::protocol {
namespace {

TEST(byte_buffer, appends_consumes_and_keeps_order_across_growth)
{
    byte_buffer b;
    std::string expected;
    for (int i = 0; i < 1000; ++i) {
        const std::string piece(std::size_t(i % 17 + 1), char('a' + i % 26));
        b.append(piece);
        expected += piece;
        if (i % 3 == 0) {
            const std::size_t n = std::min<std::size_t>(5, expected.size());
            b.consume(n);
            expected.erase(0, n);
        }
        ASSERT_EQ(b.view(), expected);
    }
}

TEST(byte_buffer, reuses_its_storage_once_warm)
{
    byte_buffer b;
    b.append(std::string(1000, 'x'));
    const std::size_t capacity = b.capacity();
    for (int i = 0; i < 100; ++i) {
        b.clear();
        b.append(std::string(1000, 'y'));
    }
    EXPECT_EQ(b.capacity(), capacity);
}

TEST(byte_buffer, prepare_commit_truncate)
{
    byte_buffer b;
    std::byte* p = b.prepare(3);
    p[0] = std::byte{'a'};
    p[1] = std::byte{'b'};
    p[2] = std::byte{'c'};
    b.commit(3);
    EXPECT_EQ(b.view(), "abc");
    b.truncate(1);
    EXPECT_EQ(b.view(), "a");
    byte_buffer copy = b;
    b.append("z");
    EXPECT_EQ(copy.view(), "a");
    EXPECT_EQ(b.view(), "az");
}

}  // namespace
}  // namespace amqp::protocol
