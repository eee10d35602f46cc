#include "model/headers_match.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace amqp::fakebroker {
namespace {

using protocol::byte_array;
using protocol::decimal;
using protocol::field_array;
using protocol::field_table;
using protocol::field_value;

protocol::timestamp seconds(std::int64_t s) { return protocol::timestamp(std::chrono::seconds(s)); }

bool matches(const field_table& args, const field_table& headers) { return headers_match(args, &headers); }

// --- x-match modes ---

TEST(headers_match, all_is_the_default)
{
    const field_table args{{"format", std::string("pdf")}, {"type", std::string("report")}};
    EXPECT_TRUE(matches(args, {{"format", std::string("pdf")}, {"type", std::string("report")}}));
    EXPECT_TRUE(
        matches(args, {{"type", std::string("report")}, {"format", std::string("pdf")}, {"extra", std::int32_t(1)}}));
    EXPECT_FALSE(matches(args, {{"format", std::string("pdf")}}));
    EXPECT_FALSE(matches(args, {{"format", std::string("pdf")}, {"type", std::string("log")}}));
}

TEST(headers_match, all_explicitly)
{
    const field_table args{{"x-match", std::string("all")}, {"a", std::int32_t(1)}, {"b", std::int32_t(2)}};
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}, {"b", std::int32_t(2)}}));
    EXPECT_FALSE(matches(args, {{"a", std::int32_t(1)}, {"b", std::int32_t(3)}}));
    EXPECT_FALSE(matches(args, {{"b", std::int32_t(2)}}));
}

TEST(headers_match, any)
{
    const field_table args{{"x-match", std::string("any")}, {"a", std::int32_t(1)}, {"b", std::int32_t(2)}};
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}}));
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(9)}, {"b", std::int32_t(2)}}));
    EXPECT_FALSE(matches(args, {{"a", std::int32_t(9)}, {"b", std::int32_t(9)}}));
    EXPECT_FALSE(matches(args, {{"c", std::int32_t(1)}}));
}

TEST(headers_match, with_nothing_to_compare_all_matches_and_any_does_not)
{
    const field_table all{{"x-match", std::string("all")}};
    const field_table any{{"x-match", std::string("any")}};
    EXPECT_TRUE(matches(all, {}));
    EXPECT_TRUE(headers_match(all, nullptr));
    EXPECT_TRUE(headers_match(field_table{}, nullptr));
    EXPECT_FALSE(matches(any, {{"a", std::int32_t(1)}}));
    EXPECT_FALSE(headers_match(any, nullptr));
    // Only ignored x- arguments: the same.
    EXPECT_TRUE(matches({{"x-foo", std::int32_t(1)}}, {}));
    EXPECT_FALSE(matches({{"x-match", std::string("any")}, {"x-foo", std::int32_t(1)}}, {{"x-foo", std::int32_t(1)}}));
}

TEST(headers_match, a_message_without_headers)
{
    const field_table all{{"a", std::int32_t(1)}};
    const field_table any{{"x-match", std::string("any")}, {"a", field_value{}}};
    EXPECT_FALSE(headers_match(all, nullptr));
    EXPECT_FALSE(headers_match(any, nullptr));
    EXPECT_FALSE(matches(all, {}));
}

TEST(headers_match, x_arguments_are_ignored_without_with_x)
{
    const field_table args{
        {"x-match", std::string("all")}, {"x-first-death-reason", std::string("expired")}, {"a", std::int32_t(1)}};
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}}));
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}, {"x-first-death-reason", std::string("rejected")}}));
}

TEST(headers_match, all_with_x_compares_x_arguments)
{
    const field_table args{{"x-match", std::string("all-with-x")},
                           {"x-first-death-reason", std::string("expired")},
                           {"a", std::int32_t(1)}};
    EXPECT_FALSE(matches(args, {{"a", std::int32_t(1)}}));
    EXPECT_FALSE(matches(args, {{"a", std::int32_t(1)}, {"x-first-death-reason", std::string("rejected")}}));
    EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}, {"x-first-death-reason", std::string("expired")}}));
}

TEST(headers_match, any_with_x_compares_x_arguments)
{
    const field_table args{{"x-match", std::string("any-with-x")},
                           {"x-first-death-queue", std::string("orders")},
                           {"x-first-death-reason", std::string("expired")}};
    EXPECT_TRUE(matches(args, {{"x-first-death-reason", std::string("expired")}}));
    EXPECT_FALSE(matches(args, {{"x-first-death-reason", std::string("rejected")}}));
    EXPECT_FALSE(matches(args, {}));
}

