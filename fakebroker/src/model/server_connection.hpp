#pragma once

#include "message.hpp"
#include "server_channel.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_assembler.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace amqp::fakebroker {

class broker_state;
class vhost;

// The server side of one AMQP connection, without sockets: bytes in, bytes out.
// The transport feeds received bytes to receive(), writes whatever output() holds
// (it is told when output appears), and closes the socket once finished() and the
// output is flushed.
class server_connection {
public:
    server_connection(broker_state& broker, std::string peer);
    ~server_connection();
    server_connection(const server_connection&) = delete;
    server_connection& operator=(const server_connection&) = delete;

    void receive(std::span<const std::byte> bytes);
    protocol::byte_buffer& output() noexcept { return output_; }
    void set_output_listener(std::function<void()> listener) { output_listener_ = std::move(listener); }
    // No more input will be read; close the socket once the output is written.
    bool finished() const noexcept { return state_ == state::finished; }

    // Heartbeats: sends one when the connection has been quiet, finishes it when the
    // peer has been silent for two intervals. Returns when to tick next.
    std::optional<clock::time_point> tick(clock::time_point now);
    void note_written(clock::time_point now) noexcept { last_sent_ = now; }

    // Closes from the broker side with the given code (320 from management).
    void close(protocol::reply_code code, std::string text);
    // connection.blocked / unblocked, sent to clients that announced the capability.
    void set_blocked(bool blocked, const std::string& reason);
    // The socket went away: release everything the connection held.
    void transport_closed();

    std::uint64_t id() const noexcept { return id_; }
    const std::string& name() const noexcept { return name_; }
    connection_info info() const;
    std::vector<channel_info> channel_infos() const;
    broker_state& broker() noexcept { return broker_; }
    fakebroker::vhost& vhost() noexcept { return *vhost_; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }

    // Used by channels. Tracing is checked first so that, when it is off (always, on
    // the hot path), no method value is built for it.
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        const bool was_empty = output_.empty();
        protocol::encode_frame(output_, channel, m);
        if (tracing_) trace_sent(channel, protocol::method{m});
        if (was_empty) notify_output();
    }
    // A content-carrying method with the message's header and body frames.
    template <class Method>
    void send_message(std::uint16_t channel, const Method& m, const message_content& content)
    {
        const bool was_empty = output_.empty();
        protocol::encode_frame(output_, channel, m);
        append_content(channel, content);
        if (tracing_) trace_sent(channel, protocol::method{m});
        if (was_empty) notify_output();
    }
    // basic.deliver for a message, encoded straight from the stored message: the
    // per-delivery path, which copies no strings.
    void send_delivery(std::uint16_t channel, std::string_view consumer_tag, std::uint64_t delivery_tag,
                       bool redelivered, const message_content& content);
    void channel_error(std::uint16_t channel, const error& e);
    void connection_error(const error& e);

private:
    enum class state { header, start_ok, tune_ok, open, running, closing, finished };

    void handle_frame(const protocol::frame_view& frame);
    void handle_connection_method(protocol::method& m);
    void handle_channel_command(std::uint16_t channel, protocol::command& c);
    void start_ok(const protocol::connection_start_ok& m);
    void tune_ok(const protocol::connection_tune_ok& m);
    void open(const protocol::connection_open& m);
    void release();
    void finish();
    void notify_output();
    void append_content(std::uint16_t channel, const message_content& content);
    void trace_sent(std::uint16_t channel, const protocol::method& m);
    void trace_received(std::uint16_t channel, const protocol::method& m);

    broker_state& broker_;
    std::uint64_t id_;
    std::string peer_;
    std::string name_;
    state state_ = state::header;
    protocol::byte_buffer header_bytes_;
    protocol::frame_reader reader_;
    protocol::byte_buffer output_;
    std::function<void()> output_listener_;
    bool tracing_;

    std::string user_;
    fakebroker::vhost* vhost_ = nullptr;
    protocol::field_table client_properties_;
    std::uint16_t channel_max_;
    std::uint32_t frame_max_;
    std::uint16_t heartbeat_ = 0;
    clock::time_point last_received_;
    clock::time_point last_sent_;

    std::map<std::uint16_t, protocol::command_assembler> assemblers_;
    std::map<std::uint16_t, std::unique_ptr<server_channel>> channels_;
    // Channels we sent channel.close on, waiting for close-ok.
    std::map<std::uint16_t, bool> closing_channels_;
};

}  // namespace amqp::fakebroker
