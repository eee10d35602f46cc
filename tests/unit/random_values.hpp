#pragma once

// Seeded generators of wire values for property-style round-trip tests.

#include <amqp/protocol/field_table.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace amqp::test {

class random_values {
public:
    explicit random_values(std::uint64_t seed) : rng_(seed) {}

    template <class T>
    T integer()
    {
        // Edge values a third of the time: they are where codecs break.
        switch (pick(6)) {
        case 0: return std::numeric_limits<T>::min();
        case 1: return std::numeric_limits<T>::max();
        default: return static_cast<T>(rng_());
        }
    }

    bool boolean() { return pick(2) == 1; }

    std::string string(std::size_t max_size = 255)
    {
        std::size_t size = pick(4) == 0 ? max_size : pick(std::min<std::size_t>(max_size, 40) + 1);
        std::string s(size, '\0');
        for (char& c : s) c = static_cast<char>(rng_());
        return s;
    }

    protocol::field_value value(int depth)
    {
        using namespace amqp::protocol;
        switch (pick(depth > 2 ? 15 : 17)) {
        case 0: return std::monostate{};
        case 1: return boolean();
        case 2: return integer<std::int8_t>();
        case 3: return integer<std::uint8_t>();
        case 4: return integer<std::int16_t>();
        case 5: return integer<std::uint16_t>();
        case 6: return integer<std::int32_t>();
        case 7: return integer<std::uint32_t>();
        case 8: return integer<std::int64_t>();
        case 9: return static_cast<float>(integer<std::int32_t>()) / 7.0f;
        case 10: return static_cast<double>(integer<std::int64_t>()) / 3.0;
        case 11: return decimal{integer<std::uint8_t>(), integer<std::uint32_t>()};
        case 12: return string(300);
        case 13: return timestamp{std::chrono::seconds{integer<std::int64_t>()}};
        case 14: return byte_array{string(64)};
        case 15: return table(depth + 1);
        default: return array(depth + 1);
        }
    }

    protocol::field_table table(int depth = 0)
    {
        protocol::field_table t;
        const std::size_t n = pick(6);
        for (std::size_t i = 0; i < n; ++i) t.append(string(20), value(depth));
        return t;
    }

    protocol::field_array array(int depth = 0)
    {
        protocol::field_array a;
        const std::size_t n = pick(5);
        for (std::size_t i = 0; i < n; ++i) a.push_back(value(depth));
        return a;
    }

    std::size_t pick(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

private:
    std::mt19937_64 rng_;
};

// Fills every argument of a method with a generated value of its type:
// M::fields(m, fill_randomly{gen}).
struct fill_randomly {
    random_values& gen;

    void operator()(const char*, bool& v) { v = gen.boolean(); }
    void operator()(const char*, std::uint8_t& v) { v = gen.integer<std::uint8_t>(); }
    void operator()(const char*, std::uint16_t& v) { v = gen.integer<std::uint16_t>(); }
    void operator()(const char*, std::uint32_t& v) { v = gen.integer<std::uint32_t>(); }
    void operator()(const char*, std::uint64_t& v) { v = gen.integer<std::uint64_t>(); }
    void operator()(const char*, std::string& v) { v = gen.string(); }
    void operator()(const char*, protocol::field_table& v) { v = gen.table(); }
};

}  // namespace amqp::test
