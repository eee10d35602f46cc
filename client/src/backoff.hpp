#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace amqp::client::detail {

// The pauses between reconnect attempts: a first interval, multiplied after each failed
// attempt up to a maximum, each scaled by a seeded random factor in [1 - jitter, 1 + jitter].
class backoff {
public:
    backoff(std::chrono::milliseconds first, double multiplier, std::chrono::milliseconds max, double jitter,
            std::uint64_t seed);

    // The pause before the next attempt.
    std::chrono::milliseconds next();
    // An attempt succeeded: the next pause is the first interval again.
    void reset() noexcept { attempt_ = 0; }

private:
    std::chrono::milliseconds first_;
    double multiplier_;
    std::chrono::milliseconds max_;
    double jitter_;
    std::mt19937_64 random_;
    unsigned attempt_ = 0;
};

}  // namespace amqp::client::detail
