// The self-check: two embedded brokers agree, and the embedded side is the same on every run.
#include "differential.hpp"
#include "conformance_printer.hpp"
#include "generator.hpp"
#include "recorded_events.hpp"
#include "runner.hpp"
#include "transcript.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace amqp::differential {
namespace {

TEST(differential_self_check, two_embedded_brokers_agree)
{
    run_options options;
    const target_factory second = [] { return make_embedded_target(); };
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const seed_result r = check(generate(seed), second, options);
        std::string all;
        for (const divergence& d : r.divergences) all += d.describe() + "\n";
        EXPECT_TRUE(r.divergences.empty()) << "seed " << seed << ":\n" << all;
        EXPECT_GT(r.run.first.connections[0].size(), 0u) << "seed " << seed << ": nothing recorded";
    }
}

TEST(differential_self_check, a_conformance_test_is_printed)
{
    const target_factory second = [] { return make_embedded_target(); };
    const seed_result r = check(generate(3), second, run_options{});
    const std::string test = conformance_test(r.run, "differential_seed_3");
    EXPECT_NE(test.find("TEST_F(conformance, differential_seed_3)"), std::string::npos) << test;
    EXPECT_NE(test.find("c0.connect();"), std::string::npos) << test;
}

TEST(differential_self_check, the_embedded_side_is_the_same_on_every_run)
{
    const target_factory second = [] { return make_embedded_target(); };
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const conversation c = generate(seed);
        const seed_result one = check(c, second, run_options{});
        const seed_result two = check(c, second, run_options{});
        const auto a = normalise(one.run.first, one.run.prefix);
        const auto b = normalise(two.run.first, two.run.prefix);
        const auto found = compare(a, b);
        EXPECT_TRUE(found.empty()) << "seed " << seed << ": " << describe_all(found);
        std::size_t steps_a = 0;
        std::size_t steps_b = 0;
        for (const auto& [k, v] : a)
            for (const auto& e : v) steps_a += e.step;
        for (const auto& [k, v] : b)
            for (const auto& e : v) steps_b += e.step;
        EXPECT_EQ(steps_a, steps_b) << "seed " << seed << ": events arrived at other steps";
    }
}

}  // namespace
}  // namespace amqp::differential
