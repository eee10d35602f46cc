#pragma once

#include "model/fault_transport.hpp"
#include "model/server_connection.hpp"
#include "session_stream.hpp"

#include <amqp/runtime/clock.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

namespace amqp::fakebroker {

// Puts one server_connection on a byte stream (TCP, TLS or an in-memory pipe): reads
// into it, writes its output in batches (everything produced while a write was in
// flight goes in the next one), ticks its heartbeats on the broker's clock, and
// closes the stream when the connection is finished. It also performs the faults that
// touch the stream: drops, stalls, split writes, and the timers of delays.
class session : public std::enable_shared_from_this<session>, private fault_transport {
public:
    // on_input runs after each batch of input is handled (state may have changed);
    // on_closed once the stream is closed. The session shares the broker's state:
    // handlers still queued in an io_context after the broker is gone may hold the
    // last reference to a session.
    session(std::shared_ptr<session_stream> stream, std::shared_ptr<broker_state> broker, runtime::clock& clock,
            std::function<void()> on_input, std::function<void(session*)> on_closed);

    // Runs the connection_accepted hook (which may refuse the connection) and starts
    // reading and ticking.
    void start();
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
    void after_input();
    void write();
    void arm_heartbeat();
    void close_stream();

    // fault_transport
    void drop(bool abortive) override;
    void stall(bool on) override;
    void split_writes(std::size_t chunk) override;
    void after(std::chrono::steady_clock::duration d, std::function<void()> f) override;
    void resume_reading() override;

    std::shared_ptr<session_stream> stream_;
    std::shared_ptr<broker_state> broker_;
    runtime::clock& clock_;
    server_connection connection_;
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(64 * 1024);
    protocol::byte_buffer writing_;
    bool write_in_flight_ = false;
    bool closed_ = false;
    std::unique_ptr<runtime::timer> heartbeat_;
    std::unique_ptr<runtime::timer> close_deadline_;
    std::function<void()> on_input_;
    std::function<void(session*)> on_closed_;

    // Fault state: all idle unless a fault struck.
    bool stalled_ = false;
    bool reading_ = false;          // a read is under way
    bool heartbeat_waiting_ = false;  // the heartbeat timer is armed
    std::optional<std::pair<std::error_code, std::size_t>> stashed_read_;  // completed while stalled
    std::optional<bool> dropping_;  // a drop fault: abortive or not
    std::size_t write_chunk_ = 0;   // 0: whole batches
    std::vector<std::unique_ptr<runtime::timer>> fault_timers_;
};

}  // namespace amqp::fakebroker
