#include "tcp_transport.hpp"

#include <asio/write.hpp>

namespace amqp::client::detail {

tcp_transport::tcp_transport(asio::ip::tcp::socket socket) : socket_(std::move(socket))
{
    std::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    const auto remote = socket_.remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
}

void tcp_transport::async_read_some(asio::mutable_buffer buffer, io_handler handler)
{
    socket_.async_read_some(buffer, std::move(handler));
}

void tcp_transport::async_write(asio::const_buffer buffer, io_handler handler)
{
    asio::async_write(socket_, buffer, std::move(handler));
}

void tcp_transport::close()
{
    std::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

std::string tcp_transport::peer() const { return peer_; }

}  // namespace amqp::client::detail
