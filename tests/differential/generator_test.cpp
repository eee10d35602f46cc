// The generator: the same conversation for a seed on every run, its bounds, and the draws it makes them from.
#include "generator.hpp"
#include "conversation.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace amqp::differential {
namespace {

std::string text_of(const conversation& c)
{
    std::ostringstream os;
    os << c;
    return os.str();
}

TEST(differential_generator, same_seed_same_conversation)
{
    for (std::uint64_t seed : {1ull, 7ull, 123456789ull}) {
        EXPECT_EQ(text_of(generate(seed)), text_of(generate(seed))) << "seed " << seed;
    }
}

TEST(differential_generator, different_seeds_different_conversations)
{
    EXPECT_NE(text_of(generate(1)), text_of(generate(2)));
    EXPECT_NE(text_of(generate(2)), text_of(generate(3)));
}

TEST(differential_generator, starts_with_a_connection_and_stays_in_bounds)
{
    generator_options options;
    options.min_steps = 5;
    options.max_steps = 12;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        const conversation c = generate(seed, options);
        ASSERT_FALSE(c.steps.empty());
        EXPECT_EQ(c.steps.front().what, step::kind::connect) << "seed " << seed;
        EXPECT_GE(c.steps.size(), 5u) << "seed " << seed;
        EXPECT_LE(c.steps.size(), 13u) << "seed " << seed;  // a last step may add a frame pair
    }
}

TEST(differential_draw, is_fixed_for_a_seed)
{
    // mt19937_64's sequence is fixed by the standard: its 10000th output is 9981545732273789042.
    draw d(5489);
    std::vector<std::uint64_t> first;
    for (int i = 0; i < 5; ++i) first.push_back(d.below(1000));
    draw again(5489);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(again.below(1000), first[std::size_t(i)]);
}

}  // namespace
}  // namespace amqp::differential
