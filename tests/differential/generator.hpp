#pragma once

#include "conversation.hpp"

#include <cstdint>
#include <random>

namespace amqp::differential {

// Small draws of our own over std::mt19937_64: the standard distributions' output is
// implementation-defined, and a seed must give the same conversation everywhere.
class draw {
public:
    explicit draw(std::uint64_t seed) : engine_(seed) {}

    // Uniform enough in [0, n) for n far below 2^64 (n > 0).
    std::uint64_t below(std::uint64_t n) { return engine_() % n; }
    // In [lo, hi].
    int between(int lo, int hi) { return lo + int(below(std::uint64_t(hi - lo + 1))); }
    bool percent(int p) { return int(below(100)) < p; }

private:
    std::mt19937_64 engine_;
};

struct generator_options {
    int min_steps = 8;
    int max_steps = 40;
};

// A conversation for the seed: the same on every machine and run. It keeps a model of
// what it declared so that most steps refer to things that exist, some to missing
// ones, and predicts the errors that close channels and connections so that what
// follows mostly reopens them instead of talking into the void.
conversation generate(std::uint64_t seed, const generator_options& options = {});

}  // namespace amqp::differential
