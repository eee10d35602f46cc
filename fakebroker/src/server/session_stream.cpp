#include "session_stream.hpp"

#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>

namespace amqp::fakebroker {
namespace {

std::string peer_name(const asio::ip::tcp::socket& socket)
{
    std::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "unknown";
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void close_socket(asio::ip::tcp::socket& socket, bool abortive)
{
    std::error_code ignored;
    if (abortive) {
        // SO_LINGER with a zero timeout: close() sends RST and drops unsent data.
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
        socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    }
    socket.close(ignored);
}

class tcp_stream final : public session_stream {
public:
    explicit tcp_stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)), peer_(peer_name(socket_))
    {
        std::error_code ignored;
        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }

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
    void close() override { close_socket(socket_, false); }
    void reset() override { close_socket(socket_, true); }
    void end() override { reset(); }
    const std::string& peer() const override { return peer_; }
    asio::any_io_executor get_executor() override { return socket_.get_executor(); }

private:
    asio::ip::tcp::socket socket_;
    std::string peer_;
};

class tls_stream final : public session_stream {
public:
    tls_stream(asio::ip::tcp::socket socket, asio::ssl::context& context)
        : stream_(std::move(socket), context), peer_(peer_name(stream_.next_layer()))
    {
        std::error_code ignored;
        stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
    }

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
    void close() override { close_socket(stream_.next_layer(), false); }
    void reset() override { close_socket(stream_.next_layer(), true); }
    void end() override { reset(); }
    const std::string& peer() const override { return peer_; }
    asio::any_io_executor get_executor() override { return stream_.get_executor(); }

private:
    asio::ssl::stream<asio::ip::tcp::socket> stream_;
    std::string peer_;
};

}  // namespace

std::shared_ptr<session_stream> make_tcp_stream(asio::ip::tcp::socket socket)
{
    return std::make_shared<tcp_stream>(std::move(socket));
}

void accept_tls(asio::ip::tcp::socket socket, asio::ssl::context& context,
                std::function<void(std::error_code, std::shared_ptr<session_stream>)> done)
{
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
