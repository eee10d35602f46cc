#pragma once

#include <amqp/protocol/basic_properties.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace amqp::fakebroker {

using clock = std::chrono::steady_clock;

// What a publisher sent. Immutable once routed, and shared by every queue the
// message reached, so a fanout holds one copy of the body.
struct message_content {
    std::string exchange;
    std::string routing_key;
    protocol::basic_properties properties;
    std::string body;

    bool persistent() const noexcept { return properties.delivery_mode == 2; }
};

// One message in one queue.
struct queued_message {
    std::shared_ptr<const message_content> content;
    // Position in the queue: a requeued message goes back to where it was.
    std::uint64_t sequence = 0;
    bool redelivered = false;
    std::optional<clock::time_point> expires_at;

    std::size_t body_size() const noexcept { return content->body.size(); }
};

}  // namespace amqp::fakebroker
