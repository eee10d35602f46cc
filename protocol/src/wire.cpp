#include <amqp/protocol/wire.hpp>

#include <bit>
#include <stdexcept>
#include <type_traits>

namespace amqp::protocol {

void writer::throw_shortstr_too_long(std::size_t size)
{
    throw std::length_error("AMQP short string of " + std::to_string(size) + " bytes exceeds the 255-byte limit");
}

void writer::table(const field_table& t)
{
    // The size prefix counts the bytes that follow it; patch it in afterwards.
    const std::size_t size_at = out_.size();
    long_uint(0);
    for (const auto& [key, value] : t) {
        shortstr(key);
        this->value(value);
    }
    detail::store_be32(out_.data().data() + size_at, static_cast<std::uint32_t>(out_.size() - size_at - 4));
}

void writer::array(const field_array& a)
{
    const std::size_t size_at = out_.size();
    long_uint(0);
    for (const auto& element : a) value(element);
    detail::store_be32(out_.data().data() + size_at, static_cast<std::uint32_t>(out_.size() - size_at - 4));
}

void writer::value(const field_value& v)
{
    octet(static_cast<std::uint8_t>(v.type_letter()));
    std::visit(
        [this](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
            } else if constexpr (std::is_same_v<T, bool>) {
                octet(x ? 1 : 0);
            } else if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
                octet(static_cast<std::uint8_t>(x));
            } else if constexpr (std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::uint16_t>) {
                short_uint(static_cast<std::uint16_t>(x));
            } else if constexpr (std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint32_t>) {
                long_uint(static_cast<std::uint32_t>(x));
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                longlong_uint(static_cast<std::uint64_t>(x));
            } else if constexpr (std::is_same_v<T, float>) {
                long_uint(std::bit_cast<std::uint32_t>(x));
            } else if constexpr (std::is_same_v<T, double>) {
                longlong_uint(std::bit_cast<std::uint64_t>(x));
            } else if constexpr (std::is_same_v<T, decimal>) {
                octet(x.scale);
                long_uint(x.value);
            } else if constexpr (std::is_same_v<T, std::string>) {
                longstr(x);
            } else if constexpr (std::is_same_v<T, field_array>) {
                array(x);
            } else if constexpr (std::is_same_v<T, timestamp>) {
                stamp(x);
            } else if constexpr (std::is_same_v<T, field_table>) {
                table(x);
            } else {
                static_assert(std::is_same_v<T, byte_array>);
                longstr(x.bytes);
            }
        },
        v.variant());
}

bool reader::table(field_table& t, int depth)
{
    std::uint32_t size;
    if (!long_uint(size) || !need(size)) return false;
    if (depth >= max_nesting) {
        fail("field tables and arrays nested more than " + std::to_string(max_nesting) + " deep");
        return false;
    }
    // Read the entries from a sub-reader bounded by the table's size, so a value
    // that claims to run past the table is caught as truncation.
    reader inner({p_, size});
    t.clear();
    while (!inner.at_end()) {
        std::string key;
        field_value v;
        if (!inner.shortstr(key) || !inner.value(v, depth + 1)) {
            fail(inner.failure());
            return false;
        }
        t.append(std::move(key), std::move(v));
    }
    p_ += size;
    return true;
}

bool reader::array(field_array& a, int depth)
{
    std::uint32_t size;
    if (!long_uint(size) || !need(size)) return false;
    if (depth >= max_nesting) {
        fail("field tables and arrays nested more than " + std::to_string(max_nesting) + " deep");
        return false;
    }
    reader inner({p_, size});
    a.clear();
    while (!inner.at_end()) {
        if (!inner.value(a.emplace_back(), depth + 1)) {
            fail(inner.failure());
            return false;
        }
    }
    p_ += size;
    return true;
}

bool reader::value(field_value& v, int depth)
{
    std::uint8_t type;
    if (!octet(type)) return false;
    std::uint8_t u8 = 0;
    std::uint16_t u16 = 0;
    std::uint32_t u32 = 0;
    std::uint64_t u64 = 0;
    switch (type) {
    case 'V': v = std::monostate{}; return true;
    case 't':
        if (!octet(u8)) return false;
        v = u8 != 0;
        return true;
    case 'b':
        if (!octet(u8)) return false;
        v = static_cast<std::int8_t>(u8);
        return true;
    case 'B':
        if (!octet(u8)) return false;
        v = u8;
        return true;
    case 's':
        if (!short_uint(u16)) return false;
        v = static_cast<std::int16_t>(u16);
        return true;
    case 'u':
        if (!short_uint(u16)) return false;
        v = u16;
        return true;
    case 'I':
        if (!long_uint(u32)) return false;
        v = static_cast<std::int32_t>(u32);
        return true;
    case 'i':
        if (!long_uint(u32)) return false;
        v = u32;
        return true;
    case 'l':
        if (!longlong_uint(u64)) return false;
        v = static_cast<std::int64_t>(u64);
        return true;
    case 'f':
        if (!long_uint(u32)) return false;
        v = std::bit_cast<float>(u32);
        return true;
    case 'd':
        if (!longlong_uint(u64)) return false;
        v = std::bit_cast<double>(u64);
        return true;
    case 'D':
        if (!octet(u8) || !long_uint(u32)) return false;
        v = decimal{u8, u32};
        return true;
    case 'S': return longstr(v.emplace<std::string>());
    case 'A': return array(v.emplace<field_array>(), depth);
    case 'T': return stamp(v.emplace<timestamp>());
    case 'F': return table(v.emplace<field_table>(), depth);
    case 'x': return longstr(v.emplace<byte_array>().bytes);
    default:
        fail(std::string("unknown field value type ") +
             (type >= 0x20 && type < 0x7f ? std::string{'\'', char(type), '\''} : "0x" + std::to_string(type)));
        return false;
    }
}

}  // namespace amqp::protocol
