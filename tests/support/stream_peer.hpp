#pragma once

// The test peer over a byte stream: a memory pipe end on a virtual clock, or TCP
// behind the same pipe_end interface. Reads run on the stream's executor and stamp
// what arrives with the clock's time.

#include "peer.hpp"

#include <amqp/runtime/clock.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace amqp::test {

// guest on "/", announcing every capability a client library announces.
handshake_options stream_options();

class stream_peer final : private peer_transport, public peer {
public:
    stream_peer(std::shared_ptr<runtime::pipe_end> end, runtime::clock& clock,
                handshake_options options = stream_options());
    ~stream_peer();

    // The three replies after connection.start, sent without waiting, under this
    // connection_name and asking for this heartbeat.
    void send_handshake(std::string_view connection_name, std::uint16_t heartbeat);

private:
    void write(std::span<const std::byte> bytes) override;
    void close_stream() override { end_->close(); }
    void reset_stream() override { end_->reset(); }
    void read();

    std::shared_ptr<runtime::pipe_end> end_;
    runtime::clock& clock_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::vector<std::byte> buffer_ = std::vector<std::byte>(64 * 1024);
};

}  // namespace amqp::test
