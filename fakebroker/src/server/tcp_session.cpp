#include "tcp_session.hpp"

#include "model/broker_state.hpp"

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

}  // namespace

tcp_session::tcp_session(std::shared_ptr<session_stream> stream, broker_state& broker,
                         std::function<void()> on_input, std::function<void(tcp_session*)> on_closed)
    : stream_(std::move(stream)),
      connection_(broker, peer_name(stream_->socket())),
      heartbeat_(stream_->socket().get_executor()),
      close_deadline_(stream_->socket().get_executor()),
      on_input_(std::move(on_input)),
      on_closed_(std::move(on_closed))
{
    std::error_code ignored;
    stream_->socket().set_option(asio::ip::tcp::no_delay(true), ignored);
}

void tcp_session::start()
{
    connection_.set_output_listener([this] {
        // Called while handling input (ours or another connection's): write after the
        // current work, so many frames go out in one write.
        if (!write_in_flight_ && !closed_) {
            write_in_flight_ = true;
            asio::post(stream_->socket().get_executor(), [self = shared_from_this()] {
                self->write_in_flight_ = false;
                self->write();
            });
        }
    });
    read();
    arm_heartbeat();
}

void tcp_session::read()
{
    stream_->async_read_some(asio::buffer(read_buffer_), [this, self = shared_from_this()](std::error_code ec,
                                                                                      std::size_t n) {
        if (closed_) return;
        if (ec) {
            connection_.transport_closed();
            close_socket();
            return;
        }
        connection_.receive(std::span<const std::byte>(read_buffer_.data(), n));
        if (on_input_) on_input_();
        if (connection_.finished() && connection_.output().empty()) {
            close_socket();
            return;
        }
        if (!connection_.finished()) read();
    });
}

void tcp_session::write()
{
    if (closed_ || write_in_flight_) return;
    if (connection_.output().empty()) {
        if (connection_.finished()) close_socket();
        return;
    }
    std::swap(writing_, connection_.output());
    connection_.output().clear();
    write_in_flight_ = true;
    auto self = shared_from_this();
    stream_->async_write(asio::buffer(writing_.data().data(), writing_.size()),
                      [this, self](std::error_code ec, std::size_t) {
                          write_in_flight_ = false;
                          writing_.clear();
                          if (closed_) return;
                          if (ec) {
                              connection_.transport_closed();
                              close_socket();
                              return;
                          }
                          connection_.note_written(connection_.broker().now());
                          write();
                      });
}

void tcp_session::arm_heartbeat()
{
    const auto next = connection_.tick(connection_.broker().now());
    // Before tuning there is no heartbeat yet: look again in a second.
    heartbeat_.expires_after(next ? *next - connection_.broker().now() : std::chrono::seconds(1));
    heartbeat_.async_wait([this, self = shared_from_this()](std::error_code ec) {
        if (ec || closed_) return;
        if (connection_.finished()) {
            if (connection_.output().empty() && !write_in_flight_) close_socket();
            return;
        }
        arm_heartbeat();
    });
}

void tcp_session::shutdown(protocol::reply_code code, const std::string& text)
{
    if (closed_) return;
    connection_.close(code, text);
    // Best effort, without blocking: the peer learns why before the socket goes.
    // writing_ holds bytes only while an async_write is under way; skip then.
    if (writing_.empty()) {
        const auto pending = connection_.output().data();
        stream_->write_now(asio::buffer(pending.data(), pending.size()));
    }
    connection_.transport_closed();
    close_socket();
}

void tcp_session::close_gracefully(protocol::reply_code code, const std::string& text)
{
    if (closed_) return;
    connection_.close(code, text);
    close_deadline_.expires_after(std::chrono::seconds(3));
    close_deadline_.async_wait([this, self = shared_from_this()](std::error_code ec) {
        if (!ec) close_socket();
    });
}

void tcp_session::close_socket()
{
    if (closed_) return;
    closed_ = true;
    heartbeat_.cancel();
    close_deadline_.cancel();
    stream_->close();
    connection_.transport_closed();
    if (on_closed_) on_closed_(this);
}

}  // namespace amqp::fakebroker
