#pragma once

#include <amqp/protocol/constants.hpp>

#include <cassert>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <variant>

namespace amqp::protocol {

// A protocol violation found while decoding, as the AMQP reply code the peer is
// closed with and a human-readable detail. class_id/method_id name the method
// being decoded when there was one (they go into connection.close).
struct protocol_error {
    reply_code code = reply_code::internal_error;
    std::string detail;
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;

    // RabbitMQ's reply-text shape, "FRAME_ERROR - frame end 0x41 is not 0xCE", cut as
    // RabbitMQ cuts it to fit a short string (252 bytes and "...").
    std::string reply_text() const;
    bool operator==(const protocol_error&) const = default;
};

std::ostream& operator<<(std::ostream& os, const protocol_error& error);

// The outcome of decoding a value: the value or the protocol error. Decoders never
// throw on wire input; this is how they fail.
template <class T>
class result {
public:
    result(T value) : state_(std::move(value)) {}
    result(protocol_error error) : state_(std::move(error)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() &
    {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const&
    {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() &&
    {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const protocol_error& error() const
    {
        assert(!has_value());
        return std::get<1>(state_);
    }

private:
    std::variant<T, protocol_error> state_;
};

}  // namespace amqp::protocol
