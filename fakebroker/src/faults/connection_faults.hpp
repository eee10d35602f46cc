#pragma once

#include "fault_engine.hpp"
#include "fault_kinds.hpp"
#include "model/connection_actions.hpp"

#include <amqp/fakebroker/faults.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_assembler.hpp>
#include <amqp/protocol/frame.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace amqp::fakebroker {

class server_connection;

// The fault layer around one connection. The connection calls it at each hook point
// (only while the engine is active: without rules every hook is one untaken branch);
// it evaluates the rules and performs what they ask on the connection's protocol
// (closes, swallowing, holding input or output back, blocks, cancelled consumers),
// and asks the host for what touches the stream (drops, stalls, split writes) through
// connection_actions. Its timers are deadlines that the connection's tick() ends.
// What a fault kind does is written in its entry in fault_kinds.cpp, in terms of the
// mechanisms of fault_target this layer provides.
class connection_faults final : private fault_target {
public:
    // What the code around a hook does with the frame or method at hand.
    using verdict = fault_verdict;

    connection_faults(server_connection& connection, fault_engine& engine, std::uint64_t connection_id);
    ~connection_faults();
    connection_faults(const connection_faults&) = delete;
    connection_faults& operator=(const connection_faults&) = delete;

    // Input side. A held frame or command is kept here until its delay or stall ends.
    void accepted();
    bool input_paused() const noexcept { return input_paused_; }
    void keep_input(std::span<const std::byte> bytes) { paused_input_.append(bytes); }
    verdict on_frame(const protocol::frame_view& frame);
    verdict on_command(std::uint16_t channel, protocol::command& c);
    void handled(std::uint16_t channel, protocol::method_key key);

    // Output side. `delivery` is the consumer tag of a delivered message (empty for
    // basic.get-ok); nullopt for every other method.
    verdict before_send(std::uint16_t channel, protocol::method_key key);
    void after_send(std::uint16_t channel, protocol::method_key key, std::optional<std::string_view> delivery);
    void enqueued(std::uint16_t channel);
    void heartbeat_tick();

    // What of `size` bytes of output may be written now, and whether nothing ever will.
    std::size_t writable(std::size_t size) const noexcept;
    bool nothing_to_write(std::size_t size) const noexcept;
    // The first n bytes of the output were taken for writing.
    void consumed(std::size_t n) noexcept;

    // Ends the delays, stalls and blocks due by `now`; the next deadline.
    std::optional<clock::time_point> tick(clock::time_point now);
    // Whether a stall holds the connection: it does nothing else until it ends.
    bool stalled() const noexcept { return stalled_; }
    // Runs the closes and cancels that struck inside a channel's code; returns what
    // the host should do.
    connection_actions take_actions();

private:
    struct held_frame {
        protocol::frame_type type;
        std::uint16_t channel;
        std::vector<std::byte> payload;
    };
    struct held_command {
        std::uint16_t channel;
        protocol::command command;
    };
    // A close or cancel that struck where the model could not change at once.
    struct deferred {
        enum class kind : std::uint8_t { close_channel, close_connection, cancel_consumer } action;
        std::uint16_t channel;
        std::uint16_t reply_code;
        std::string text;  // the reply text, or the consumer tag to cancel
    };

    verdict run_hook(hook point, std::uint16_t channel, protocol::method_key key);
    bool refuse_in_handshake(const protocol::method& m);

    // fault_target
    void end_connection(bool abortive) override;
    void stall(std::chrono::milliseconds d) override;
    void delay_input(std::chrono::milliseconds d) override;
    void delay_output(std::chrono::milliseconds d) override;
    void close_channel(const fault_site& site, std::uint16_t code, const std::string& text) override;
    void close_connection(const fault_site& site, std::uint16_t code, const std::string& text) override;
    void split_writes(std::size_t bytes) override;
    void block(const std::string& reason, std::chrono::milliseconds d) override;
    void unblock() override;
    void cancel_consumer(const fault_site& site, const std::string& tag) override;
    void restart_broker() override;

    void pause_input(clock::time_point until);
    void resume_input();
    void hold_output(clock::time_point until);
    void wake_at(clock::time_point t);
    bool silenced(std::uint16_t channel) const;
    void take_hold();
    void give_hold();

    server_connection& connection_;
    fault_engine& engine_;
    std::uint64_t id_;
    connection_actions actions_;
    std::vector<deferred> deferred_;

    std::optional<std::size_t> output_hold_;  // delay: bytes past it wait
    clock::time_point output_hold_until_;
    std::optional<std::size_t> output_end_;  // drop: bytes past it never go
    bool input_paused_ = false;
    clock::time_point input_paused_until_;
    bool stalled_ = false;
    clock::time_point stalled_until_;
    std::optional<clock::time_point> unblock_at_;
    std::variant<std::monostate, held_frame, held_command> held_;
    protocol::byte_buffer paused_input_;  // received while paused
    std::set<std::uint16_t> silenced_channels_;  // a close is pending: nothing more goes out
    bool silenced_ = false;  // the same for the whole connection
    bool applying_ = false;  // a fault's own frames pass no hooks
    std::optional<refusal> refusing_;  // refuse in the handshake
    std::string_view consumer_tag_;  // message_delivered: whose delivery
    std::uint32_t holds_ = 0;  // taken on the engine, given back at the end
};

}  // namespace amqp::fakebroker
