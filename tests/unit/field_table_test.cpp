#include "random_values.hpp"

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/wire.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace amqp::protocol {
namespace {

field_table round_trip(const field_table& t)
{
    byte_buffer out;
    writer(out).table(t);
    reader r(out.data());
    field_table back;
    EXPECT_TRUE(r.table(back)) << r.failure();
    EXPECT_TRUE(r.at_end());
    return back;
}

TEST(field_table, every_type_round_trips_with_its_type_letter)
{
    const field_table t{
        {"void", std::monostate{}},
        {"bool", true},
        {"int8", std::int8_t{-5}},
        {"uint8", std::uint8_t{250}},
        {"int16", std::int16_t{-30000}},
        {"uint16", std::uint16_t{60000}},
        {"int32", std::int32_t{-2000000000}},
        {"uint32", std::uint32_t{4000000000u}},
        {"int64", std::int64_t{-9000000000000000000}},
        {"float", 1.5f},
        {"double", -2.25},
        {"decimal", decimal{2, 314}},
        {"string", std::string("long string")},
        {"array", field_array{std::int32_t{1}, std::string("two")}},
        {"timestamp", timestamp{std::chrono::seconds{1700000000}}},
        {"table", field_table{{"inner", false}}},
        {"bytes", byte_array{std::string("\x00\xff", 2)}},
    };
    const std::string letters = "VtbBsuIilfdDSATFx";
    std::string seen;
    for (const auto& [key, value] : t) seen += value.type_letter();
    EXPECT_EQ(seen, letters);
    EXPECT_EQ(round_trip(t), t);
}

TEST(field_table, encodes_the_bytes_rabbitmq_expects)
{
    byte_buffer out;
    writer(out).table(field_table{{"a", std::int32_t{1}}, {"s", std::int16_t{-2}}});
    // size 12; "a" 'I' 00000001; "s" 's' fffe (RabbitMQ's signed 16-bit 's')
    const std::string expected(
        "\x00\x00\x00\x0c\x01"
        "aI\x00\x00\x00\x01\x01ss\xff\xfe",
        16);
    EXPECT_EQ(out.view(), expected);
}

TEST(field_table, nested_tables_and_arrays_round_trip)
{
    field_table deep{{"level", std::int32_t{0}}};
    for (int i = 1; i < 10; ++i) {
        deep = field_table{
            {"level", std::int32_t{i}}, {"child", deep}, {"list", field_array{deep, field_array{std::int8_t{1}}}}};
    }
    EXPECT_EQ(round_trip(deep), deep);
}

TEST(field_table, generated_tables_round_trip)
{
    test::random_values gen(0xF1E1D);
    for (int i = 0; i < 2000; ++i) {
        const field_table t = gen.table();
        const field_table back = round_trip(t);
        // NaN != NaN, so compare encodings rather than values.
        byte_buffer a, b;
        writer(a).table(t);
        writer(b).table(back);
        ASSERT_EQ(a.view(), b.view());
    }
}

TEST(field_table, every_truncation_fails_cleanly)
{
    test::random_values gen(42);
    for (int i = 0; i < 200; ++i) {
        byte_buffer out;
        writer(out).table(gen.table());
        const auto bytes = out.data();
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            reader r(bytes.first(n));
            field_table t;
            ASSERT_FALSE(r.table(t));
            ASSERT_FALSE(r.failure().empty());
        }
    }
}

TEST(field_table, unknown_type_letter_is_refused)
{
    // One entry "k" of type 'U' (the 0-9-1 spec's, which RabbitMQ does not use).
    const std::string bytes("\x00\x00\x00\x05\x01kU\x00\x01", 9);
    reader r(std::as_bytes(std::span{bytes.data(), bytes.size()}));
    field_table t;
    EXPECT_FALSE(r.table(t));
    EXPECT_EQ(r.failure(), "unknown field value type 'U'");
}

TEST(field_table, size_past_the_end_is_truncation)
{
    const std::string bytes("\x00\x00\x10\x00\x01kt\x01", 8);
    reader r(std::as_bytes(std::span{bytes.data(), bytes.size()}));
    field_table t;
    EXPECT_FALSE(r.table(t));
    EXPECT_EQ(r.failure(), "truncated");
}

TEST(field_table, a_value_that_overruns_its_table_is_truncation)
{
    // The table says 4 bytes, but its string value claims 16.
    const std::string bytes("\x00\x00\x00\x04\x01kS\x00\x00\x00\x10", 11);
    reader r(std::as_bytes(std::span{bytes.data(), bytes.size()}));
    field_table t;
    EXPECT_FALSE(r.table(t));
}

TEST(field_table, hostile_nesting_is_refused_not_a_stack_overflow)
{
    // 100000 arrays, each holding the next: 5 bytes per level.
    const int levels = 100000;
    std::string bytes;
    for (int i = 0; i < levels; ++i) {
        const std::uint32_t size = static_cast<std::uint32_t>((levels - i - 1) * 5);
        bytes += 'A';
        bytes += char(size >> 24);
        bytes += char(size >> 16);
        bytes += char(size >> 8);
        bytes += char(size);
    }
    bytes.erase(0, 1);  // the outermost array is read with array(), without a type letter
    reader r(std::as_bytes(std::span{bytes.data(), bytes.size()}));
    field_array a;
    EXPECT_FALSE(r.array(a));
    EXPECT_NE(r.failure().find("nested more than"), std::string::npos) << r.failure();
}

TEST(field_table, set_find_erase)
{
    field_table t;
    EXPECT_TRUE(t.empty());
    t.set("x-max-length", 10);
    t.set("x-overflow", "reject-publish");
    t.set("x-max-length", 20);
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(*t.find("x-max-length"), field_value{20});
    EXPECT_EQ(*t.find("x-overflow"), field_value{std::string("reject-publish")});
    EXPECT_EQ(t.find("missing"), nullptr);
    EXPECT_TRUE(t.erase("x-max-length"));
    EXPECT_FALSE(t.erase("x-max-length"));
    EXPECT_FALSE(t.contains("x-max-length"));
}

TEST(field_value, integers_of_any_width_read_as_int64)
{
    std::int64_t v = 0;
    EXPECT_TRUE(field_value{std::uint8_t{7}}.to_int64(v));
    EXPECT_EQ(v, 7);
    EXPECT_TRUE(field_value{std::int16_t{-3}}.to_int64(v));
    EXPECT_EQ(v, -3);
    EXPECT_TRUE(field_value{std::int64_t{1} << 40}.to_int64(v));
    EXPECT_EQ(v, std::int64_t{1} << 40);
    EXPECT_FALSE(field_value{true}.to_int64(v));
    EXPECT_FALSE(field_value{"10"}.to_int64(v));
}

TEST(field_value, string_reads_long_strings_and_byte_arrays)
{
    EXPECT_EQ(*field_value{"abc"}.string(), "abc");
    EXPECT_EQ(*field_value{byte_array{"xyz"}}.string(), "xyz");
    EXPECT_EQ(field_value{1}.string(), nullptr);
}

TEST(field_table, prints_readably)
{
    std::ostringstream os;
    os << field_table{{"a", 1}, {"b", field_array{"x", true}}, {"c", std::monostate{}}};
    EXPECT_EQ(os.str(), R"({"a": 1:I, "b": ["x":S, true:t]:A, "c": void:V})");
}

}  // namespace
}  // namespace amqp::protocol