// RabbitMQ skips "x-match" itself in every mode, so a with-x binding does not require
// the message to carry an "x-match" header.
TEST(headers_match, x_match_itself_is_never_compared)
{
    EXPECT_TRUE(matches({{"x-match", std::string("all-with-x")}, {"a", std::int32_t(1)}}, {{"a", std::int32_t(1)}}));
    EXPECT_TRUE(matches({{"x-match", std::string("all-with-x")}, {"a", std::int32_t(1)}},
                        {{"a", std::int32_t(1)}, {"x-match", std::string("any")}}));
    EXPECT_FALSE(matches({{"x-match", std::string("any-with-x")}}, {{"x-match", std::string("any-with-x")}}));
}

TEST(headers_match, an_invalid_x_match_routes_as_all)
{
    // validate_x_match refuses these bindings; routing still has an answer.
    for (const field_value& mode : {field_value(std::string("ALL")), field_value(std::string("anything")),
                                    field_value(byte_array{"any"}), field_value(std::int32_t(1))}) {
        const field_table args{{"x-match", mode}, {"a", std::int32_t(1)}, {"b", std::int32_t(2)}};
        EXPECT_FALSE(matches(args, {{"a", std::int32_t(1)}})) << mode;
        EXPECT_TRUE(matches(args, {{"a", std::int32_t(1)}, {"b", std::int32_t(2)}})) << mode;
    }
}

TEST(headers_match, keys_are_case_sensitive)
{
    EXPECT_FALSE(matches({{"Format", std::string("pdf")}}, {{"format", std::string("pdf")}}));
}

// --- values ---

TEST(headers_match, void_matches_presence)
{
    const field_table args{{"a", field_value{}}};
    EXPECT_TRUE(matches(args, {{"a", std::string("anything")}}));
    EXPECT_TRUE(matches(args, {{"a", field_value{}}}));
    EXPECT_TRUE(matches(args, {{"a", field_table{}}}));
    EXPECT_FALSE(matches(args, {{"b", std::int32_t(1)}}));
    EXPECT_TRUE(matches({{"x-match", std::string("any")}, {"a", field_value{}}, {"b", std::int32_t(1)}},
                        {{"a", std::int64_t(0)}}));
}

TEST(headers_match, a_void_header_only_matches_a_void_argument)
{
    EXPECT_FALSE(matches({{"a", std::string("")}}, {{"a", field_value{}}}));
    EXPECT_FALSE(matches({{"a", std::int32_t(0)}}, {{"a", field_value{}}}));
    EXPECT_FALSE(matches({{"a", false}}, {{"a", field_value{}}}));
}

TEST(headers_match, integers_compare_by_value_across_widths)
{
    EXPECT_TRUE(matches({{"n", std::int32_t(1)}}, {{"n", std::int64_t(1)}}));
    EXPECT_TRUE(matches({{"n", std::uint8_t(1)}}, {{"n", std::uint32_t(1)}}));
    EXPECT_TRUE(matches({{"n", std::int16_t(-1)}}, {{"n", std::int8_t(-1)}}));
    EXPECT_TRUE(matches({{"n", std::uint32_t(4000000000u)}}, {{"n", std::int64_t(4000000000)}}));
    EXPECT_FALSE(matches({{"n", std::int32_t(1)}}, {{"n", std::int64_t(2)}}));
    EXPECT_FALSE(matches({{"n", std::uint8_t(255)}}, {{"n", std::int8_t(-1)}}));
}

TEST(headers_match, long_strings_and_byte_arrays_compare_by_bytes)
{
    EXPECT_TRUE(matches({{"s", std::string("abc")}}, {{"s", byte_array{"abc"}}}));
    EXPECT_TRUE(matches({{"s", byte_array{"abc"}}}, {{"s", std::string("abc")}}));
    EXPECT_FALSE(matches({{"s", std::string("abc")}}, {{"s", byte_array{"abd"}}}));
    EXPECT_FALSE(matches({{"s", std::string("1")}}, {{"s", std::int32_t(1)}}));
}

