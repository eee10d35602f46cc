#pragma once

#include "channel_table.hpp"
#include "connection_actions.hpp"
#include "connection_liveness.hpp"
#include "faults/connection_faults.hpp"
#include "message.hpp"
#include "permissions.hpp"
#include "server_handshake.hpp"

#include <amqp/fakebroker/faults.hpp>
#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace amqp::fakebroker {

class broker_state;
class vhost;

// The server side of one AMQP connection, without sockets: a machine that takes bytes
// and the time and returns what its host should do. Every entry (accepted, receive,
// tick, take_actions) returns connection_actions; output() holds the bytes to write
// (up to writable()). Another connection's work can give this one output or actions
// (a delivery, a fault): it then puts itself on broker_state's ready list, and the host
// calls take_actions() for it. The host closes the stream once finished() and
// nothing_to_write().
class server_connection {
public:
    server_connection(broker_state& broker, std::string peer);
    ~server_connection();
    server_connection(const server_connection&) = delete;
    server_connection& operator=(const server_connection&) = delete;

    // The connection_accepted hook, which may refuse the connection at once.
    connection_actions accepted(clock::time_point now);
    connection_actions receive(std::span<const std::byte> bytes, clock::time_point now);
    // Heartbeats: sends one when the connection has been quiet, finishes it when the
    // peer has been silent for two intervals. Also closes channels that held a
    // delivery unacknowledged past consumer_timeout, and ends the delays, stalls and
    // blocks of faults that are due. wake_at says when to tick next.
    connection_actions tick(clock::time_point now);
    // Runs what waited for a point with nothing of the model on the stack (closes that
    // faults asked for inside a delivery) and returns what is pending.
    connection_actions take_actions(clock::time_point now);

    protocol::byte_buffer& output() noexcept { return output_; }
    // No more input will be read; close the socket once the output is written.
    bool finished() const noexcept { return state_ == state::finished; }
    // False while the connection is blocked and has published: RabbitMQ stops reading a
    // publisher's socket under a resource alarm. The host stops reading until an
    // action says resume_reading.
    bool wants_input() const noexcept { return !publisher_held_; }

    // How much of output() may be written now: a delay fault holds the rest back for
    // a while, a drop fault for good. Without faults, all of it.
    // (Asked once per write, so the layer is asked even after its rules are gone.)
    std::size_t writable() const noexcept { return faults_->writable(output_.size()); }
    // Nothing will ever be written any more: a finished connection may close its socket.
    bool nothing_to_write() const noexcept { return faults_->nothing_to_write(output_.size()); }
    // Moves the first n (<= writable()) bytes of the output into `into`, replacing its content.
    void take_output(protocol::byte_buffer& into, std::size_t n);
    void note_written(clock::time_point now) noexcept { liveness_.wrote(now); }

    // Closes from the broker side with the given code (320 from management).
    void close(protocol::reply_code code, std::string text);
    // A resource alarm (or a block fault) set or cleared: connection.blocked / unblocked
    // to clients that announced the capability; while blocked, the first publish stops
    // the reading of further input until unblocked.
    void set_blocked(bool blocked, const std::string& reason);
    // The socket went away: release everything the connection held.
    void transport_closed();

    std::uint64_t id() const noexcept { return id_; }
    const std::string& name() const noexcept { return name_; }
    connection_info info() const;
    std::vector<channel_info> channel_infos() const { return channels_.infos(name_); }
    broker_state& broker() noexcept { return broker_; }
    fakebroker::vhost& vhost() noexcept { return *handshake_.vhost(); }
    // The authenticated user's name, and what it may do in the open vhost.
    const std::string& user_name() const noexcept { return handshake_.user(); }
    const vhost_access& access() const noexcept { return *handshake_.access(); }
    std::uint32_t frame_max() const noexcept { return handshake_.frame_max(); }
    // Whether the client's capabilities table has this one set to true: RabbitMQ tells
    // only such clients of blocks, refused logins and cancelled consumers.
    bool client_announces(std::string_view capability) const { return handshake_.client_announces(capability); }

