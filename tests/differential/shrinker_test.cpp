// The shrinker: a conversation reduced to the steps and arguments that still show a divergence.
#include "shrinker.hpp"
#include "conversation.hpp"
#include "generator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <variant>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

TEST(differential_shrinker, reduces_to_the_step_that_diverges)
{
    conversation c = generate(42);
    ASSERT_GT(c.steps.size(), 5u);
    // The "divergence" appears whenever a basic.qos with prefetch 7 is sent.
    step culprit;
    culprit.connection = 1;
    culprit.frames.push_back({1, proto::basic_qos{0, 7, false}, {}, {}, {}});
    c.steps.insert(c.steps.begin() + long(c.steps.size() / 2), culprit);
    int runs = 0;
    const auto oracle = [&runs](const conversation& candidate) {
        ++runs;
        for (const step& s : candidate.steps) {
            for (const outgoing& o : s.frames) {
                if (const auto* q = std::get_if<proto::basic_qos>(&o.method); q && q->prefetch_count == 7) return true;
            }
        }
        return false;
    };
    const conversation shrunk = shrink(c, oracle);
    ASSERT_EQ(shrunk.steps.size(), 1u) << shrunk;
    EXPECT_EQ(describe(shrunk.steps[0]), describe(culprit));
    EXPECT_LT(runs, 400);
}

TEST(differential_shrinker, drops_arguments_that_do_not_matter)
{
    conversation c;
    step s;
    proto::queue_declare d;
    d.queue = "@q1";
    d.arguments.set("x-max-length", std::int32_t(1));
    d.arguments.set("x-max-priority", std::int32_t(300));
    d.arguments.set("x-expires", std::int32_t(600000));
    s.frames.push_back({1, d, {}, {}, {}});
    c.steps.push_back(s);
    const auto oracle = [](const conversation& candidate) {
        for (const step& st : candidate.steps) {
            for (const outgoing& o : st.frames) {
                if (const auto* q = std::get_if<proto::queue_declare>(&o.method);
                    q && q->arguments.contains("x-max-priority"))
                    return true;
            }
        }
        return false;
    };
    const conversation shrunk = shrink(c, oracle);
    ASSERT_EQ(shrunk.steps.size(), 1u);
    const auto& q = std::get<proto::queue_declare>(shrunk.steps[0].frames[0].method);
    EXPECT_EQ(q.arguments.size(), 1u);
    EXPECT_TRUE(q.arguments.contains("x-max-priority"));
}

}  // namespace
}  // namespace amqp::differential
