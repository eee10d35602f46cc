#pragma once

// The broker on 127.0.0.1 (an ephemeral port) and raw clients over real TCP, all on one
// io_context in the test's thread. Waits are bounded in real time.

#include "stream_peer.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/clock.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <functional>
#include <memory>

namespace amqp::fakebroker::test {

using amqp::test::stream_peer;

// A TCP socket behind the pipe_end interface, so stream_peer drives either.
class tcp_pipe_end final : public runtime::pipe_end {
public:
    explicit tcp_pipe_end(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

    void async_read_some(asio::mutable_buffer buffer, io_handler done) override
    {
        socket_.async_read_some(buffer, std::move(done));
    }
    void async_write(asio::const_buffer buffer, io_handler done) override
    {
        asio::async_write(socket_, buffer, std::move(done));
    }
    void close() override
    {
        std::error_code ignored;
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    void reset() override
    {
        std::error_code ignored;
        socket_.set_option(asio::socket_base::linger(true, 0), ignored);
        socket_.close(ignored);
    }
    bool is_open() const override { return socket_.is_open(); }

private:
    asio::ip::tcp::socket socket_;
};

class tcp_broker {
public:
    explicit tcp_broker(broker_options options = {}) : broker_(io, std::move(options)) { broker_.start(); }

    fakebroker::broker& broker() noexcept { return broker_; }

    std::unique_ptr<stream_peer> connect()
    {
        asio::ip::tcp::socket socket(io);
        // Completes in the kernel's backlog; the broker accepts once the io_context runs.
        socket.connect({asio::ip::make_address("127.0.0.1"), broker_.port()});
        auto end = std::make_shared<tcp_pipe_end>(std::move(socket));
        return std::make_unique<stream_peer>(std::move(end), runtime::system_clock());
    }

    bool run_until(const std::function<bool()>& until, runtime::duration limit)
    {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!until()) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) return false;
            io.restart();
            io.run_one_for(deadline - now);
        }
        return true;
    }

    asio::io_context io;

private:
    fakebroker::broker broker_;
};

}  // namespace amqp::fakebroker::test
