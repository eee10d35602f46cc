#pragma once

#include "fault_transport.hpp"
#include "message.hpp"
#include "permissions.hpp"
#include "server_channel.hpp"

#include <amqp/fakebroker/faults.hpp>
#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_assembler.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
    // False while the connection is blocked and has published: RabbitMQ stops reading a
    // publisher's socket under a resource alarm. The transport stops reading until
    // fault_transport::resume_reading().
    bool wants_input() const noexcept { return !publisher_held_; }
    // Handles the input left unread while wants_input() was false.
    void continue_input();

    // How much of output() may be written now: a delay fault holds the rest back for
    // a while, a drop fault for good. Without faults, all of it.
    std::size_t writable() const noexcept
    {
        std::size_t n = output_.size();
        if (faults_.output_hold && *faults_.output_hold < n) n = *faults_.output_hold;
        if (faults_.output_end && *faults_.output_end < n) n = *faults_.output_end;
        return n;
    }
    // Nothing will ever be written any more: a finished connection may close its socket.
    // After a drop, what a delay still holds back is lost with the connection.
    bool nothing_to_write() const noexcept
    {
        return writable() == 0 && (!faults_.output_hold || faults_.output_end);
    }
    // Moves the first n (<= writable()) bytes of the output into `into`, replacing its content.
    void take_output(protocol::byte_buffer& into, std::size_t n);

    // Faults: the transport that performs what the model cannot, and the
    // connection_accepted hook (which may refuse the connection at once).
    void set_fault_transport(fault_transport* transport) noexcept { transport_ = transport; }
    void accepted();

    // Heartbeats: sends one when the connection has been quiet, finishes it when the
    // peer has been silent for two intervals. Also closes channels that held a
    // delivery unacknowledged past consumer_timeout. Returns when to tick next.
    std::optional<clock::time_point> tick(clock::time_point now);
    void note_written(clock::time_point now) noexcept { last_sent_ = now; }

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
    std::vector<channel_info> channel_infos() const;
    broker_state& broker() noexcept { return broker_; }
    fakebroker::vhost& vhost() noexcept { return *vhost_; }
    // The authenticated user's name, and what it may do in the open vhost.
    const std::string& user_name() const noexcept { return user_; }
    const vhost_access& access() const noexcept { return *access_; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }
    // Whether the client's capabilities table has this one set to true: RabbitMQ tells
    // only such clients of blocks, refused logins and cancelled consumers.
    bool client_announces(std::string_view capability) const;

    // Used by channels. Tracing is checked first so that, when it is off (always, on
    // the hot path), no method value is built for it.
    // With faults on, one branch leads to the hooks (server_connection_faults.cpp).
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        if (faults_active_) [[unlikely]] {
            if (before_send(channel, Method::key) == verdict::skip) return;
            protocol::encode_frame(output_, channel, m);
            if (tracing_) trace_sent(channel, protocol::method{m});
            after_send(channel, Method::key);
            return;
        }
        const bool was_empty = output_.empty();
        protocol::encode_frame(output_, channel, m);
        if (tracing_) trace_sent(channel, protocol::method{m});
        if (was_empty) notify_output();
    }
    // A content-carrying method with the message's header and body frames.
    template <class Method>
    void send_message(std::uint16_t channel, const Method& m, const message_content& content)
    {
        if (faults_active_) [[unlikely]] {
            if (before_send(channel, Method::key) == verdict::skip) return;
            protocol::encode_frame(output_, channel, m);
            append_content(channel, content);
            if (tracing_) trace_sent(channel, protocol::method{m});
            after_send(channel, Method::key);
            if constexpr (std::is_same_v<Method, protocol::basic_deliver>) {
                delivered(channel, Method::key, m.consumer_tag);
            } else if constexpr (std::is_same_v<Method, protocol::basic_get_ok>) {
                delivered(channel, Method::key, {});
            }
            return;
        }
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

    // The message_enqueued hook, called by channels once per queue a publish entered.
    void enqueued(std::uint16_t channel)
    {
        if (faults_active_) [[unlikely]] enqueued_slow(channel);
    }

private:
    enum class state { header, start_ok, tune_ok, open, running, closing, finished };
    // What a hook tells the code around it to do with the frame or method at hand.
    enum class verdict { proceed, skip, hold };

    // A frame or method a delay or stall fault holds back, and the input after it.
    struct held_frame {
        protocol::frame_type type;
        std::uint16_t channel;
        std::vector<std::byte> payload;
    };
    struct held_command {
        std::uint16_t channel;
        protocol::command command;
    };
    // A connection's fault state; all of it empty unless a fault struck.
    struct fault_state {
        std::optional<std::size_t> output_hold;  // delay: bytes past it wait
        clock::time_point output_hold_until;
        std::optional<std::size_t> output_end;   // drop: bytes past it never go
        bool input_paused = false;
        clock::time_point input_paused_until;
        clock::time_point stalled_until;
        bool stalled = false;
        std::variant<std::monostate, held_frame, held_command> held;
        protocol::byte_buffer paused_input;       // received while paused
        std::set<std::uint16_t> silenced_channels;  // a close is pending: nothing more goes out
        bool silenced = false;                    // the same for the whole connection
        bool applying = false;                    // a fault's own frames pass no hooks
        std::optional<refusal> refusing;          // refuse in the handshake
        std::string_view consumer_tag;            // message_delivered: whose delivery
        std::uint32_t holds = 0;                  // taken on the engine, given back at the end
    };

    void process_frames();
    void handle_frame(const protocol::frame_view& frame);
    void dispatch(std::uint16_t channel, protocol::command& c);
    void handle_connection_method(protocol::method& m);
    void handle_channel_command(std::uint16_t channel, protocol::command& c);
    void ignore_on_closing_channel(const protocol::frame_view& frame);
    void close_channel_with(std::uint16_t channel, std::uint16_t code, const std::string& text,
                            protocol::method_key key);
    void close_connection_with(std::uint16_t code, const std::string& text, protocol::method_key key);

    // Fault hooks and actions (server_connection_faults.cpp).
    verdict run_hook(hook point, std::uint16_t channel, protocol::method_key key);
    verdict apply(const fault& f, hook point, std::uint16_t channel, protocol::method_key key);
    verdict frame_hook(const protocol::frame_view& frame);
    verdict method_hook(std::uint16_t channel, protocol::command& c);
    void handled_hook(std::uint16_t channel, protocol::method_key key);
    verdict before_send(std::uint16_t channel, protocol::method_key key);
    void after_send(std::uint16_t channel, protocol::method_key key);
    void delivered(std::uint16_t channel, protocol::method_key key, std::string_view consumer_tag);
    void enqueued_slow(std::uint16_t channel);
    std::optional<clock::time_point> heartbeat_tick(clock::time_point now);
    // Closes the channels whose oldest delivery waited longer than consumer_timeout
    // for its ack; when the next one is due.
    std::optional<clock::time_point> enforce_consumer_timeout(clock::time_point now);
    void tick_hook();
    bool refuse_in_handshake(const protocol::method& m);
    void pause_input(clock::time_point until);
    void resume_input();
    void hold_output(clock::time_point until);
    void release_output();
    void stall(hook point, std::chrono::milliseconds d);
    void cancel_consumer(std::uint16_t channel, const std::string& tag);
    void take_hold();
    void give_hold();
    void start_ok(const protocol::connection_start_ok& m);
    void tune_ok(const protocol::connection_tune_ok& m);
    void open(const protocol::connection_open& m);
    void release();
    void enter_closing();
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
    bool blocked_ = false;          // under connection.blocked
    bool publisher_held_ = false;   // blocked, and published since: input waits
    const bool& faults_active_;  // the fault engine's flag: one load and a branch per hook
    fault_transport* transport_ = nullptr;
    fault_state faults_;

    std::string user_;
    fakebroker::vhost* vhost_ = nullptr;
    const vhost_access* access_ = nullptr;
    protocol::field_table client_properties_;
    std::uint16_t channel_max_;
    std::uint32_t frame_max_;
    std::uint16_t heartbeat_ = 0;
    clock::time_point last_received_;
    clock::time_point last_sent_;
    // RabbitMQ's ?CLOSING_TIMEOUT: how long a closed connection waits for the client.
    static constexpr std::chrono::seconds closing_timeout{30};
    clock::time_point closing_deadline_;

    std::map<std::uint16_t, protocol::command_assembler> assemblers_;
    std::map<std::uint16_t, std::unique_ptr<server_channel>> channels_;
    // Channels we sent channel.close on, waiting for close-ok.
    std::set<std::uint16_t> closing_channels_;
};

}  // namespace amqp::fakebroker
