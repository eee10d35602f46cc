#pragma once

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/field_table.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

// The AMQP wire primitives: big-endian integers, short and long strings, packed bits,
// field tables. The generated method codecs are written in terms of these.
namespace amqp::protocol {

namespace detail {

inline void store_be16(std::byte* p, std::uint16_t v) noexcept
{
    p[0] = std::byte(v >> 8);
    p[1] = std::byte(v);
}
inline void store_be32(std::byte* p, std::uint32_t v) noexcept
{
    v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void store_be64(std::byte* p, std::uint64_t v) noexcept
{
    v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}
inline std::uint16_t load_be16(const std::byte* p) noexcept
{
    return std::uint16_t((std::uint16_t(p[0]) << 8) | std::uint16_t(p[1]));
}
inline std::uint32_t load_be32(const std::byte* p) noexcept
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline std::uint64_t load_be64(const std::byte* p) noexcept
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

}  // namespace detail

// Packs consecutive bit arguments into one octet, first argument in the lowest bit.
template <class... Bools>
constexpr std::uint8_t pack_bits(Bools... bits) noexcept
{
    static_assert(sizeof...(Bools) <= 8);
    std::uint8_t octet = 0;
    int i = 0;
    ((octet |= std::uint8_t(bits ? 1u << i : 0u), ++i), ...);
    return octet;
}

// Appends wire values to a byte_buffer. Writing cannot fail on valid values; a short
// string longer than 255 bytes is a caller bug and throws std::length_error (callers
// validate names at their API boundary).
class writer {
public:
    explicit writer(byte_buffer& out) noexcept : out_(out) {}

    void octet(std::uint8_t v)
    {
        *out_.prepare(1) = std::byte(v);
        out_.commit(1);
    }
    void short_uint(std::uint16_t v)
    {
        detail::store_be16(out_.prepare(2), v);
        out_.commit(2);
    }
    void long_uint(std::uint32_t v)
    {
        detail::store_be32(out_.prepare(4), v);
        out_.commit(4);
    }
    void longlong_uint(std::uint64_t v)
    {
        detail::store_be64(out_.prepare(8), v);
        out_.commit(8);
    }
    void shortstr(std::string_view s)
    {
        if (s.size() > 255) throw_shortstr_too_long(s.size());
        std::byte* p = out_.prepare(1 + s.size());
        p[0] = std::byte(s.size());
        if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
        out_.commit(1 + s.size());
    }
    void longstr(std::string_view s)
    {
        std::byte* p = out_.prepare(4 + s.size());
        detail::store_be32(p, static_cast<std::uint32_t>(s.size()));
        if (!s.empty()) std::memcpy(p + 4, s.data(), s.size());
        out_.commit(4 + s.size());
    }
    void bytes(std::span<const std::byte> b) { out_.append(b); }
    void stamp(timestamp t) { longlong_uint(static_cast<std::uint64_t>(t.time_since_epoch().count())); }
    void table(const field_table& t);
    void array(const field_array& a);
    void value(const field_value& v);

    byte_buffer& buffer() noexcept { return out_; }

private:
    [[noreturn]] static void throw_shortstr_too_long(std::size_t size);

    byte_buffer& out_;
};

// Reads wire values from a span. Each read returns false when the input is short or
// malformed and then leaves a description in failure(); it never reads past the span.
class reader {
public:
    // Deeper nesting of tables and arrays is refused so hostile input cannot exhaust
    // the stack; real tables nest a few levels at most.
    static constexpr int max_nesting = 100;

    explicit reader(std::span<const std::byte> in) noexcept : p_(in.data()), end_(in.data() + in.size()) {}

    bool octet(std::uint8_t& v)
    {
        if (!need(1)) return false;
        v = std::uint8_t(*p_++);
        return true;
    }
    bool short_uint(std::uint16_t& v)
    {
        if (!need(2)) return false;
        v = detail::load_be16(p_);
        p_ += 2;
        return true;
    }
    bool long_uint(std::uint32_t& v)
    {
        if (!need(4)) return false;
        v = detail::load_be32(p_);
        p_ += 4;
        return true;
    }
    bool longlong_uint(std::uint64_t& v)
    {
        if (!need(8)) return false;
        v = detail::load_be64(p_);
        p_ += 8;
        return true;
    }
    bool shortstr(std::string& s)
    {
        std::uint8_t size;
        if (!octet(size) || !need(size)) return false;
        s.assign(reinterpret_cast<const char*>(p_), size);
        p_ += size;
        return true;
    }
    bool longstr(std::string& s)
    {
        std::uint32_t size;
        if (!long_uint(size) || !need(size)) return false;
        s.assign(reinterpret_cast<const char*>(p_), size);
        p_ += size;
        return true;
    }
    bool stamp(timestamp& t)
    {
        std::uint64_t v;
        if (!longlong_uint(v)) return false;
        t = timestamp{std::chrono::seconds{static_cast<std::int64_t>(v)}};
        return true;
    }
    bool table(field_table& t) { return table(t, 0); }
    bool array(field_array& a) { return array(a, 0); }

    bool at_end() const noexcept { return p_ == end_; }
    std::size_t remaining() const noexcept { return std::size_t(end_ - p_); }
    std::span<const std::byte> rest() const noexcept { return {p_, end_}; }

    // Why the last read failed ("truncated" when the input ended early).
    const std::string& failure() const noexcept { return failure_; }
    void fail(std::string why)
    {
        if (failure_.empty()) failure_ = std::move(why);
    }

private:
    bool need(std::size_t n)
    {
        if (std::size_t(end_ - p_) >= n) return true;
        fail("truncated");
        return false;
    }
    bool table(field_table& t, int depth);
    bool array(field_array& a, int depth);
    bool value(field_value& v, int depth);

    const std::byte* p_;
    const std::byte* end_;
    std::string failure_;
};

}  // namespace amqp::protocol