// 3.13+ compares with =:=, so 1 and 1.0 differ (3.6 to 3.12 used == and matched them).
TEST(headers_match, floats_never_equal_integers)
{
    EXPECT_FALSE(matches({{"n", std::int32_t(1)}}, {{"n", 1.0}}));
    EXPECT_FALSE(matches({{"n", 1.0}}, {{"n", std::int64_t(1)}}));
    EXPECT_TRUE(matches({{"n", 1.5f}}, {{"n", 1.5}}));
    EXPECT_TRUE(matches({{"n", 2.25}}, {{"n", 2.25f}}));
    // 0.1f widens to 0.100000001490116..., not 0.1.
    EXPECT_FALSE(matches({{"n", 0.1f}}, {{"n", 0.1}}));
}

TEST(headers_match, booleans_are_not_integers)
{
    EXPECT_TRUE(matches({{"b", true}}, {{"b", true}}));
    EXPECT_FALSE(matches({{"b", true}}, {{"b", false}}));
    EXPECT_FALSE(matches({{"b", true}}, {{"b", std::int32_t(1)}}));
    EXPECT_FALSE(matches({{"b", std::uint8_t(0)}}, {{"b", false}}));
}

TEST(headers_match, decimals)
{
    EXPECT_TRUE(matches({{"d", decimal{2, 150}}}, {{"d", decimal{2, 150}}}));
    EXPECT_FALSE(matches({{"d", decimal{2, 150}}}, {{"d", decimal{1, 15}}}));
    EXPECT_FALSE(matches({{"d", decimal{0, 1}}}, {{"d", std::int32_t(1)}}));
}

// A header timestamp is routed in milliseconds; a binding argument keeps its value.
TEST(headers_match, header_timestamps_route_as_milliseconds)
{
    EXPECT_FALSE(matches({{"t", seconds(5)}}, {{"t", seconds(5)}}));
    EXPECT_TRUE(matches({{"t", seconds(0)}}, {{"t", seconds(0)}}));
    EXPECT_TRUE(matches({{"t", std::int64_t(5000)}}, {{"t", seconds(5)}}));
    EXPECT_TRUE(matches({{"t", std::int32_t(-2000)}}, {{"t", seconds(-2)}}));
    EXPECT_FALSE(matches({{"t", std::int64_t(5001)}}, {{"t", seconds(5)}}));
    EXPECT_FALSE(matches({{"t", std::int64_t(5)}}, {{"t", seconds(5)}}));
    EXPECT_TRUE(matches({{"t", seconds(5)}}, {{"t", std::int64_t(5)}}));
    // No overflow on the far edge.
    constexpr std::int64_t far = INT64_MAX / 1000;
    EXPECT_TRUE(matches({{"t", std::int64_t(far * 1000)}}, {{"t", seconds(far)}}));
    EXPECT_FALSE(matches({{"t", std::int64_t(INT64_MAX)}}, {{"t", seconds(far)}}));
}

TEST(headers_match, arrays_and_tables_compare_with_their_element_types)
{
    const field_array ints{std::int32_t(1), std::string("a")};
    EXPECT_TRUE(matches({{"a", ints}}, {{"a", field_array{std::int32_t(1), std::string("a")}}}));
    EXPECT_FALSE(matches({{"a", ints}}, {{"a", field_array{std::int64_t(1), std::string("a")}}}));
    EXPECT_FALSE(matches({{"a", ints}}, {{"a", field_array{std::int32_t(1), byte_array{"a"}}}}));
    EXPECT_FALSE(matches({{"a", ints}}, {{"a", field_array{std::string("a"), std::int32_t(1)}}}));

    const field_table nested{{"k", std::int32_t(1)}, {"l", std::string("v")}};
    EXPECT_TRUE(matches({{"t", nested}}, {{"t", field_table{{"k", std::int32_t(1)}, {"l", std::string("v")}}}}));
    EXPECT_FALSE(matches({{"t", nested}}, {{"t", field_table{{"k", std::int64_t(1)}, {"l", std::string("v")}}}}));
    EXPECT_FALSE(matches({{"t", nested}}, {{"t", field_table{{"l", std::string("v")}, {"k", std::int32_t(1)}}}}));
    EXPECT_FALSE(matches({{"t", nested}}, {{"t", ints}}));
}

TEST(headers_match, a_repeated_header_counts_with_its_last_value)
{
    field_table headers;
    headers.append("a", std::int32_t(1));
    headers.append("a", std::int32_t(2));
    EXPECT_TRUE(matches({{"a", std::int32_t(2)}}, headers));
    EXPECT_FALSE(matches({{"a", std::int32_t(1)}}, headers));
}

