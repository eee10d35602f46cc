#pragma once

#include "bench_connection.hpp"

#include <amqp/protocol/basic_properties.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace amqp::bench {

// What one benchmark pumps through a broker: a publisher on channel 1 of one
// connection, optionally a consumer on channel 1 of another (already consuming), and
// whether publishes are confirmed, persistent, acknowledged by the consumer.
struct flow_options {
    std::string exchange;
    std::string routing_key;
    std::size_t body_size = 32;
    // Deliveries the consumer gets per published message (queues it is routed to);
    // ignored without a consumer.
    std::size_t fanout = 1;
    bool confirms = false;  // the publisher's channel is in confirm mode
    bool persistent = false;  // delivery_mode 2
    // Manual acks: basic.ack with multiple after this many deliveries; 0: the consumer
    // is no-ack.
    std::size_t ack_every = 0;
    // Messages published but not yet complete (delivered to the consumer, and
    // confirmed when confirming) at most; 0: no limit (publish all, then wait).
    std::size_t window = 20'000;
    // Messages encoded into the write buffer at a time (one write when the socket takes it).
    std::size_t batch = 256;
    // No byte moved for this long fails the run; the whole run may take at most run_timeout.
    std::chrono::milliseconds stall_timeout{15'000};
    std::chrono::milliseconds run_timeout{300'000};
};

// Moves messages end to end with one thread and poll(2) over both sockets, so the
// client takes one of the machine's two cores and the broker the other.
//
// The publisher encodes batches of basic.publish + header + body with the codec and
// writes them without blocking; the consumer reads big chunks, splits frames and
// counts basic.deliver methods (content frames are skipped, not decoded). Confirm
// acks (multiple or single) are tracked per delivery tag; a nack, a basic.return, a
// channel or connection close fails the run.
class message_flow {
public:
    message_flow(bench_connection& publisher, bench_connection* consumer, flow_options options);

    // Publishes `messages` and returns when all are complete: delivered (fanout times)
    // to the consumer, acked by it when acking, and confirmed when confirming.
    // Throws bench_error on a stall, a timeout or a broker error.
    void run(std::size_t messages);

    std::uint64_t published() const noexcept { return published_total_; }
    std::uint64_t delivered() const noexcept { return delivered_total_; }

private:
    void refill(std::size_t messages);
    std::size_t completed() const noexcept;
    bool done(std::size_t messages) const noexcept;
    // Read what arrived and handle its frames; the bytes read.
    std::size_t read_publisher();
    std::size_t read_consumer();
    void confirm(std::uint64_t tag, bool multiple);
    std::string status(std::size_t messages) const;

    bench_connection& publisher_;
    bench_connection* consumer_;
    flow_options options_;
    protocol::basic_publish publish_;
    protocol::basic_properties properties_;
    std::string body_;

    // This run.
    std::size_t published_ = 0;
    std::size_t delivered_ = 0;
    std::size_t confirmed_ = 0;
    std::vector<bool> confirmed_tags_;  // by tag - first_tag_
    std::size_t lowest_unconfirmed_ = 0;
    std::uint64_t first_tag_ = 1;

    // Across runs on the same channels (delivery tags keep counting).
    std::uint64_t published_total_ = 0;
    std::uint64_t delivered_total_ = 0;
    std::uint64_t last_delivery_tag_ = 0;
    std::size_t unacked_ = 0;
};

}  // namespace amqp::bench
