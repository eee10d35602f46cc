#include "backoff.hpp"

#include <algorithm>
#include <cmath>

namespace amqp::client::detail {

backoff::backoff(std::chrono::milliseconds first, double multiplier, std::chrono::milliseconds max, double jitter,
                 std::uint64_t seed)
    : first_(first),
      multiplier_(std::max(multiplier, 1.0)),
      max_(std::max(max, first)),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      random_(seed)
{}

std::chrono::milliseconds backoff::next()
{
    const double grown = static_cast<double>(first_.count()) * std::pow(multiplier_, attempt_);
    double pause = std::min(grown, static_cast<double>(max_.count()));
    if (grown < static_cast<double>(max_.count())) ++attempt_;
    if (jitter_ > 0) {
        // Drawn from the 64-bit output directly: std::uniform_real_distribution is not
        // specified exactly, and a seed must replay the same pauses everywhere.
        const double unit = static_cast<double>(random_() >> 11) / static_cast<double>(1ull << 53);
        pause *= 1.0 - jitter_ + 2.0 * jitter_ * unit;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(pause)));
}

}  // namespace amqp::client::detail
