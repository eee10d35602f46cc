#pragma once

#include "message.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace amqp::fakebroker {

class queue;

struct unacked_delivery {
    std::uint64_t tag = 0;
    std::shared_ptr<queue> from;
    queued_message message;
    std::uint64_t consumer_id = 0;  // 0 for basic.get
    clock::time_point delivered_at{};
    bool settled = false;
};

// A channel's unacknowledged deliveries in delivery-tag order. Tags only grow, so
// deliveries are appended at the back, a multiple ack takes a prefix, and a lookup is
// a binary search; no node per delivery as in a map. A delivery settled out of order
// leaves a tombstone until the ones before it go (or a compaction drops it).
class unacked_deliveries {
public:
    std::size_t size() const noexcept { return live_; }
    bool empty() const noexcept { return live_ == 0; }

    // `d.tag` must be greater than every tag added before.
    void push(unacked_delivery d)
    {
        entries_.push_back(std::move(d));
        ++live_;
    }

    bool contains(std::uint64_t tag) const { return find(tag) != entries_.end(); }

    // When the oldest delivery still unacknowledged went out (settled ones never
    // stay at the front).
    std::optional<clock::time_point> oldest() const
    {
        if (entries_.empty()) return std::nullopt;
        return entries_.front().delivered_at;
    }

    // Takes the delivery with this tag out; false when there is none.
    bool take(std::uint64_t tag, unacked_delivery& out)
    {
        auto it = find(tag);
        if (it == entries_.end()) return false;
        out = std::move(*it);
        it->settled = true;
        --live_;
        trim();
        return true;
    }

    // Takes out, in tag order, every delivery up to and including `tag`.
    std::vector<unacked_delivery> take_through(std::uint64_t tag)
    {
        std::vector<unacked_delivery> out;
        while (!entries_.empty() && entries_.front().tag <= tag) {
            if (!entries_.front().settled) {
                out.push_back(std::move(entries_.front()));
                --live_;
            }
            entries_.pop_front();
        }
        return out;
    }

    std::vector<unacked_delivery> take_all() { return take_through(UINT64_MAX); }

private:
    using entries = std::deque<unacked_delivery>;

    entries::iterator find(std::uint64_t tag)
    {
        auto it = std::lower_bound(entries_.begin(), entries_.end(), tag,
                                   [](const unacked_delivery& d, std::uint64_t t) { return d.tag < t; });
        return it != entries_.end() && it->tag == tag && !it->settled ? it : entries_.end();
    }
    entries::const_iterator find(std::uint64_t tag) const { return const_cast<unacked_deliveries*>(this)->find(tag); }

    void trim()
    {
        while (!entries_.empty() && entries_.front().settled) entries_.pop_front();
        // An old delivery never acked must not make the tombstones behind it pile up.
        if (entries_.size() > 64 && entries_.size() > 2 * live_) {
            std::erase_if(entries_, [](const unacked_delivery& d) { return d.settled; });
        }
    }

    entries entries_;
    std::size_t live_ = 0;
};

// What basic.qos with global set lets a channel's consumers hold unacknowledged
// between them. Their queues read it when choosing a consumer with room.
struct channel_credit {
    std::uint16_t global_prefetch = 0;  // 0: no limit
    const unacked_deliveries* held = nullptr;

    bool has_room() const noexcept { return global_prefetch == 0 || held->size() < global_prefetch; }
};

}  // namespace amqp::fakebroker