    // Used by channels. Tracing is checked first so that, when it is off (always, on
    // the hot path), no method value is built for it. A method may be a generated
    // view (basic_deliver_view...), which borrows its strings.
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        emit(
            channel, Method::key, no_delivery, [&] { protocol::encode_frame(output_, channel, m); },
            [&] { return traced(m); });
    }
    // A content-carrying method with the message's header and body frames.
    template <class Method>
    void send_message(std::uint16_t channel, const Method& m, const message_content& content)
    {
        std::optional<std::string_view> delivery = no_delivery;
        if constexpr (Method::key == protocol::basic_get_ok::key) delivery = std::string_view{};
        if constexpr (Method::key == protocol::basic_deliver::key) delivery = std::string_view{m.consumer_tag};
        emit(
            channel, Method::key, delivery,
            [&] {
                protocol::encode_frame(output_, channel, m);
                append_content(channel, content);
            },
            [&] { return traced(m); });
    }
    // basic.deliver for a message, encoded straight from the stored message: the
    // per-delivery path, which copies no strings.
    void send_delivery(std::uint16_t channel, std::string_view consumer_tag, std::uint64_t delivery_tag,
                       bool redelivered, const message_content& content);
    void channel_error(std::uint16_t channel, const error& e);
    void connection_error(const error& e);

    // The message_enqueued hook, called by channels once per queue a publish entered.
    void enqueued(std::uint16_t channel)
    {
        if (faults_active_) [[unlikely]]
            faults_->enqueued(channel);
    }

    // What the fault layer does to the connection it wraps.
    void close_channel_with(std::uint16_t channel, std::uint16_t code, const std::string& text,
                            protocol::method_key key);
    void close_connection_with(std::uint16_t code, const std::string& text, protocol::method_key key);
    // basic.cancel from the broker for the consumer `tag` on `channel` (0: any channel).
    void cancel_consumer(std::uint16_t channel, const std::string& tag) { channels_.cancel_consumer(channel, tag); }
    // Handles a frame or command the layer held back, or input it kept while paused.
    void handle_frame(const protocol::frame_view& frame);
    void dispatch(std::uint16_t channel, protocol::command& c);
    void feed(std::span<const std::byte> bytes);
    // Goes on reading the frames left in the reader (a pause or a hold ended); stops at
    // once if the connection is still held or paused.
    void continue_input() { process_frames(); }
    // Reads no more input; the stream closes once the output is written.
    void finish() noexcept { state_ = state::finished; }
    // The output changed where the host must look again (a hold was lifted).
    void mark_ready();

private:
    enum class state { header, handshake, running, closing, finished };
    using verdict = connection_faults::verdict;
    static constexpr std::optional<std::string_view> no_delivery{};

    template <class Method>
    static protocol::method traced(const Method& m)
    {
        if constexpr (requires { m.owned(); }) return protocol::method{m.owned()};
        else return protocol::method{m};
    }

    // Every send path: the fault hooks around it when faults are on, the trace, and
    // the ready list when output appears. `delivery` names the consumer of a delivered
    // message (empty for basic.get-ok): the message_delivered hook.
    template <class Encode, class Describe>
    void emit(std::uint16_t channel, protocol::method_key key, std::optional<std::string_view> delivery,
              Encode&& encode, Describe&& describe)
    {
        const bool hooked = faults_active_;
        if (hooked) [[unlikely]] {
            if (faults_->before_send(channel, key) == verdict::skip) return;
        }
        const bool was_empty = output_.empty();
        encode();
        if (tracing_) trace(" <- ch", channel, describe());
        if (hooked) [[unlikely]] {
            faults_->after_send(channel, key, delivery);
            mark_ready();
            return;
        }
        if (was_empty) mark_ready();
    }

    void process_frames();
    void handle_connection_method(protocol::method& m);
    void handle_channel_command(std::uint16_t channel, protocol::command& c);
    // A channel error, or a connection error when e's code is a hard one.
    void fail(std::uint16_t channel, const error& e);
    void ignore_on_closing_channel(const protocol::frame_view& frame);

    std::optional<clock::time_point> heartbeat_tick(clock::time_point now);
    std::optional<clock::time_point> next_tick(clock::time_point now);
    // Heartbeats, the closing timeout and consumer timeouts: when they are due next.
    std::optional<clock::time_point> protocol_tick(clock::time_point now);
    void handshake_step(const protocol::method& m);
    void release();
    void enter_closing();
    void append_content(std::uint16_t channel, const message_content& content);
    // One line to the trace: the name, " -> ch" (received) or " <- ch" (sent), the
    // channel and the method.
    void trace(std::string_view direction, std::uint16_t channel, const protocol::method& m);

    broker_state& broker_;
    std::uint64_t id_;
    std::string peer_;
    std::string name_;
    state state_ = state::header;
    protocol::byte_buffer header_bytes_;
    protocol::frame_reader reader_;
    protocol::byte_buffer output_;
    bool tracing_;
    bool blocked_ = false;  // under connection.blocked
    bool publisher_held_ = false;  // blocked, and published since: input waits
    bool ready_marked_ = false;  // on the broker's ready list
    connection_actions actions_;  // pending for the host
    const bool& faults_active_;  // the fault engine's flag: one load and a branch per hook
    std::unique_ptr<connection_faults> faults_;

    server_handshake handshake_;
    connection_liveness liveness_;

    protocol::command_reader commands_;
    channel_table channels_;
};

}  // namespace amqp::fakebroker
