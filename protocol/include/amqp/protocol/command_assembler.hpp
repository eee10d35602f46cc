#pragma once

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace amqp::protocol {

// A method with its content when the method carries one.
struct command {
    protocol::method method;
    std::optional<content_header> header;
    std::string body;
};

// Puts the frames of one channel together into commands: a method frame, and for
// content-carrying methods a header frame and body frames up to the announced size.
// Sans-I/O: feed frames in, take commands out.
class command_assembler {
public:
    // RabbitMQ 3.x's default max_message_size (128 MiB).
    static constexpr std::uint64_t default_max_body_size = 128ull * 1024 * 1024;

    explicit command_assembler(std::uint64_t max_body_size = default_max_body_size) : max_body_size_(max_body_size) {}

    // Adds one method, header or body frame. Returns the error when the frame is out
    // of order (505 UNEXPECTED_FRAME), malformed (502, 540 from the decoders), or
    // announces a body over the maximum (406 PRECONDITION_FAILED, a channel error as
    // in RabbitMQ). Otherwise complete() says whether take() has a command.
    std::optional<protocol_error> add(const frame_view& frame);

    bool complete() const noexcept { return state_ == state::complete; }
    // True between commands, false while a content is half received.
    bool idle() const noexcept { return state_ == state::method; }
    // The complete command, moved out; the assembler starts over.
    command take();
    // The complete command, left in the assembler for the caller to read or move from:
    // the assembler starts over, and the command stays valid until the next add().
    // Its storage (the body's above all) is reused by the next command.
    command& hand_out() noexcept
    {
        state_ = state::method;
        return current_;
    }
    // Drops a half-received command: the next frame must be a method frame. A command
    // handed out stays as it is until the next add().
    void restart() noexcept { state_ = state::method; }

private:
    enum class state { method, header, body, complete };

    std::optional<protocol_error> unexpected(const frame_view& frame) const;

    state state_ = state::method;
    command current_;
    std::uint64_t max_body_size_;
};

}  // namespace amqp::protocol
