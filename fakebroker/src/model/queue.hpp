#pragma once

#include "message.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/field_table.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace amqp::fakebroker {

class queue;
class server_channel;
class vhost;
struct channel_credit;

struct consumer {
    std::string tag;
    std::uint64_t id = 0;  // unique in its channel, unlike a tag, which may be reused
    server_channel* channel = nullptr;  // where its deliveries go
    const channel_credit* credit = nullptr;  // its channel's global prefetch
    std::shared_ptr<queue> source;
    bool no_ack = false;
    bool exclusive = false;
    protocol::field_table arguments;
    std::uint16_t prefetch = 0;  // 0: unlimited
    std::size_t unacked = 0;
    std::int64_t priority = 0;  // x-priority: higher ones get messages first

    // Whether its prefetch and its channel's global prefetch leave room for one more.
    bool has_room() const noexcept;
};

// A message the queue hands to one of its consumers; the consumer's channel sends it.
struct delivery {
    consumer* to;
    queued_message message;
};

// The queue arguments RabbitMQ interprets, parsed once at declare time.
struct queue_arguments {
    std::optional<std::int64_t> message_ttl_ms;
    std::optional<std::int64_t> expires_ms;
    std::optional<std::int64_t> max_length;
    std::optional<std::int64_t> max_length_bytes;
    bool reject_publish = false;  // x-overflow: reject-publish (else drop-head)
    std::optional<std::string> dead_letter_exchange;
    std::optional<std::string> dead_letter_routing_key;
    std::uint8_t max_priority = 0;
    bool single_active_consumer = false;
    bool quorum = false;  // x-queue-type: quorum (else classic)
    std::optional<std::int64_t> delivery_limit;  // quorum queues only

    // Parses and validates; the error is RabbitMQ's 406 reply text detail.
    static std::optional<std::string> parse(const protocol::field_table& args, const std::string& queue,
                                            const std::string& vhost, queue_arguments& out);
};

enum class enqueue_result { accepted, rejected };

// A copy of the message with the x-delivery-count header a quorum queue adds (to a
// basic.get always, to a delivery once the message came back).
message_ref with_delivery_count(const message_content& content, std::uint64_t returns);

class queue : public std::enable_shared_from_this<queue> {
public:
    queue(vhost& owner, std::string name, bool durable, bool exclusive, bool auto_delete,
          protocol::field_table arguments, queue_arguments parsed, std::uint64_t exclusive_owner);

    const std::string& name() const noexcept { return name_; }
    bool durable() const noexcept { return durable_; }
    bool exclusive() const noexcept { return exclusive_; }
    bool auto_delete() const noexcept { return auto_delete_; }
    std::uint64_t exclusive_owner() const noexcept { return exclusive_owner_; }
    const protocol::field_table& arguments() const noexcept { return arguments_; }
    const queue_arguments& limits() const noexcept { return limits_; }
    bool quorum() const noexcept { return limits_.quorum; }
    bool deleted() const noexcept { return deleted_; }

    std::size_t ready_count() const noexcept { return ready_count_; }
    std::uint64_t ready_bytes() const noexcept { return ready_bytes_; }
    std::size_t unacked_count() const noexcept { return unacked_; }
    // As RabbitMQ counts them. A quorum queue also counts, until their messages are
    // settled, a consumer cancelled while it holds unacknowledged deliveries and each
    // channel holding a basic.get message (rabbit_fifo keeps both as consumers).
    std::size_t consumer_count() const noexcept
    {
        return quorum() ? consumers_.size() + quorum_holders_without_consumer() : consumers_.size();
    }
    const std::vector<consumer*>& consumers() const noexcept { return consumers_; }
    queue_info info() const;
    std::vector<message_info> peek(std::size_t max) const;

