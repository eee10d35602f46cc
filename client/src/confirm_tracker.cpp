#include "confirm_tracker.hpp"

#include <algorithm>

namespace amqp::client::detail {

std::uint64_t confirm_tracker::add(completion<> done, bool mandatory, std::string exchange, std::string routing_key,
                                   std::size_t body_size)
{
    const std::uint64_t sequence = next_++;
    entry e{sequence, std::move(done), mandatory, {}, {}, body_size, nullptr};
    if (mandatory) {
        e.exchange = std::move(exchange);
        e.routing_key = std::move(routing_key);
    }
    pending_.push_back(std::move(e));
    return sequence;
}

std::vector<confirm_tracker::settled> confirm_tracker::on_ack(std::uint64_t tag, bool multiple)
{
    return settle(tag, multiple, true);
}

std::vector<confirm_tracker::settled> confirm_tracker::on_nack(std::uint64_t tag, bool multiple)
{
    return settle(tag, multiple, false);
}

bool confirm_tracker::on_return(std::shared_ptr<const returned_message> returned)
{
    const auto match = std::find_if(pending_.begin(), pending_.end(), [&](const entry& e) {
        return e.mandatory && !e.returned && e.exchange == returned->exchange &&
               e.routing_key == returned->routing_key && e.body_size == returned->body.size();
    });
    if (match == pending_.end()) return false;
    match->returned = std::move(returned);
    return true;
}

failure confirm_tracker::outcome_of(const entry& e, bool acked)
{
    if (e.returned) return failure{errc::message_returned, nullptr, e.returned};
    if (!acked) return failure{errc::message_nacked, nullptr, nullptr};
    return {};
}

std::vector<confirm_tracker::settled> confirm_tracker::settle(std::uint64_t tag, bool multiple, bool acked)
{
    std::vector<settled> out;
    if (multiple) {
        while (!pending_.empty() && pending_.front().sequence <= tag) {
            out.push_back({std::move(pending_.front().done), outcome_of(pending_.front(), acked)});
            pending_.pop_front();
        }
        return out;
    }
    // Sequence numbers are ascending, so the entry is found by binary search.
    const auto it = std::lower_bound(pending_.begin(), pending_.end(), tag,
                                     [](const entry& e, std::uint64_t t) { return e.sequence < t; });
    if (it != pending_.end() && it->sequence == tag) {
        out.push_back({std::move(it->done), outcome_of(*it, acked)});
        pending_.erase(it);
    }
    return out;
}

std::vector<confirm_tracker::settled> confirm_tracker::fail_all(const failure& outcome)
{
    std::vector<settled> out;
    out.reserve(pending_.size());
    for (auto& e : pending_) out.push_back({std::move(e.done), outcome});
    pending_.clear();
    return out;
}

}  // namespace amqp::client::detail
