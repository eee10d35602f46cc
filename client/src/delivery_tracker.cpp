#include "delivery_tracker.hpp"

#include <amqp/client/error.hpp>

#include <algorithm>

namespace amqp::client::detail {

void delivery_tracker::delivered(std::uint64_t tag)
{
    entries_.push_back({tag, false});
    ++count_;
}

std::error_code delivery_tracker::settle(std::uint64_t tag, bool multiple)
{
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), tag,
                                     [](const entry& e, std::uint64_t t) { return e.tag < t; });
    if (it == entries_.end() || it->tag != tag || it->settled) return errc::already_settled;
    auto first = multiple ? entries_.begin() : it;
    for (auto at = first; at != std::next(it); ++at) {
        if (!at->settled) {
            at->settled = true;
            --count_;
        }
    }
    while (!entries_.empty() && entries_.front().settled) entries_.pop_front();
    return {};
}

void delivery_tracker::clear() noexcept
{
    entries_.clear();
    count_ = 0;
}

}  // namespace amqp::client::detail
