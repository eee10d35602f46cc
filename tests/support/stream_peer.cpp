#include "stream_peer.hpp"

#include <amqp/protocol/capabilities.hpp>

#include <asio/buffer.hpp>

namespace amqp::test {

handshake_options stream_options()
{
    handshake_options options;
    options.client_properties = {{"capabilities", protocol::client_capabilities()}};
    return options;
}

stream_peer::stream_peer(std::shared_ptr<runtime::pipe_end> end, runtime::clock& clock, handshake_options options)
    : peer(std::move(options), this), end_(std::move(end)), clock_(clock)
{
    read();
}

stream_peer::~stream_peer()
{
    *alive_ = false;
    end_->close();
}

void stream_peer::send_handshake(std::string_view connection_name, std::uint16_t heartbeat)
{
    handshake_options options = this->options();
    options.connection_name = std::string(connection_name);
    options.heartbeat = heartbeat;
    set_options(std::move(options));
    peer::send_handshake();
}

void stream_peer::read()
{
    end_->async_read_some(asio::buffer(buffer_), [this, alive = alive_](std::error_code ec, std::size_t n) {
        if (!*alive || ended()) return;
        if (ec) return end(ec, clock_.now());
        receive(std::span<const std::byte>(buffer_.data(), n), clock_.now());
        if (!ended()) read();
    });
}

void stream_peer::write(std::span<const std::byte> bytes)
{
    // The pipe copies the bytes before the call returns; the buffer is kept alive
    // anyway for a TCP stream, whose write completes later.
    auto copy = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
    end_->async_write(asio::buffer(*copy), [copy](std::error_code, std::size_t) {});
}

}  // namespace amqp::test
