#pragma once

#include "runner.hpp"
#include "transcript.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::differential {

// One seed's verdict.
struct seed_result {
    std::uint64_t seed = 0;
    run_result run;
    std::vector<divergence> divergences;
    // Divergences no allowlist entry explains.
    std::size_t unexplained = 0;
    std::size_t known = 0;
    std::size_t allowed = 0;
};

// Makes the second broker of a run: RabbitMQ at a URL, or another embedded broker for
// the self-check.
using target_factory = std::function<std::unique_ptr<target>()>;

// Runs a conversation on a fresh embedded broker and on a fresh second target and
// compares what they sent back.
seed_result check(const conversation& c, const target_factory& second, const run_options& options);

}  // namespace amqp::differential
