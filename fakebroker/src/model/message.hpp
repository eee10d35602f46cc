#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/wire.hpp>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace amqp::fakebroker {

using clock = std::chrono::steady_clock;

class message_ref;

// What a publisher sent, in one allocation: this small header, then the exchange
// name, the routing key, the properties as encoded on the wire (flags word first) and
// the body. Immutable once built and shared by every queue the message reached, so a
// fanout holds one copy. The properties stay encoded: a delivery copies the bytes,
// and the few fields the broker itself reads are extracted once, at build time;
// the rest is decoded only where needed (dead-lettering, inspection).
class message_content {
public:
    message_content(const message_content&) = delete;
    message_content& operator=(const message_content&) = delete;

    static message_ref make(std::string_view exchange, std::string_view routing_key,
                            const protocol::basic_properties& properties, std::string_view body);

    std::string_view exchange() const noexcept { return {bytes(), exchange_size_}; }
    std::string_view routing_key() const noexcept { return {bytes() + exchange_size_, routing_key_size_}; }
    // The property flags word and the properties it announces, as on the wire.
    std::span<const std::byte> encoded_properties() const noexcept
    {
        return {reinterpret_cast<const std::byte*>(bytes() + exchange_size_ + routing_key_size_), properties_size_};
    }
    std::string_view body() const noexcept
    {
        return {bytes() + exchange_size_ + routing_key_size_ + properties_size_, body_size_};
    }
    protocol::basic_properties properties() const
    {
        protocol::basic_properties p;
        protocol::reader r(encoded_properties());
        protocol::decode_properties(r, p);  // encoded by make(): cannot fail
        return p;
    }

    bool persistent() const noexcept { return persistent_; }
    std::uint8_t priority() const noexcept { return priority_; }
    bool has_headers() const noexcept { return has_headers_; }
    // The per-message TTL from the expiration property, when it is a valid one.
    std::optional<std::int64_t> ttl_ms() const noexcept
    {
        return ttl_ms_ < 0 ? std::nullopt : std::optional<std::int64_t>(ttl_ms_);
    }

private:
    friend class message_ref;
    message_content() = default;

    const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }
    char* bytes() noexcept { return reinterpret_cast<char*>(this + 1); }

    // Not atomic: the broker's state is only touched from its own thread.
    std::uint32_t refs_ = 0;
    std::uint32_t properties_size_ = 0;
    std::size_t body_size_ = 0;
    std::int64_t ttl_ms_ = -1;
    std::uint8_t exchange_size_ = 0;  // short strings on the wire: at most 255
    std::uint8_t routing_key_size_ = 0;
    std::uint8_t priority_ = 0;
    bool persistent_ = false;
    bool has_headers_ = false;
};

// An owning handle to a message_content (an intrusive count: 8 bytes per holder).
class message_ref {
public:
    message_ref() noexcept = default;
    message_ref(const message_ref& other) noexcept : p_(other.p_)
    {
        if (p_) ++p_->refs_;
    }
    message_ref(message_ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
    message_ref& operator=(message_ref other) noexcept
    {
        std::swap(p_, other.p_);
        return *this;
    }
    ~message_ref() { release(); }

    const message_content* get() const noexcept { return p_; }
    const message_content& operator*() const noexcept { return *p_; }
    const message_content* operator->() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    friend class message_content;
    explicit message_ref(message_content* p) noexcept : p_(p) { ++p_->refs_; }

    void release() noexcept
    {
        if (p_ && --p_->refs_ == 0) {
            p_->~message_content();
            ::operator delete(static_cast<void*>(p_));
        }
        p_ = nullptr;
    }

    message_content* p_ = nullptr;
};

inline message_ref message_content::make(std::string_view exchange, std::string_view routing_key,
                                         const protocol::basic_properties& properties, std::string_view body)
{
    // Encoded into a per-thread scratch buffer first, to learn the size.
    thread_local protocol::byte_buffer scratch;
    scratch.clear();
    protocol::writer w(scratch);
    protocol::encode_properties(w, properties);
    const auto encoded = scratch.data();

    // Names from the wire are short strings; only a dead-letter routing key (a queue
    // argument) can be longer. Cut it rather than overflow the one-byte sizes: it
    // could not be sent in basic.deliver whole anyway.
    exchange = exchange.substr(0, 255);
    routing_key = routing_key.substr(0, 255);
    const std::size_t extra = exchange.size() + routing_key.size() + encoded.size() + body.size();
    void* memory = ::operator new(sizeof(message_content) + extra);
    auto* m = ::new (memory) message_content();
    m->exchange_size_ = static_cast<std::uint8_t>(exchange.size());
    m->routing_key_size_ = static_cast<std::uint8_t>(routing_key.size());
    m->properties_size_ = static_cast<std::uint32_t>(encoded.size());
    m->body_size_ = body.size();
    char* out = m->bytes();
    // memcpy with a size of 0 still needs valid pointers: skip empty pieces.
    auto put = [&out](const void* data, std::size_t size) {
        if (size != 0) std::memcpy(out, data, size);
        out += size;
    };
    put(exchange.data(), exchange.size());
    put(routing_key.data(), routing_key.size());
    put(encoded.data(), encoded.size());
    put(body.data(), body.size());

    m->persistent_ = properties.delivery_mode == 2;
    m->priority_ = properties.priority.value_or(0);
    m->has_headers_ = properties.headers.has_value();
    if (const auto& e = properties.expiration) {
        std::int64_t ms = -1;
        const auto [end, ec] = std::from_chars(e->data(), e->data() + e->size(), ms);
        if (ec == std::errc{} && end == e->data() + e->size() && ms >= 0) m->ttl_ms_ = ms;
    }
    return message_ref(m);
}

// One message in one queue: 24 bytes.
struct queued_message {
    static constexpr clock::time_point never = clock::time_point::max();

    message_ref content;
    // Position in the queue: a requeued message goes back to where it was.
    std::uint64_t sequence : 47 = 0;
    // Times delivered and given back, which a quorum queue counts (x-delivery-count).
    std::uint64_t returns : 16 = 0;
    std::uint64_t redelivered : 1 = 0;
    clock::time_point expires_at = never;

    bool expires() const noexcept { return expires_at != never; }
    std::size_t body_size() const noexcept { return content->body().size(); }
};

}  // namespace amqp::fakebroker
