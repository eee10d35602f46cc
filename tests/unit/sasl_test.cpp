#include "hex.hpp"

#include <amqp/protocol/sasl.hpp>

#include <gtest/gtest.h>

#include <string>

namespace amqp::protocol {
namespace {

using namespace std::string_literals;

TEST(sasl_plain, the_response_is_nul_user_nul_password)
{
    EXPECT_EQ(plain_response("guest", "guest"), "\0guest\0guest"s);
    EXPECT_EQ(plain_response("", ""), "\0\0"s);
}

TEST(sasl_plain, parses_what_it_encodes)
{
    const auto parsed = parse_plain(plain_response("bob", "s3cret:with spaces"));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (credentials{"bob", "s3cret:with spaces"}));
}

TEST(sasl_plain, an_authorisation_identity_before_the_first_nul_is_ignored)
{
    const auto parsed = parse_plain("admin\0bob\0pw"s);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (credentials{"bob", "pw"}));
}

TEST(sasl_plain, a_password_may_hold_a_nul_after_the_second)
{
    const auto parsed = parse_plain("\0bob\0p\0w"s);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->password, "p\0w"s);
}

TEST(sasl_plain, fewer_than_two_nuls_is_malformed)
{
    EXPECT_FALSE(parse_plain(""));
    EXPECT_FALSE(parse_plain("guest"));
    EXPECT_FALSE(parse_plain("\0guest"s));
    EXPECT_TRUE(parse_plain("\0\0"s));
}

TEST(sasl_amqplain, the_response_is_a_table_without_its_size)
{
    // LOGIN, type S, "guest"; PASSWORD, type S, "pw".
    const std::string expected =
        "054c4f47494e5300000005"
        "6775657374"
        "0850415353574f5244530000000270"
        "77";
    EXPECT_EQ(test::to_hex(as_bytes(amqplain_response("guest", "pw"))), expected);
}

TEST(sasl_amqplain, parses_what_it_encodes)
{
    const auto parsed = parse_amqplain(amqplain_response("bob", "pw"));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (credentials{"bob", "pw"}));
}

TEST(sasl_amqplain, other_entries_and_byte_arrays_are_accepted)
{
    byte_buffer out;
    writer(out).table(field_table{{"MECH", 1}, {"PASSWORD", byte_array{"pw"}}, {"LOGIN", std::string("bob")}});
    const auto parsed = parse_amqplain(out.view().substr(4));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (credentials{"bob", "pw"}));
}

TEST(sasl_amqplain, a_missing_or_non_string_entry_or_a_bad_table_is_malformed)
{
    const auto response_of = [](const field_table& t) {
        byte_buffer out;
        writer(out).table(t);
        return std::string(out.view().substr(4));
    };
    EXPECT_FALSE(parse_amqplain(response_of({{"LOGIN", std::string("bob")}})));
    EXPECT_FALSE(parse_amqplain(response_of({{"PASSWORD", std::string("pw")}})));
    EXPECT_FALSE(parse_amqplain(response_of({{"LOGIN", 7}, {"PASSWORD", std::string("pw")}})));
    EXPECT_TRUE(parse_amqplain(""s) == std::nullopt);
    // Every truncation of a good response is refused, never read past its end.
    const std::string good = amqplain_response("guest", "guest");
    for (std::size_t n = 0; n < good.size(); ++n) {
        EXPECT_FALSE(parse_amqplain(std::string_view(good).substr(0, n))) << n << " bytes";
    }
}

TEST(sasl, offers_mechanism_matches_whole_names_only)
{
    EXPECT_TRUE(offers_mechanism("AMQPLAIN PLAIN", "PLAIN"));
    EXPECT_TRUE(offers_mechanism("PLAIN AMQPLAIN", "AMQPLAIN"));
    EXPECT_TRUE(offers_mechanism("PLAIN", plain_mechanism));
    EXPECT_TRUE(offers_mechanism("EXTERNAL PLAIN AMQPLAIN", "PLAIN"));
    EXPECT_FALSE(offers_mechanism("AMQPLAIN", "PLAIN"));
    EXPECT_FALSE(offers_mechanism("PLAINTEXT", "PLAIN"));
    EXPECT_FALSE(offers_mechanism("plain", "PLAIN"));
    EXPECT_FALSE(offers_mechanism("", "PLAIN"));
}

}  // namespace
}  // namespace amqp::protocol
