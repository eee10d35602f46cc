#pragma once

#include "fault_stream.hpp"
#include "model/connection_actions.hpp"
#include "model/server_connection.hpp"
#include "session_stream.hpp"

#include <amqp/runtime/clock.hpp>

#include <functional>
#include <memory>
#include <system_error>
#include <vector>

namespace amqp::fakebroker {

// What a session tells the broker that hosts it.
struct session_events {
    // After each batch of work (state may have changed): serve the ready connections.
    std::function<void()> after_work;
    // A fault asked for a broker restart.
    std::function<void()> restart;
    // Once the stream is closed.
    std::function<void(class session*)> closed;
};

// Puts one server_connection on a byte stream (TCP, TLS or an in-memory pipe): reads
// into it, writes its output in batches (everything produced while a write was in
// flight goes in the next one), ticks it on the broker's clock, carries out the
// actions it returns, and closes the stream when the connection is finished. The
// stream is wrapped in a fault_stream, which performs stalls and split writes.
class session : public std::enable_shared_from_this<session> {
public:
    // The session shares the broker's state: handlers still queued in an io_context
    // after the broker is gone may hold the last reference to a session.
    session(std::shared_ptr<session_stream> stream, std::shared_ptr<broker_state> broker, runtime::clock& clock,
            session_events events);

    // Runs the connection_accepted hook (which may refuse the connection) and starts
    // reading and ticking.
    void start();
    // Carries out what the connection has pending: it is on the broker's ready list.
    void serve();
    // Sends connection.close with the reason, writes what it can without blocking,
    // and closes the stream.
    void shutdown(protocol::reply_code code, const std::string& text);
    // Sends connection.close and closes the stream when the client answers close-ok,
    // or after a grace period, as RabbitMQ does.
    void close_gracefully(protocol::reply_code code, const std::string& text);
    server_connection& connection() noexcept { return connection_; }

private:
    void read();
    void handle_read(std::error_code ec, std::size_t n);
    void read_if_wanted();
    void perform(const connection_actions& actions);
    void write();
    void arm_tick(clock::time_point at);
    void on_tick();
    void close_if_done();
    void close_stream();

    std::shared_ptr<fault_stream> stream_;
    std::shared_ptr<broker_state> broker_;
    runtime::clock& clock_;
    server_connection connection_;
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(64 * 1024);
    protocol::byte_buffer writing_;
    bool write_in_flight_ = false;
    bool reading_ = false;
    bool closed_ = false;
    connection_actions::drop_kind dropping_ = connection_actions::drop_kind::none;
    std::unique_ptr<runtime::timer> tick_timer_;
    clock::time_point tick_at_ = clock::time_point::max();  // when tick_timer_ fires
    std::unique_ptr<runtime::timer> close_deadline_;
    session_events events_;
};

}  // namespace amqp::fakebroker
