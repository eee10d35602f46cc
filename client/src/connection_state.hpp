#pragma once

#include "handshake.hpp"

#include <amqp/client/connection_options.hpp>
#include <amqp/client/detail/completion.hpp>
#include <amqp/client/environment.hpp>
#include <amqp/client/transport.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/heartbeat_schedule.hpp>

#include <amqp/runtime/clock.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::client::detail {

class channel_state;

// One AMQP connection: the handshake, the read loop that splits frames and hands
// them to channels, write batching (everything appended during one turn of the
// executor goes out in one write), heartbeats and the close handshake. Touched only
// from its executor. Its time comes from the environment's clock, which its channels,
// rpc_clients and queue_iterators use as well.
class connection_state : public std::enable_shared_from_this<connection_state> {
public:
    connection_state(asio::any_io_executor executor, connection_options options, client::environment env);
    ~connection_state();
    connection_state(const connection_state&) = delete;
    connection_state& operator=(const connection_state&) = delete;

    // Sends the protocol header and runs the handshake over `t`; completes when
    // connection.open-ok arrived or the handshake failed.
    void start(std::unique_ptr<transport> t, completion<> done);

    const asio::any_io_executor& executor() const noexcept { return executor_; }
    const connection_options& options() const noexcept { return options_; }
    const client::environment& env() const noexcept { return env_; }
    runtime::clock& clock() const noexcept { return *env_.clock; }
    const tuning& negotiated() const noexcept { return tuning_; }
    const protocol::field_table& server_properties() const noexcept { return server_properties_; }
    bool is_open() const noexcept { return state_ == state::open; }
    const close_info& close_reason() const noexcept { return close_reason_; }
    // Why operations fail now that the connection is closed.
    failure closed_failure() const;

    // number 0: the next free one.
    void open_channel(bool publisher_confirms, std::uint16_t number, completion<std::shared_ptr<channel_state>> done);
    void release_channel(std::uint16_t id);

    // The output buffer: append frames, then flush().
    protocol::byte_buffer& output() noexcept { return output_; }
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        protocol::encode_frame(output_, channel, m);
        flush();
    }
    void flush();
    // Completes at once while the unsent output is below the high watermark, else
    // once it drained: publishers wait here instead of growing memory without bound.
    void when_writable(completion<> done);

    void close(std::uint16_t reply_code, std::string reply_text, completion<> done);
    // Drops the connection without the close handshake.
    void abort(const failure& why);

    void add_close_handler(std::function<void(const close_info&)> handler);
    void add_blocked_handler(std::function<void(bool blocked, const std::string& reason)> handler);

private:
    enum class state { handshake, open, closing, closed };

    void read_some();
    void on_read(std::error_code ec, std::size_t n);
    bool handle_frame(const protocol::frame_view& frame);
    bool handle_handshake_frame(const protocol::frame_view& frame);
    void handle_connection_method(const protocol::method& m);
    void protocol_violation(const protocol::protocol_error& error);
    void write_some();
    void on_written(std::error_code ec);
    void start_heartbeats();
    void on_heartbeat_tick();
    void finish(const failure& why, const close_info& reason);
    void release_writers();

    asio::any_io_executor executor_;
    connection_options options_;
    client::environment env_;
    std::unique_ptr<transport> transport_;
    state state_ = state::handshake;
    std::optional<handshake> handshake_;
    completion<> handshake_done_;
    tuning tuning_;
    protocol::field_table server_properties_;

    protocol::frame_reader reader_;
    protocol::byte_buffer output_;
    protocol::byte_buffer writing_;
    bool write_in_progress_ = false;
    bool handling_input_ = false;  // in on_read's frame loop: flush() waits for its end
    bool close_after_write_ = false;
    std::deque<completion<>> waiting_writers_;

    // Indexed by channel number; empty slots are free numbers.
    std::vector<std::shared_ptr<channel_state>> channels_;
    std::uint16_t next_channel_ = 1;

    completion<> close_done_;
    close_info close_reason_;
    failure closed_failure_;
    std::vector<std::function<void(const close_info&)>> close_handlers_;
    std::vector<std::function<void(bool, const std::string&)>> blocked_handlers_;

    std::unique_ptr<runtime::timer> heartbeat_timer_;
    protocol::heartbeat_schedule heartbeat_;
    runtime::time_point last_read_;
    runtime::time_point last_write_;
};

}  // namespace amqp::client::detail
