#include "tls_transport.hpp"

#include <asio/ssl/host_name_verification.hpp>
#include <asio/write.hpp>

#include <openssl/ssl.h>

namespace amqp::client::detail {

std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& options, std::string& error)
{
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    std::error_code ec;
    auto failed = [&](const std::string& what) {
        error = what + ": " + ec.message();
        return nullptr;
    };
    if (!options.cafile.empty()) {
        context->load_verify_file(options.cafile, ec);
        if (ec) return failed("cannot load the CA file '" + options.cafile + "'");
    }
    if (!options.capath.empty()) {
        context->add_verify_path(options.capath, ec);
        if (ec) return failed("cannot use the CA directory '" + options.capath + "'");
    }
    if (options.cafile.empty() && options.capath.empty()) {
        context->set_default_verify_paths(ec);
        if (ec) return failed("cannot load the system's CA certificates");
    }
    if (!options.certfile.empty()) {
        context->use_certificate_chain_file(options.certfile, ec);
        if (ec) return failed("cannot load the client certificate '" + options.certfile + "'");
    }
    if (!options.keyfile.empty()) {
        context->use_private_key_file(options.keyfile, asio::ssl::context::pem, ec);
        if (ec) return failed("cannot load the client key '" + options.keyfile + "'");
    }
    context->set_verify_mode(options.verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
    return context;
}

tls_transport::tls_transport(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> context)
    : context_(std::move(context)), stream_(std::move(socket), *context_)
{
    std::error_code ec;
    stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ec);
    const auto remote = stream_.next_layer().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string() + ":" + std::to_string(remote.port());
}

void tls_transport::async_handshake(const std::string& host, bool verify, io_handler handler)
{
    // SNI, so that a broker behind a TLS proxy with several names finds the right certificate.
    SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
    if (verify) stream_.set_verify_callback(asio::ssl::host_name_verification(host));
    stream_.async_handshake(asio::ssl::stream_base::client,
                            [handler = std::move(handler)](std::error_code ec) mutable { handler(ec, 0); });
}

void tls_transport::async_read_some(asio::mutable_buffer buffer, io_handler handler)
{
    stream_.async_read_some(buffer, std::move(handler));
}

void tls_transport::async_write(asio::const_buffer buffer, io_handler handler)
{
    asio::async_write(stream_, buffer, std::move(handler));
}

void tls_transport::close()
{
    // No close_notify round trip: the AMQP close handshake already ended the session.
    std::error_code ignored;
    stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
}

std::string tls_transport::peer() const { return peer_; }

}  // namespace amqp::client::detail
