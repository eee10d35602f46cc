#pragma once

#include <amqp/client/message.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace amqp::client {

namespace detail {
class channel_state;
}

class processing;

// A message the broker delivered (basic.deliver) or handed out (basic.get-ok).
// Settle it with ack, nack or reject from the connection's executor. These send at
// once (AMQP has no reply to them) and return an error instead of letting the broker
// close the channel: errc::already_settled when it was settled before (through any
// copy of this object), errc::stale_delivery when its channel was reopened or its
// connection lost since, errc::no_ack_delivery for a no_ack consumer's delivery,
// errc::channel_closed when the channel is gone.
class incoming_message : public message {
public:
    incoming_message() = default;

    std::uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string exchange;
    std::string routing_key;
    // Empty for a basic.get.
    std::string consumer_tag;
    // basic.get-ok only: how many messages the queue still held.
    std::optional<std::uint32_t> message_count;

    std::error_code ack(bool multiple = false) const;
    std::error_code nack(bool requeue = true, bool multiple = false) const;
    std::error_code reject(bool requeue = true) const;

    // aio-pika's `async with message.process()`: acks when the scope ends normally,
    // rejects (requeue as given) when an exception leaves it; a redelivered message is
    // rejected without requeue when reject_on_redelivered is set and the scope fails.
    // Settling the message yourself inside the scope is fine.
    processing process(bool requeue = false, bool reject_on_redelivered = false) const;

private:
    friend class detail::channel_state;

    std::shared_ptr<detail::channel_state> channel_;
    std::uint64_t generation_ = 0;
    bool no_ack_ = false;
};

// The guard process() returns.
class processing {
public:
    processing(const incoming_message& m, bool requeue, bool reject_on_redelivered);
    ~processing();
    processing(const processing&) = delete;
    processing& operator=(const processing&) = delete;

private:
    const incoming_message& message_;
    bool requeue_;
    bool reject_on_redelivered_;
    int exceptions_at_start_;
};

}  // namespace amqp::client
