#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace amqp::protocol {

// AMQP decimal: value / 10^scale. RabbitMQ reads the value as an unsigned 32-bit
// integer (the 0-9-1 spec's long-uint), and so do we.
struct decimal {
    std::uint8_t scale = 0;
    std::uint32_t value = 0;
    bool operator==(const decimal&) const = default;
};

// AMQP timestamps are POSIX seconds carried in 64 bits.
using timestamp = std::chrono::sys_seconds;

// The 'x' type: raw bytes, distinct from the 'S' long string so a round trip keeps
// the type the peer sent.
struct byte_array {
    std::string bytes;
    bool operator==(const byte_array&) const = default;
};

struct field_value;
using field_array = std::vector<field_value>;

// A field table keeps its entries in wire order, so decoding and re-encoding gives
// the same bytes; lookups are linear, which beats hashing for the handful of keys
// real tables hold.
class field_table {
public:
    using entry = std::pair<std::string, field_value>;
    using const_iterator = std::vector<entry>::const_iterator;

    field_table() = default;
    field_table(std::initializer_list<entry> entries);

    // Replaces the value of an existing key, or appends a new entry.
    void set(std::string key, field_value value);
    // Appends without looking for an existing key (what a decoder does).
    void append(std::string key, field_value value);
    const field_value* find(std::string_view key) const;
    field_value* find(std::string_view key);
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    bool erase(std::string_view key);

    // Defined below, where field_value is complete.
    std::size_t size() const noexcept;
    bool empty() const noexcept;
    const_iterator begin() const noexcept;
    const_iterator end() const noexcept;
    void clear() noexcept;

    bool operator==(const field_table& other) const;

private:
    std::vector<entry> entries_;
};

// One alternative per type letter that RabbitMQ reads and writes, so the letter
// survives a round trip:
//   V void, t bool, b int8, B uint8, s int16, u uint16, I int32, i uint32, l int64,
//   f float, d double, D decimal, S long string, A array, T timestamp, F table,
//   x byte array.
// RabbitMQ reads 's' as a signed 16-bit integer, not the 0-9-1 spec's short string
// (see RabbitMQ's "AMQP 0-9-1 errata" page); we follow RabbitMQ.
using field_variant = std::variant<std::monostate, bool, std::int8_t, std::uint8_t, std::int16_t, std::uint16_t,
                                   std::int32_t, std::uint32_t, std::int64_t, float, double, decimal, std::string,
                                   field_array, timestamp, field_table, byte_array>;

struct field_value : field_variant {
    using field_variant::variant;

    // The type letter this value has on the wire.
    char type_letter() const noexcept;

    template <class T>
    const T* get_if() const noexcept
    {
        return std::get_if<T>(static_cast<const field_variant*>(this));
    }
    const field_variant& variant() const noexcept { return *this; }

    // The value as a signed integer when it holds any integer type, for lookups
    // such as x-max-length where peers pick different widths.
    bool to_int64(std::int64_t& out) const noexcept;
    // The value when it holds a long string or a byte array.
    const std::string* string() const noexcept;
};

inline std::size_t field_table::size() const noexcept { return entries_.size(); }
inline bool field_table::empty() const noexcept { return entries_.empty(); }
inline field_table::const_iterator field_table::begin() const noexcept { return entries_.begin(); }
inline field_table::const_iterator field_table::end() const noexcept { return entries_.end(); }
inline void field_table::clear() noexcept { entries_.clear(); }

std::ostream& operator<<(std::ostream& os, const field_value& value);
std::ostream& operator<<(std::ostream& os, const field_table& table);
std::ostream& operator<<(std::ostream& os, const field_array& array);

}  // namespace amqp::protocol
