// The client against a broker that completes the handshake and then falls silent:
// missed heartbeats must close the connection with a clear error (not hang).
#include "client_fixture.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

using asio::ip::tcp;

// Reads frames until a method of type M arrived (or the stream ends).
template <class M>
asio::awaitable<bool> read_until(tcp::socket& socket, protocol::frame_reader& reader)
{
    for (;;) {
        while (true) {
            auto decoded = reader.next();
            if (decoded.error)
                co_return false;
            if (!decoded.frame)
                break;
            if (decoded.frame->type != protocol::frame_type::method)
                continue;
            auto m = protocol::decode_method(decoded.frame->payload);
            if (m && std::holds_alternative<M>(*m))
                co_return true;
        }
        auto buffer = reader.prepare(4096);
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer.data(), buffer.size()), as_tuple);
        if (ec)
            co_return false;
        reader.commit(n);
    }
}

template <class M>
asio::awaitable<void> send(tcp::socket& socket, const M& m)
{
    protocol::byte_buffer out;
    protocol::encode_frame(out, 0, m);
    co_await asio::async_write(socket, asio::buffer(out.data().data(), out.size()), as_tuple);
}

// Handshakes with a heartbeat of one second, then reads nothing and sends nothing.
asio::awaitable<void> silent_broker(tcp::acceptor& acceptor, tcp::socket& socket)
{
    auto [ec, accepted] = co_await acceptor.async_accept(as_tuple);
    if (ec)
        co_return;
    socket = std::move(accepted);
    std::array<std::byte, 8> header{};
    co_await asio::async_read(socket, asio::buffer(header), as_tuple);
    protocol::frame_reader reader(protocol::frame_min_size);
    protocol::connection_start start;
    start.mechanisms = "PLAIN";
    start.locales = "en_US";
    co_await send(socket, start);
    if (!co_await read_until<protocol::connection_start_ok>(socket, reader))
        co_return;
    // Named, not temporaries: GCC 12 mishandles aggregate temporaries with strings in
    // a co_await expression.
    const protocol::connection_tune tune{2047, 131072, 1};
    co_await send(socket, tune);
    if (!co_await read_until<protocol::connection_open>(socket, reader))
        co_return;
    const protocol::connection_open_ok open_ok{};
    co_await send(socket, open_ok);
}

TEST(client_heartbeat, a_silent_broker_is_detected_after_two_intervals)
{
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    tcp::socket broker_side(io);
    asio::co_spawn(io, silent_broker(acceptor, broker_side), asio::detached);

    std::optional<client::close_info> closed;
    std::error_code pending_failure;
    bool done = false;
    const auto url = "amqp://guest:guest@127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/";
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto conn = co_await client::connect(io.get_executor(), url);
            EXPECT_EQ(conn.tuning().heartbeat, 1);
            conn.on_close([&](const client::close_info& info) { closed = info; });
            // channel.open gets no answer: the heartbeat timeout must fail it.
            auto [ec, ch] = co_await conn.channel({}, as_tuple);
            pending_failure = ec;
        },
        [&](std::exception_ptr e) {
            done = true;
            if (e)
                std::rethrow_exception(e);
        });
    io.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(done) << "the client did not notice the silent broker";
    EXPECT_EQ(pending_failure, client::errc::heartbeat_timeout);
    ASSERT_TRUE(closed.has_value());
    EXPECT_THAT(closed->reply_text, ::testing::HasSubstr("no heartbeat"));
}

}  // namespace
}  // namespace amqp::test
