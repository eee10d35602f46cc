#pragma once

#include <amqp/fakebroker/faults.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace amqp::scenarios::explorer {

// The chaos every seed runs under unless told otherwise: modest odds per event at the
// method and heartbeat hooks, every action that a robust client is expected to survive,
// at most max_faults per run so that a run ends. Swallowing is left out: a broker that
// silently drops a method is one no client survives without per-operation timeouts
// (the robust client has none for confirms and synchronous methods), so every such
// run would report a stuck operation; a swallowed basic.consume-ok even makes the
// client reject (requeue) each delivery for the consumer it does not know yet and the
// broker redeliver it at once, for ever (max_steps ends such a run).
// `explore --chaos swallow=0.002` brings it back.
fakebroker::chaos_options default_chaos();

// What one run does. The defaults keep a run to a few milliseconds of real time.
struct workload_options {
    // The publisher: this many messages, at most `publish_window` unconfirmed at a time.
    std::size_t messages = 20;
    std::size_t publish_window = 5;
    // The consumer's basic.qos, and how long it may hold a delivery before acking it
    // (drawn per delivery from 0 to this; some are acked at once).
    std::uint16_t prefetch = 5;
    std::chrono::milliseconds max_ack_delay{300};
    // RPC calls, one after the other, each retried after `rpc_timeout` without a reply.
    std::size_t rpc_calls = 4;
    std::chrono::milliseconds rpc_timeout{2000};
    // Every operation is retried this often, this far apart, after a failure a robust
    // client may see (connection or channel lost, recovery timed out).
    unsigned max_attempts = 60;
    std::chrono::milliseconds retry_delay{100};

    // The run's shape; nullopt: drawn from the seed.
    std::optional<bool> durable;  // durable queue and persistent messages (and restarts)
    std::optional<bool> republish_unconfirmed;  // recovery_options::republish_unconfirmed
    std::optional<bool> split_reads;  // memory pipes deliver bytes in seeded pieces

    // The broker's chaos; its seed is the run's. restart is dropped for non-durable runs
    // (a restart loses a transient queue's messages by design).
    fakebroker::chaos_options chaos = default_chaos();
    // Scripted fault rules added to the broker besides the chaos (a test uses one to
    // check an invariant end to end).
    std::vector<fakebroker::fault_rule> rules;
    // Chaos lasts until the workload finished or for this much virtual time; then the
    // run settles for at most settle_limit, and stays quiet for quiet_period plus the
    // longest delay, stall or block a fault may still be serving (chaos.max_delay), so
    // that the broker has seen every dead connection close, before its state is checked.
    std::chrono::seconds chaos_phase{60};
    std::chrono::seconds settle_limit{300};
    std::chrono::seconds quiet_period{3};
    // Handlers a run may execute in all: a livelock (two peers answering each other at
    // the same instant, so that virtual time never moves) ends the run there, as a
    // violation. Runs take some thousands.
    std::uint64_t max_steps = 2'000'000;

    // Record the workload's events and the fault log (explore --verbose), and every
    // frame the broker sends or receives (explore --trace).
    bool verbose = false;
    bool trace_wire = false;
    // With verbose, each event as it happens as well (explore --verbose prints them so).
    std::function<void(std::string_view)> on_event;
};

// The shape a seed gives a run.
struct run_shape {
    bool durable = false;
    bool republish_unconfirmed = false;
    bool split_reads = false;

    bool operator==(const run_shape&) const = default;
};

run_shape shape_for(std::uint64_t seed, const workload_options& options);

}  // namespace amqp::scenarios::explorer
