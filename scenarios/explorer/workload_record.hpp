#pragma once

#include <amqp/fakebroker/inspection.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace amqp::scenarios::explorer {

// One basic.ack the workload asked for: on which channel incarnation the delivery came,
// which incarnation was current when ack() was called, and what ack() returned.
// Incarnations ("generations") are numbered by the workload, one per underlying
// channel it saw, over the whole run: a reopened or recovered channel is a new one.
struct ack_record {
    std::uint64_t delivered_generation = 0;
    std::uint64_t generation = 0;
    std::uint64_t delivery_tag = 0;
    std::string message_id;
    std::error_code result;
};

// A consumer the workload started and never cancelled itself: it must be live exactly
// once at the end, on its channel.
struct consumer_record {
    std::string connection;  // connection_name, as the broker lists it
    std::uint16_t channel = 0;
    std::string queue;
    std::string tag;
};

// Everything the workload saw, for the invariant checker. A test can build one by hand.
struct workload_record {
    // The publisher: every message id it had to get confirmed, and what became of them.
    std::set<std::string> published;
    std::set<std::string> confirmed;
    std::set<std::string> nacked;
    std::set<std::string> republished;  // sent again after a failed or nacked attempt
    std::map<std::string, std::string> failed;  // gave up: id -> last error
    // The consumer: how often each message id was delivered.
    std::map<std::string, std::size_t> consumed;
    // Delivery tags handed to the application, per channel generation.
    std::map<std::uint64_t, std::set<std::uint64_t>> delivered;
    std::vector<ack_record> acks;
    std::vector<consumer_record> consumers;
    // Operations started whose completion has not run: id -> what.
    std::map<std::uint64_t, std::string> unresolved;
    // Robust channels the workload holds open, per connection name.
    std::map<std::string, std::size_t> open_channels;
    // Queues that must be empty (nothing ready, nothing unacked) once the run settled.
    std::vector<std::string> drained_queues;
    // Close texts seen by the client (connection lost, channel closed, recovery failed)
    // and channel.close frames the broker sent, for the unknown-delivery-tag check.
    std::vector<std::string> client_closes;
    std::vector<std::string> broker_closes;
    // RPC calls: made, answered, given up (all attempts timed out or failed).
    std::size_t rpc_calls = 0;
    std::size_t rpc_answered = 0;
    std::size_t rpc_gave_up = 0;
    std::size_t rpc_late_replies = 0;
    std::uint64_t reconnects = 0;
    // Errors of the workload itself (a coroutine threw): always violations.
    std::vector<std::string> errors;
    // The workload reached its end (everything published, consumed, answered) before
    // the settle limit; otherwise `progress` says how far it got.
    bool finished = false;
    std::string progress;
};

// The broker's state once the run settled.
struct broker_snapshot {
    std::vector<fakebroker::connection_info> connections;
    std::vector<fakebroker::channel_info> channels;
    std::vector<fakebroker::queue_info> queues;
};

}  // namespace amqp::scenarios::explorer
