#pragma once

// A hand-driven AMQP client over a byte stream (a pipe end, or TCP through
// tcp_pipe_end): it writes raw frames and records every frame the broker sends, with
// the time it arrived. No client library: the tests see exactly what is on the wire.

#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/runtime/clock.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace amqp::fakebroker::test {

class raw_peer {
public:
    // One frame as it arrived; for method frames the decoded method.
    struct frame {
        runtime::time_point at;
        protocol::frame_type type;
        std::uint16_t channel;
        std::optional<protocol::method> method;
    };
    // One whole command (method with its content).
    struct command {
        runtime::time_point at;
        std::uint16_t channel;
        protocol::command value;
    };

    raw_peer(std::shared_ptr<runtime::pipe_end> end, runtime::clock& clock);
    ~raw_peer();
    raw_peer(const raw_peer&) = delete;
    raw_peer& operator=(const raw_peer&) = delete;

    void send_protocol_header();
    void send_bytes(std::span<const std::byte> bytes);
    template <class M>
    void send(std::uint16_t channel, const M& m)
    {
        protocol::byte_buffer out;
        protocol::encode_frame(out, channel, m);
        send_bytes(out.data());
    }
    void publish(std::uint16_t channel, std::string exchange, std::string routing_key, std::string_view body,
                 const protocol::basic_properties& properties = {});
    void send_heartbeat();
    // The three handshake replies after connection.start (start-ok with this
    // connection_name, tune-ok with this heartbeat, open "/"), sent without waiting.
    void send_handshake(std::string_view connection_name, std::uint16_t heartbeat);

    // Closes our end cleanly (FIN) or abortively.
    void close() { end_->close(); }
    void reset() { end_->reset(); }

    const std::vector<frame>& frames() const noexcept { return frames_; }
    const std::vector<command>& commands() const noexcept { return commands_; }
    // How many commands holding an M arrived; the last one.
    template <class M>
    std::size_t count() const
    {
        std::size_t n = 0;
        for (const auto& c : commands_) n += std::holds_alternative<M>(c.value.method) ? 1 : 0;
        return n;
    }
    template <class M>
    const M* last() const
    {
        for (auto it = commands_.rbegin(); it != commands_.rend(); ++it) {
            if (const M* m = std::get_if<M>(&it->value.method)) return m;
        }
        return nullptr;
    }
    std::size_t heartbeats() const;
    std::size_t bytes_received() const noexcept { return bytes_received_; }
    std::size_t reads() const noexcept { return reads_; }
    // The index in commands() of the first M on `channel` after index `from`; npos when none.
    template <class M>
    std::size_t find(std::size_t from = 0) const
    {
        for (std::size_t i = from; i < commands_.size(); ++i) {
            if (std::holds_alternative<M>(commands_[i].value.method)) return i;
        }
        return npos;
    }
    static constexpr std::size_t npos = std::size_t(-1);
    // The broker's side ended: eof, connection_reset, or a bad frame.
    bool ended() const noexcept { return ended_.has_value(); }
    std::error_code end_reason() const { return ended_.value_or(std::error_code{}); }
    std::optional<runtime::time_point> ended_at() const noexcept { return ended_at_; }
    // A readable list of the commands received ("ch1 basic.deliver", ...), for failures.
    std::string transcript() const;

private:
    void read();
    void on_bytes(std::size_t n);

    std::shared_ptr<runtime::pipe_end> end_;
    runtime::clock& clock_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::vector<std::byte> buffer_ = std::vector<std::byte>(64 * 1024);
    protocol::frame_reader reader_{0};
    protocol::command_reader command_reader_;
    std::vector<frame> frames_;
    std::vector<command> commands_;
    std::size_t bytes_received_ = 0;
    std::size_t reads_ = 0;
    std::optional<std::error_code> ended_;
    std::optional<runtime::time_point> ended_at_;
};

}  // namespace amqp::fakebroker::test
