#include "session_stream.hpp"

#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>

namespace amqp::fakebroker {
namespace {

class tcp_stream final : public session_stream {
public:
    explicit tcp_stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

    void async_read_some(asio::mutable_buffer buffer, handler done) override
    {
        socket_.async_read_some(buffer, std::move(done));
    }
    void async_write(asio::const_buffer buffer, handler done) override
    {
        asio::async_write(socket_, buffer, std::move(done));
    }
    void write_now(asio::const_buffer buffer) override
    {
        std::error_code ignored;
        socket_.non_blocking(true, ignored);
        socket_.write_some(buffer, ignored);
    }
    void close() override
    {
        std::error_code ignored;
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
    asio::ip::tcp::socket& socket() override { return socket_; }

private:
    asio::ip::tcp::socket socket_;
};

class tls_stream final : public session_stream {
public:
    tls_stream(asio::ip::tcp::socket socket, asio::ssl::context& context) : stream_(std::move(socket), context) {}

    asio::ssl::stream<asio::ip::tcp::socket>& stream() { return stream_; }

    void async_read_some(asio::mutable_buffer buffer, handler done) override
    {
        stream_.async_read_some(buffer, std::move(done));
    }
    void async_write(asio::const_buffer buffer, handler done) override
    {
        asio::async_write(stream_, buffer, std::move(done));
    }
    void write_now(asio::const_buffer buffer) override
    {
        // Best effort: with the socket non-blocking a TLS record may go out whole or not at all.
        std::error_code ignored;
        stream_.next_layer().non_blocking(true, ignored);
        stream_.write_some(buffer, ignored);
    }
    void close() override
    {
        std::error_code ignored;
        stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream_.next_layer().close(ignored);
    }
    asio::ip::tcp::socket& socket() override { return stream_.next_layer(); }

private:
    asio::ssl::stream<asio::ip::tcp::socket> stream_;
};

}  // namespace

std::shared_ptr<session_stream> make_tcp_stream(asio::ip::tcp::socket socket)
{
    return std::make_shared<tcp_stream>(std::move(socket));
}

void accept_tls(asio::ip::tcp::socket socket, asio::ssl::context& context,
                std::function<void(std::error_code, std::shared_ptr<session_stream>)> done)
{
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    auto stream = std::make_shared<tls_stream>(std::move(socket), context);
    stream->stream().async_handshake(asio::ssl::stream_base::server,
                                     [stream, done = std::move(done)](std::error_code ec) {
                                         if (ec) {
                                             stream->close();
                                             done(ec, nullptr);
                                             return;
                                         }
                                         done({}, stream);
                                     });
}

}  // namespace amqp::fakebroker
