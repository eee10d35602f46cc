#pragma once

#include <amqp/client/connection_options.hpp>
#include <amqp/client/transport.hpp>

#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <memory>
#include <string>
#include <system_error>

namespace amqp::client::detail {

// The TLS context for amqps: the CA file or directory (or the system's defaults),
// the client certificate and key, and peer verification unless switched off.
// Errors name the file that could not be used.
std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& options, std::string& error);

// TLS over a connected TCP socket; async_handshake() before the first read or write.
class tls_transport final : public transport {
public:
    tls_transport(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> context);

    // Verifies the broker's certificate against `host` (when verification is on) and
    // sends it as SNI.
    void async_handshake(const std::string& host, bool verify, io_handler handler);

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    void async_write(asio::const_buffer buffer, io_handler handler) override;
    void close() override;
    std::string peer() const override;

private:
    std::shared_ptr<asio::ssl::context> context_;
    asio::ssl::stream<asio::ip::tcp::socket> stream_;
    std::string peer_;
};

}  // namespace amqp::client::detail
