#pragma once

#include <amqp/client/transport.hpp>

#include <asio/ip/tcp.hpp>

namespace amqp::client::detail {

// A connected TCP socket as a transport (Nagle off: AMQP frames are small and the
// connection batches its own writes).
class tcp_transport final : public transport {
public:
    explicit tcp_transport(asio::ip::tcp::socket socket);

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    void async_write(asio::const_buffer buffer, io_handler handler) override;
    void close() override;
    std::string peer() const override;

private:
    asio::ip::tcp::socket socket_;
    std::string peer_;
};

}  // namespace amqp::client::detail
