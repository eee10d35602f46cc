#include <amqp/runtime/memory_pipe.hpp>

#include <asio/error.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace amqp::runtime {
namespace {

struct read_result {
    std::error_code ec;
    std::string bytes;
    bool done = false;
};

// Starts one read on `end` into a buffer that lives in the result.
void read_into(pipe_end& end, std::array<char, 64>& buffer, read_result& result)
{
    end.async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t n) {
        result = {ec, std::string(buffer.data(), n), true};
    });
}

void write(pipe_end& end, std::string_view text)
{
    end.async_write(asio::buffer(text.data(), text.size()), [](std::error_code, std::size_t) {});
}

TEST(memory_pipe, bytes_written_on_one_end_are_read_on_the_other_in_order)
{
    asio::io_context io;
    auto [a, b] = make_memory_pipe(io.get_executor());
    std::array<char, 64> buffer{};
    read_result got;
    read_into(*b, buffer, got);
    io.poll();
    EXPECT_FALSE(got.done) << "a read waits for bytes";
    write(*a, "hello ");
    write(*a, "world");
    io.restart();
    io.run();
    EXPECT_EQ(got.bytes, "hello ");
    read_into(*b, buffer, got);
    io.restart();
    io.run();
    EXPECT_EQ(got.bytes, "world");
}

TEST(memory_pipe, a_read_limit_splits_the_stream)
{
    asio::io_context io;
    auto [a, b] = make_memory_pipe(io.get_executor(), [](std::size_t) { return 3; });
    write(*a, "abcdefgh");
    std::array<char, 64> buffer{};
    std::string all;
    for (int i = 0; i < 3; ++i) {
        read_result got;
        read_into(*b, buffer, got);
        io.run();
        io.restart();
        EXPECT_LE(got.bytes.size(), 3u);
        all += got.bytes;
    }
    EXPECT_EQ(all, "abcdefgh");
}

TEST(memory_pipe, a_clean_close_lets_the_peer_read_what_was_written_then_eof)
{
    asio::io_context io;
    auto [a, b] = make_memory_pipe(io.get_executor());
    write(*a, "last words");
    a->close();
    std::array<char, 64> buffer{};
    read_result got;
    read_into(*b, buffer, got);
    io.run();
    io.restart();
    EXPECT_EQ(got.bytes, "last words");
    read_into(*b, buffer, got);
    io.run();
    EXPECT_EQ(got.ec, asio::error::eof);
}

TEST(memory_pipe, a_reset_discards_unread_bytes_and_fails_the_peer)
{
    asio::io_context io;
    auto [a, b] = make_memory_pipe(io.get_executor());
    write(*a, "never read");
    a->reset();
    std::array<char, 64> buffer{};
    read_result got;
    read_into(*b, buffer, got);
    std::error_code write_error;
    b->async_write(asio::buffer("x", 1), [&](std::error_code ec, std::size_t) { write_error = ec; });
    io.run();
    EXPECT_EQ(got.ec, asio::error::connection_reset);
    EXPECT_EQ(write_error, asio::error::broken_pipe);
    EXPECT_FALSE(a->is_open());
    EXPECT_TRUE(b->is_open());
}

TEST(memory_pipe, closing_an_end_aborts_its_own_pending_read)
{
    asio::io_context io;
    auto [a, b] = make_memory_pipe(io.get_executor());
    std::array<char, 64> buffer{};
    read_result got;
    read_into(*a, buffer, got);
    a->close();
    io.run();
    EXPECT_EQ(got.ec, asio::error::operation_aborted);
}

}  // namespace
}  // namespace amqp::runtime
