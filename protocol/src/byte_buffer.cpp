#include <amqp/protocol/byte_buffer.hpp>

#include <algorithm>

namespace amqp::protocol {

void byte_buffer::make_room(std::size_t n)
{
    const std::size_t used = size();
    // Sliding the live bytes to the front is enough when the consumed prefix is at
    // least as large as the live part; otherwise grow geometrically.
    if (capacity_ - used >= n && begin_ >= used) {
        std::memmove(storage_.get(), storage_.get() + begin_, used);
    } else {
        const std::size_t wanted = std::max({capacity_ * 2, used + n, std::size_t{256}});
        auto grown = std::make_unique_for_overwrite<std::byte[]>(wanted);
        if (used != 0) std::memcpy(grown.get(), storage_.get() + begin_, used);
        storage_ = std::move(grown);
        capacity_ = wanted;
    }
    begin_ = 0;
    end_ = used;
}

}  // namespace amqp::protocol
