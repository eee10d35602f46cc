#pragma once

#include "workload_options.hpp"
#include "workload_record.hpp"

#include <amqp/fakebroker/faults.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace amqp::scenarios::explorer {

// What one seed did.
struct run_report {
    std::uint64_t seed = 0;
    run_shape shape;
    std::vector<std::string> violations;
    std::vector<fakebroker::fired_fault> faults;
    // The workload's events and the fault log, stamped with virtual time (verbose only).
    std::vector<std::string> events;
    workload_record record;
    // How long the run lasted in the simulation, up to the check.
    std::chrono::milliseconds virtual_time{0};
    // Handlers the simulation ran up to the check (workload_options::max_steps).
    std::uint64_t steps = 0;

    bool ok() const noexcept { return violations.empty(); }
};

// Runs one seed in a simulated harness::world: the broker (under the seed's chaos) and
// the workload's two robust connections over memory pipes, all on one io_context and
// one thread. Chaos stops once the workload finished or after chaos_phase; the run
// then settles, and the invariants (invariants.hpp) are checked against what the
// workload recorded and the broker's state. The same seed and options give the same
// report, fault for fault and event for event.
run_report run_seed(std::uint64_t seed, const workload_options& options = {});

// The chaos a seed runs under: options.chaos with the seed, without restarts when the
// run is not durable.
fakebroker::chaos_options chaos_for(std::uint64_t seed, const workload_options& options);

// One line: the shape, the faults by kind, reconnects, messages, RPC, virtual time, ok.
std::string summary(const run_report& report);

}  // namespace amqp::scenarios::explorer
