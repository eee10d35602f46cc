#pragma once

#include <cstdint>
#include <deque>
#include <system_error>

namespace amqp::client::detail {

// The deliveries of one channel that still need an ack, nack or reject, so that
// settling one twice (or one that was never delivered) fails on our side instead of
// closing the channel with 406 PRECONDITION_FAILED as the broker would.
class delivery_tracker {
public:
    // Delivery tags are ascending on a channel.
    void delivered(std::uint64_t tag);
    // Marks `tag` (and with multiple, every earlier outstanding one) settled. Fails
    // with errc::already_settled when `tag` is not outstanding.
    std::error_code settle(std::uint64_t tag, bool multiple);
    std::size_t outstanding() const noexcept { return count_; }
    void clear() noexcept;

private:
    struct entry {
        std::uint64_t tag;
        bool settled;
    };
    std::deque<entry> entries_;
    std::size_t count_ = 0;
};

}  // namespace amqp::client::detail
