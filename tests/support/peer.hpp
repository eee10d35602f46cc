#pragma once

// A frame-level AMQP client for tests: it encodes what a test tells it to send and
// nothing more (no heartbeats, no close-ok of its own), and records every frame and
// command that comes back with the time it arrived. The transport below it is
// pluggable (peer_transport); without one, what it sends collects in output().

#include "describe.hpp"
#include "handshake.hpp"
#include "peer_transport.hpp"

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace amqp::test {

class peer {
public:
    using time_point = std::chrono::steady_clock::time_point;

    // One frame as it arrived; for method frames the decoded method.
    struct frame {
        time_point at;
        protocol::frame_type type;
        std::uint16_t channel;
        std::optional<protocol::method> method;
    };
    // One whole command (a method with its content).
    struct command {
        time_point at;
        std::uint16_t channel;
        protocol::command value;
    };
    static constexpr std::size_t npos = std::size_t(-1);

    explicit peer(handshake_options options = {}, peer_transport* transport = nullptr);
    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

    const handshake_options& options() const noexcept { return options_; }
    void set_options(handshake_options options) { options_ = std::move(options); }

    // Sending: straight to the transport, or into output().
    void send_bytes(std::span<const std::byte> bytes);
    void send_bytes(std::string_view bytes) { send_bytes(protocol::as_bytes(bytes)); }
    template <class M>
    void send(std::uint16_t channel, const M& m)
    {
        protocol::byte_buffer out;
        protocol::encode_frame(out, channel, m);
        send_bytes(out.data());
    }
    // Content split at the frame_max agreed in tune-ok (the broker's default until then).
    void send_message(std::uint16_t channel, const protocol::basic_publish& publish,
                      const protocol::basic_properties& properties, std::string_view body);
    void publish(std::uint16_t channel, std::string exchange, std::string routing_key, std::string_view body,
                 const protocol::basic_properties& properties = {}, bool mandatory = false);
    void send_protocol_header();
    void send_heartbeat();
    // start-ok, tune-ok and open from options(), one at a time as the server asks or
    // all three without waiting (tune-ok then answers default_server_tune).
    void send_start_ok() { send(0, make_start_ok(options_)); }
    void send_tune_ok(const protocol::connection_tune& server);
    void send_open() { send(0, make_open(options_)); }
    void send_handshake();
    protocol::byte_buffer& output() noexcept { return output_; }

    void close();
    void reset();

    // What the transport calls: bytes from the server; the server's side ended
    // (eof, connection_reset).
    void receive(std::span<const std::byte> bytes, time_point at);
    void end(std::error_code why, time_point at);

    // Everything received, in order.
    const std::vector<frame>& frames() const noexcept { return frames_; }
    const std::vector<command>& commands() const noexcept { return commands_; }
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
    // The index in commands() of the first M at or after `from`; npos when none.
    template <class M>
    std::size_t find(std::size_t from = 0) const
    {
        for (std::size_t i = from; i < commands_.size(); ++i) {
            if (std::holds_alternative<M>(commands_[i].value.method)) return i;
        }
        return npos;
    }
    std::size_t heartbeats() const noexcept { return heartbeats_; }
    std::size_t bytes_received() const noexcept { return bytes_received_; }
    std::size_t reads() const noexcept { return reads_; }
    // The server's side ended: eof, connection_reset, or a frame we could not read
    // (protocol_error; failure() says what was wrong with it).
    bool ended() const noexcept { return ended_.has_value(); }
    std::error_code end_reason() const { return ended_.value_or(std::error_code{}); }
    std::optional<time_point> ended_at() const noexcept { return ended_at_; }
    const std::string& failure() const noexcept { return failure_; }
    // One line per command received ("ch1 basic.deliver"), for failure messages.
    std::string transcript() const;

    // Forgets a channel that closed: its unread commands and its half-received one.
    void discard(std::uint16_t channel);
    // Splits content to fit frames of this size and refuses larger ones from now on;
    // tune-ok sets it to what was agreed.
    void set_frame_max(std::uint32_t frame_max)
    {
        frame_max_ = frame_max;
        reader_.set_frame_max(frame_max);
    }

    // The commands not taken yet, oldest first, after polling the transport.
    std::deque<command>& unread();
    bool nothing_received() { return unread().empty(); }
    // Takes the oldest unread command (of one channel); nullopt when there is none.
    std::optional<command> take();
    std::optional<command> take(std::uint16_t channel);
    // take(channel), waiting on the transport up to `timeout` while nothing has come for
    // the channel; nullopt on timeout, or as soon as a connection.close arrives (nothing
    // more comes on any channel then).
    std::optional<command> next(std::uint16_t channel, std::chrono::milliseconds timeout);
    // Takes the oldest unread command; fails the test when it is not an M and then
    // returns M{}. last() is the command it took, with its content.
    template <class M>
    M expect()
    {
        std::optional<command> c = take();
        if (!c) {
            ADD_FAILURE() << "expected " << M::name << ", nothing arrived";
            return M{};
        }
        last_ = std::move(c->value);
        if (const M* m = std::get_if<M>(&last_.method)) return *m;
        ADD_FAILURE() << "expected " << M::name << ", got " << describe(last_);
        return M{};
    }
    const protocol::command& last() const noexcept { return last_; }

    // The handshake as a client does it on a transport that answers at once (the
    // model): the header, start-ok after start, tune-ok after tune, open, open-ok.
    void handshake();
    void open_channel(std::uint16_t channel);

private:
    void fail(std::string what, time_point at);

    handshake_options options_;
    peer_transport* transport_;
    protocol::byte_buffer output_;
    std::uint32_t frame_max_ = default_server_tune.frame_max;
    protocol::frame_reader reader_{0};
    protocol::command_reader command_reader_;
    std::vector<frame> frames_;
    std::vector<command> commands_;
    std::deque<command> unread_;
    protocol::command last_;
    std::size_t heartbeats_ = 0;
    std::size_t bytes_received_ = 0;
    std::size_t reads_ = 0;
    std::optional<std::error_code> ended_;
    std::optional<time_point> ended_at_;
    std::string failure_;
};

}  // namespace amqp::test