    // Adds a routed message; `rejected` when x-overflow is reject-publish and the
    // queue is full.
    enqueue_result enqueue(message_ref content, clock::time_point now);
    // Takes the head for basic.get (after expiring what is due).
    std::optional<queued_message> take(clock::time_point now);
    // Puts a delivered message back at its original position, marked redelivered. A
    // quorum queue counts the return and dead-letters (or drops) a message returned
    // more often than its x-delivery-limit.
    void requeue(queued_message message, clock::time_point now);
    std::size_t purge();

    void add_consumer(consumer* c);
    void remove_consumer(const consumer* c);
    // The head, for the consumer whose turn it is among those with room (round robin,
    // highest x-priority first); none when the queue is empty or deleted or no
    // consumer has room. dispatch() hands the deliveries to the channels.
    std::optional<delivery> next_delivery(clock::time_point now);

    // A delivery left unacknowledged with a channel: by consumer (its id), or by
    // basic.get (consumer id 0).
    void delivered_unacked(const server_channel* channel, std::uint64_t consumer_id)
    {
        ++unacked_;
        if (quorum()) [[unlikely]]
            ++quorum_holders_[{channel, consumer_id}];
    }
    void settled(const server_channel* channel, std::uint64_t consumer_id)
    {
        --unacked_;
        if (quorum()) [[unlikely]] {
            auto it = quorum_holders_.find({channel, consumer_id});
            if (it != quorum_holders_.end() && --it->second == 0) quorum_holders_.erase(it);
        }
    }
    // A message delivered earlier was rejected without requeue (or expired): dead-letter it.
    void dead_letter(const queued_message& message, const char* reason, clock::time_point now);

    // Expires messages at the head whose TTL passed; the next expiry, if any. When not
    // inclusive, a message due exactly now stays: dispatch uses that so a TTL of 0
    // still reaches a consumer that can take it at once, as in RabbitMQ.
    std::optional<clock::time_point> expire(clock::time_point now, bool inclusive = true);
    // Marks the queue used now (x-expires counts from the last use).
    void touch(clock::time_point now) noexcept { last_used_ = now; }
    std::optional<clock::time_point> expires_at() const;

    // Called by the vhost when the queue is deleted: drops the messages and the
    // consumers, and returns those, in the order RabbitMQ tells them (by tag), for
    // their channels to cancel.
    std::vector<consumer*> mark_deleted();
    // A broker restart: only persistent messages survive (in a durable queue).
    void restart();

    // Routing visits each queue once: the vhost marks a queue with the number of the
    // routing pass that reached it.
    bool mark_routed(std::uint64_t pass) noexcept { return std::exchange(routed_pass_, pass) != pass; }

private:
    std::deque<queued_message>& level_for(const message_content& content);
    queued_message pop_front();
    bool empty() const noexcept { return ready_count_ == 0; }
    void drop_head_for_overflow(clock::time_point now);
    consumer* pick_consumer();

    vhost& vhost_;
    std::string name_;
    bool durable_;
    bool exclusive_;
    bool auto_delete_;
    protocol::field_table arguments_;
    queue_arguments limits_;
    std::uint64_t exclusive_owner_;
    bool deleted_ = false;

    // One deque per priority level, highest last; a single level without x-max-priority.
    std::vector<std::deque<queued_message>> levels_;
    std::size_t ready_count_ = 0;
    std::uint64_t ready_bytes_ = 0;
    std::size_t unacked_ = 0;
    // Quorum queues only: unacknowledged deliveries by holder (channel, consumer id).
    std::map<std::pair<const server_channel*, std::uint64_t>, std::size_t> quorum_holders_;
    std::size_t quorum_holders_without_consumer() const;
    std::uint64_t next_sequence_ = 0;
    std::vector<consumer*> consumers_;
    std::size_t next_consumer_ = 0;
    std::size_t prioritised_consumers_ = 0;  // with an x-priority other than 0
    clock::time_point last_used_;
    std::uint64_t routed_pass_ = 0;
};

}  // namespace amqp::fakebroker
