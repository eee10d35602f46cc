#pragma once

#include <amqp/protocol/command_assembler.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/protocol_error.hpp>

#include <cstdint>
#include <map>
#include <optional>

namespace amqp::protocol {

// What command_reader::add made of a frame: a whole command, an error, or neither
// when the command's remaining frames are still to come. The command stays in the
// reader, to read or move from, until the next add() of a frame of its channel.
struct command_read {
    protocol::command* command = nullptr;
    std::optional<protocol_error> error;

    bool need_more() const noexcept { return !command && !error; }
};

// Reassembles the frames of a whole connection into commands, one assembler per
// channel, so that content frames of different channels may interleave (the spec
// forbids interleaving within a channel only). Sans-I/O: frames in, commands out.
class command_reader {
public:
    explicit command_reader(std::uint64_t max_body_size = command_assembler::default_max_body_size)
        : max_body_size_(max_body_size)
    {}

    // Adds one method, header or body frame of any channel. Heartbeat frames are not
    // part of a command: the caller handles them (here they are 505 UNEXPECTED_FRAME,
    // as any non-method frame where a method is due). Errors are command_assembler's;
    // after one the channel starts over, its half-received command dropped.
    command_read add(const frame_view& frame);

    // Forgets the half-received command of one channel (the channel closed), or of all.
    // A command add() returned stays valid.
    void reset(std::uint16_t channel);
    void clear() noexcept;

    // True when no channel is in the middle of a command.
    bool idle() const noexcept;
    std::uint64_t max_body_size() const noexcept { return max_body_size_; }

private:
    // A connection has a handful of channels: a map lookup per frame is cheap. Entries
    // are never erased, so a command handed out outlives a reset.
    std::map<std::uint16_t, command_assembler> channels_;
    std::uint64_t max_body_size_;
};

}  // namespace amqp::protocol
