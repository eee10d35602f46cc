#include <amqp/protocol/command_assembler.hpp>

#include <algorithm>
#include <utility>

namespace amqp::protocol {

// RabbitMQ's reply texts (rabbit_command_assembler), word for word.
std::optional<protocol_error> command_assembler::unexpected(const frame_view&) const
{
    if (state_ == state::method) {
        return protocol_error{reply_code::unexpected_frame, "expected method frame, got non method frame instead"};
    }
    const method_key key = key_of(current_.method);
    std::string text = state_ == state::header ? "expected content header for class " + std::to_string(key.class_id) +
                                                     ", got non content header frame instead"
                                               : "expected content body, got non content body frame instead";
    return protocol_error{reply_code::unexpected_frame, std::move(text), key.class_id, key.method_id};
}

std::optional<protocol_error> command_assembler::add(const frame_view& frame)
{
    switch (state_) {
    case state::complete:
        // The previous command was not taken; treat it as taken and start over (the
        // method case below overwrites all of it).
        state_ = state::method;
        [[fallthrough]];
    case state::method: {
        if (frame.type != frame_type::method) return unexpected(frame);
        auto decoded = decode_method(frame.payload);
        if (!decoded) return decoded.error();
        current_.method = std::move(decoded).value();
        current_.header.reset();
        current_.body.clear();
        const bool has_content = std::visit([](const auto& m) { return m.has_content; }, current_.method);
        state_ = has_content ? state::header : state::complete;
        return std::nullopt;
    }
    case state::header: {
        if (frame.type != frame_type::header) return unexpected(frame);
        auto decoded = decode_content_header(frame.payload);
        if (!decoded) return decoded.error();
        const method_key key = key_of(current_.method);
        if (decoded->class_id != key.class_id) {
            return protocol_error{reply_code::unexpected_frame,
                                  "expected content header for class " + std::to_string(key.class_id) +
                                      ", got one for class " + std::to_string(decoded->class_id) + " instead",
                                  key.class_id, key.method_id};
        }
        if (decoded->body_size > max_body_size_) {
            return protocol_error{reply_code::precondition_failed,
                                  "message size " + std::to_string(decoded->body_size) +
                                      " is larger than configured max size " + std::to_string(max_body_size_),
                                  key.class_id, key.method_id};
        }
        // Trust the announced size only so far: a peer that lies should not make us
        // allocate more than a frame's worth up front.
        current_.body.reserve(std::min<std::uint64_t>(decoded->body_size, 1u << 20));
        current_.header = std::move(decoded).value();
        state_ = current_.header->body_size == 0 ? state::complete : state::body;
        return std::nullopt;
    }
    case state::body: {
        if (frame.type != frame_type::body) return unexpected(frame);
        const std::uint64_t remaining = current_.header->body_size - current_.body.size();
        if (frame.payload.size() > remaining) {
            const method_key key = key_of(current_.method);
            return protocol_error{reply_code::unexpected_frame,
                                  "content body frame of " + std::to_string(frame.payload.size()) +
                                      " bytes overruns the announced body size by " +
                                      std::to_string(frame.payload.size() - remaining),
                                  key.class_id, key.method_id};
        }
        current_.body.append(reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size());
        if (current_.body.size() == current_.header->body_size) state_ = state::complete;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

command command_assembler::take()
{
    state_ = state::method;
    // Moved from, current_ is still a command: the next method frame overwrites it.
    return std::move(current_);
}

}  // namespace amqp::protocol
