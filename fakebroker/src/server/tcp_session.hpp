#pragma once

#include "model/server_connection.hpp"
#include "session_stream.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace amqp::fakebroker {

// Puts one server_connection on a byte stream (TCP, or TLS): reads into it, writes its output in
// batches (everything produced while a write was in flight goes in the next one),
// ticks its heartbeats, and closes the socket when it is finished.
class tcp_session : public std::enable_shared_from_this<tcp_session> {
public:
    // on_input runs after each batch of input is handled (state may have changed);
    // on_closed once the socket is closed.
    tcp_session(std::shared_ptr<session_stream> stream, broker_state& broker, std::function<void()> on_input,
                std::function<void(tcp_session*)> on_closed);

    void start();
    // Sends connection.close with the reason, writes what it can without blocking,
    // and closes the socket.
    void shutdown(protocol::reply_code code, const std::string& text);
    // Sends connection.close and closes the socket when the client answers close-ok,
    // or after a grace period, as RabbitMQ does.
    void close_gracefully(protocol::reply_code code, const std::string& text);
    server_connection& connection() noexcept { return connection_; }

private:
    void read();
    void write();
    void arm_heartbeat();
    void close_socket();

    std::shared_ptr<session_stream> stream_;
    server_connection connection_;
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(64 * 1024);
    protocol::byte_buffer writing_;
    bool write_in_flight_ = false;
    bool closed_ = false;
    asio::steady_timer heartbeat_;
    asio::steady_timer close_deadline_;
    std::function<void()> on_input_;
    std::function<void(tcp_session*)> on_closed_;
};

}  // namespace amqp::fakebroker
