// The conformance printer: literals, and runs printed as conformance tests.
#include "conformance_printer.hpp"
#include "differential.hpp"
#include "generator.hpp"
#include "runner.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

TEST(differential_printer, literals_escape_every_byte)
{
    EXPECT_EQ(cpp_literal("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(cpp_literal(std::string("\x01"
                                      "a",
                                      2)),
              "\"\\x01\" \"a\"");
    EXPECT_EQ(cpp_literal(std::string("\x01z", 2)), "\"\\x01z\"");
}

TEST(differential_printer, a_connect_that_replaces_a_connection_makes_a_new_driver)
{
    // Seed 12 connects connection 0 three times.
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(generate(12), second, run_options{});
    const std::string test = conformance_test(r.run, "differential_seed_12");
    std::size_t connects = 0;
    for (std::size_t at = test.find("c0.connect();"); at != std::string::npos; at = test.find("c0.connect();", at + 1))
        ++connects;
    EXPECT_EQ(connects, 3u) << test;
    EXPECT_NE(test.find("c0 = amqp_driver(url());  // a new connection in place of the last one\n    c0.connect();"),
              std::string::npos)
        << test;
    EXPECT_EQ(test.find("expect<proto::connection_start>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_tune>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_open_ok>"), std::string::npos) << test;
}

TEST(differential_printer, refused_logins_read_only_what_the_driver_has_not)
{
    conversation c;
    step wrong;
    wrong.what = step::kind::connect;
    wrong.credentials = login::wrong_password;
    step vhost = wrong;
    vhost.connection = 1;
    vhost.credentials = login::unknown_vhost;
    c.steps = {wrong, vhost};
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(c, second, run_options{});
    const std::string test = conformance_test(r.run, "refused");
    EXPECT_NE(test.find("c0.start(o);"), std::string::npos) << test;
    EXPECT_NE(test.find("c1.start(o);\n        c1.tune(o);"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_start>"), std::string::npos) << test;
    EXPECT_EQ(test.find("expect<proto::connection_tune>"), std::string::npos) << test;
    EXPECT_NE(test.find("c0.expect<proto::connection_close>(0)"), std::string::npos) << test;
    EXPECT_NE(test.find("EXPECT_EQ(m.reply_code, 530);"), std::string::npos) << test;
}

}  // namespace
}  // namespace amqp::differential
