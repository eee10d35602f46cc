#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace amqp::protocol {

// A growable byte buffer with a consumable front, used both as an encode target
// (append at the back) and as a read buffer (consume from the front).
//
// Unlike std::vector it never zero-fills what it grows, so encoding a frame costs
// only the bytes written; capacity is kept across clear() so a steady stream of
// frames allocates nothing once warm.
class byte_buffer {
public:
    byte_buffer() = default;
    explicit byte_buffer(std::size_t capacity) { reserve(capacity); }

    byte_buffer(const byte_buffer& other) { append(other.data()); }
    byte_buffer& operator=(const byte_buffer& other)
    {
        if (this != &other) {
            clear();
            append(other.data());
        }
        return *this;
    }
    byte_buffer(byte_buffer&&) noexcept = default;
    byte_buffer& operator=(byte_buffer&&) noexcept = default;

    std::size_t size() const noexcept { return end_ - begin_; }
    bool empty() const noexcept { return end_ == begin_; }
    std::size_t capacity() const noexcept { return capacity_; }

    std::span<const std::byte> data() const noexcept { return {storage_.get() + begin_, size()}; }
    std::span<std::byte> data() noexcept { return {storage_.get() + begin_, size()}; }
    std::string_view view() const noexcept { return {reinterpret_cast<const char*>(storage_.get() + begin_), size()}; }

    // Returns n writable bytes at the back; they become part of data() after commit().
    std::byte* prepare(std::size_t n)
    {
        if (capacity_ - end_ < n) make_room(n);
        return storage_.get() + end_;
    }
    void commit(std::size_t n) noexcept { end_ += n; }

    void append(std::span<const std::byte> bytes)
    {
        if (bytes.empty()) return;
        std::memcpy(prepare(bytes.size()), bytes.data(), bytes.size());
        commit(bytes.size());
    }
    void append(std::string_view bytes) { append(std::as_bytes(std::span{bytes})); }

    // Drops n bytes from the front.
    void consume(std::size_t n) noexcept
    {
        begin_ += n;
        if (begin_ == end_) begin_ = end_ = 0;
    }
    void clear() noexcept { begin_ = end_ = 0; }

    // Shortens the buffer to n bytes (n <= size()), e.g. to undo a partial write.
    void truncate(std::size_t n) noexcept { end_ = begin_ + n; }

    void reserve(std::size_t n)
    {
        if (capacity_ - begin_ < n) make_room(n - size());
    }

private:
    void make_room(std::size_t n);

    std::unique_ptr<std::byte[]> storage_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace amqp::protocol