// --- validate_x_match ---

TEST(validate_x_match, accepts_the_four_modes_and_absence)
{
    EXPECT_EQ(validate_x_match({}), std::nullopt);
    EXPECT_EQ(validate_x_match({{"a", std::int32_t(1)}}), std::nullopt);
    for (const char* mode : {"all", "any", "all-with-x", "any-with-x"})
        EXPECT_EQ(validate_x_match({{"x-match", std::string(mode)}}), std::nullopt) << mode;
}

std::string invalid_value(const std::string& printed)
{
    return "Invalid x-match field value " + printed + "; expected all, any, all-with-x, or any-with-x";
}

TEST(validate_x_match, an_unknown_mode)
{
    EXPECT_EQ(validate_x_match({{"x-match", std::string("some")}}), invalid_value(R"(<<"some">>)"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("ALL")}}), invalid_value(R"(<<"ALL">>)"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("all ")}}), invalid_value(R"(<<"all ">>)"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("")}}), invalid_value("<<>>"));
}

TEST(validate_x_match, values_print_as_erlang_binaries)
{
    EXPECT_EQ(validate_x_match({{"x-match", std::string("a\"b\\c\n")}}), invalid_value(R"(<<"a\"b\\c\n">>)"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("\x01\x7f")}}), invalid_value("<<1,127>>"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("caf\xc3\xa9")}}), invalid_value("<<\"caf\xc3\xa9\"/utf8>>"));
    EXPECT_EQ(validate_x_match({{"x-match", std::string("\xff")}}), invalid_value("<<\"\xff\">>"));
}

TEST(validate_x_match, the_first_x_match_counts)
{
    field_table args;
    args.append("x-match", std::string("nope"));
    args.append("x-match", std::string("all"));
    EXPECT_EQ(validate_x_match(args), invalid_value(R"(<<"nope">>)"));
}

std::string invalid_type(const std::string& type, const std::string& value)
{
    return "Invalid x-match field type " + type + " (value " + value + "); expected longstr";
}

TEST(validate_x_match, a_value_that_is_not_a_long_string)
{
    auto check = [](const field_value& v) { return validate_x_match({{"x-match", v}}); };
    EXPECT_EQ(check(byte_array{"any"}), invalid_type("binary", R"(<<"any">>)"));
    EXPECT_EQ(check(std::int32_t(1)), invalid_type("signedint", "1"));
    EXPECT_EQ(check(std::int64_t(-7)), invalid_type("long", "-7"));
    EXPECT_EQ(check(std::uint8_t(200)), invalid_type("unsignedbyte", "200"));
    EXPECT_EQ(check(std::int8_t(-3)), invalid_type("byte", "-3"));
    EXPECT_EQ(check(std::int16_t(3)), invalid_type("short", "3"));
    EXPECT_EQ(check(std::uint16_t(3)), invalid_type("unsignedshort", "3"));
    EXPECT_EQ(check(std::uint32_t(3)), invalid_type("unsignedint", "3"));
    EXPECT_EQ(check(true), invalid_type("bool", "true"));
    EXPECT_EQ(check(field_value{}), invalid_type("void", "undefined"));
    EXPECT_EQ(check(seconds(99)), invalid_type("timestamp", "99"));
    EXPECT_EQ(check(decimal{2, 100}), invalid_type("decimal", "{2,100}"));
    EXPECT_EQ(check(1.5), invalid_type("double", "1.5"));
    EXPECT_EQ(check(100.0), invalid_type("double", "100.0"));
    EXPECT_EQ(check(1000.0), invalid_type("double", "1.0e3"));
    EXPECT_EQ(check(0.001), invalid_type("double", "0.001"));
    EXPECT_EQ(check(-0.0), invalid_type("double", "-0.0"));
    EXPECT_EQ(check(0.1f), invalid_type("float", "0.10000000149011612"));
    EXPECT_EQ(check(field_array{std::string("all"), std::int32_t(1)}),
              invalid_type("array", R"([{longstr,<<"all">>},{signedint,1}])"));
    EXPECT_EQ(check(field_table{{"k", std::string("v")}, {"n", field_array{}}}),
              invalid_type("table", R"([{<<"k">>,longstr,<<"v">>},{<<"n">>,array,[]}])"));
}

}  // namespace
}  // namespace amqp::fakebroker
