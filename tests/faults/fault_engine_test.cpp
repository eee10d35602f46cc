// The fault engine without a broker: rules, filters, counting, limits, the log,
// refusals and the seeded chaos mode, driven by events alone.
#include "faults/fault_engine.hpp"

#include <amqp/protocol/methods.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace proto = amqp::protocol;

fault_event received(proto::method_key method, std::uint16_t channel = 1, std::uint64_t connection = 1,
                     std::string_view name = "app")
{
    return {hook::method_received, connection, name, channel, method};
}

// Which of `n` identical events make the rule fire (1-based).
std::vector<int> firing(fault_engine& engine, const fault_event& e, int n)
{
    std::vector<int> out;
    for (int i = 1; i <= n; ++i) {
        if (!engine.evaluate(e).empty()) out.push_back(i);
    }
    return out;
}

TEST(fault_rule, reads_as_one_expression)
{
    const auto rule = fault_rule::on(hook::method_received)
                          .method("basic.ack")
                          .channel(1)
                          .nth(3)
                          .then(fault::close_channel(406, "PRECONDITION_FAILED - injected"));
    EXPECT_EQ(rule.when(), hook::method_received);
    EXPECT_EQ(rule.method_name(), "basic.ack");
    EXPECT_EQ(rule.limit(), 1u);
    EXPECT_EQ(rule.problem(), std::nullopt);
    EXPECT_EQ(rule.describe(),
              "on method_received basic.ack channel 1 nth 3: close_channel(406, \"PRECONDITION_FAILED - injected\")");
}

TEST(fault_rule, an_unknown_method_is_refused_by_name)
{
    try {
        (void)fault_rule::on(hook::method_received).method("basic.publsh");
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("'basic.publsh'"));
    }
}

TEST(fault_rule, says_why_it_cannot_work)
{
    EXPECT_THAT(*fault_rule::on(hook::method_received).problem(), HasSubstr("no action"));
    EXPECT_THAT(*fault_rule::on(hook::heartbeat_tick).then(fault::swallow()).problem(),
                HasSubstr("swallow does not apply at heartbeat_tick"));
    EXPECT_THAT(*fault_rule::on(hook::handshake).then(fault::close_channel(406)).problem(),
                HasSubstr("close_channel does not apply at handshake"));
    EXPECT_THAT(*fault_rule::on(hook::connection_accepted).method("basic.ack").then(fault::drop()).problem(),
                HasSubstr("never matches at connection_accepted"));
    EXPECT_THAT(*fault_rule::on(hook::handshake).method("basic.ack").then(fault::drop()).problem(),
                HasSubstr("handshake only sees"));
    EXPECT_THAT(*fault_rule::on(hook::method_received).nth(0).then(fault::drop()).problem(), HasSubstr("from 1"));
    EXPECT_THAT(*fault_rule::on(hook::method_received).connection(0).then(fault::drop()).problem(),
                HasSubstr("numbered from 1"));
    EXPECT_THAT(*fault_rule::on(hook::method_received).then(fault::split_writes(0)).problem(), HasSubstr("1 byte"));
    EXPECT_THAT(*fault_rule::on(hook::method_received).then(fault::delay(0ms)).problem(),
                HasSubstr("positive duration"));
}

TEST(fault_rule, an_empty_close_text_names_the_code)
{
    EXPECT_EQ(fault::close_channel(406).text, "PRECONDITION_FAILED - injected fault");
    EXPECT_EQ(fault::close_connection(320).text, "CONNECTION_FORCED - injected fault");
    EXPECT_EQ(fault::close_connection(999).text, "999 - injected fault");
}

TEST(fault_engine, nth_counts_only_matching_events_and_fires_once)
{
    fault_engine engine;
    engine.add(fault_rule::on(hook::method_received).method("basic.publish").channel(1).nth(3).then(fault::drop()));
    EXPECT_TRUE(engine.active());
    const auto publish = received(proto::basic_publish::key);
    EXPECT_TRUE(engine.evaluate(publish).empty());
    EXPECT_TRUE(engine.evaluate(received(proto::basic_ack::key)).empty());  // another method
    EXPECT_TRUE(engine.evaluate(received(proto::basic_publish::key, 2)).empty());  // another channel
    EXPECT_TRUE(engine.evaluate({hook::method_handled, 1, "app", 1, proto::basic_publish::key}).empty());
    EXPECT_TRUE(engine.evaluate(publish).empty());
    EXPECT_THAT(engine.evaluate(publish), ElementsAre(fault::drop()));
    EXPECT_TRUE(engine.evaluate(publish).empty());
    const auto rules = engine.rules();
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].matched, 3u);
    EXPECT_EQ(rules[0].fired, 1u);
    EXPECT_TRUE(rules[0].exhausted);
    // Nothing left to check: the hooks go back to one untaken branch.
    EXPECT_FALSE(engine.active());
}

TEST(fault_engine, every_after_and_first_repeat)
{
    const auto publish = received(proto::basic_publish::key);
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).every(2).then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 7), ElementsAre(2, 4, 6));
    }
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).after(4).then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 7), ElementsAre(5, 6, 7));
    }
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).first(2).then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 5), ElementsAre(1, 2));
    }
}

TEST(fault_engine, limits_one_shot_and_persistent)
{
    const auto publish = received(proto::basic_publish::key);
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 3), ElementsAre(1));
    }
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).persistent().then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 3), ElementsAre(1, 2, 3));
    }
    {
        fault_engine engine;
        engine.add(fault_rule::on(hook::method_received).every(2).times(2).then(fault::swallow()));
        EXPECT_THAT(firing(engine, publish, 9), ElementsAre(2, 4));
    }
}

TEST(fault_engine, matches_connections_by_index_or_name)
{
    fault_engine engine;
    engine.add(fault_rule::on(hook::method_received).connection(2).persistent().then(fault::swallow()));
    engine.add(fault_rule::on(hook::method_received).connection("billing").persistent().then(fault::drop()));
    const auto key = proto::basic_publish::key;
    EXPECT_TRUE(engine.evaluate(received(key, 1, 1, "orders")).empty());
    EXPECT_THAT(engine.evaluate(received(key, 1, 2, "orders")), ElementsAre(fault::swallow()));
    EXPECT_THAT(engine.evaluate(received(key, 1, 3, "billing")), ElementsAre(fault::drop()));
    EXPECT_THAT(engine.evaluate(received(key, 1, 2, "billing")), ElementsAre(fault::swallow(), fault::drop()));
}

TEST(fault_engine, a_channel_close_ignores_connection_level_events)
{
    fault_engine engine;
    engine.add(fault_rule::on(hook::before_method_sent).nth(2).then(fault::close_channel(406)));
    const fault_event on_connection{hook::before_method_sent, 1, "app", 0, proto::connection_tune::key};
    const fault_event on_channel{hook::before_method_sent, 1, "app", 1, proto::basic_deliver::key};
    EXPECT_TRUE(engine.evaluate(on_connection).empty());
    EXPECT_TRUE(engine.evaluate(on_channel).empty());
    EXPECT_TRUE(engine.evaluate(on_connection).empty());
    EXPECT_EQ(engine.evaluate(on_channel).size(), 1u);
}

TEST(fault_engine, logs_what_fired_with_its_counters)
{
    fault_engine engine;
    std::vector<std::string> lines;
    engine.set_log([&](std::string_view line) { lines.emplace_back(line); });
    const auto id = engine.add(fault_rule::on(hook::method_received)
                                   .method("basic.publish")
                                   .nth(2)
                                   .named("second publish")
                                   .then(fault::reset()));
    engine.evaluate(received(proto::basic_publish::key, 1, 4, "orders"));
    engine.evaluate(received(proto::basic_publish::key, 1, 4, "orders"));
    ASSERT_EQ(engine.fired().size(), 1u);
    const fired_fault& f = engine.fired()[0];
    EXPECT_EQ(f.sequence, 1u);
    EXPECT_EQ(f.rule_id, id);
    EXPECT_EQ(f.rule_name, "second publish");
    EXPECT_EQ(f.point, hook::method_received);
    EXPECT_EQ(f.connection, 4u);
    EXPECT_EQ(f.connection_name, "orders");
    EXPECT_EQ(f.channel, 1);
    EXPECT_EQ(f.method, "basic.publish");
    EXPECT_EQ(f.count, 2u);
    EXPECT_EQ(f.seed, std::nullopt);
    EXPECT_THAT(f.actions, ElementsAre(fault::reset()));
    EXPECT_THAT(lines, ElementsAre("fault #1 rule 1 \"second publish\" at method_received basic.publish connection 4 "
                                   "\"orders\" channel 1 count 2: reset"));
}

TEST(fault_engine, refusals_turn_away_the_next_connections)
{
    fault_engine engine;
    engine.add(fault_rule::on(hook::connection_accepted)
                   .connection(1)
                   .then(fault::refuse_connections(2, refusal::access_refused)));
    EXPECT_EQ(engine.take_refusal(), std::nullopt);
    engine.evaluate({hook::connection_accepted, 1, "127.0.0.1:1", 0, {}});
    EXPECT_TRUE(engine.active());
    EXPECT_EQ(engine.take_refusal(), refusal::access_refused);
    EXPECT_EQ(engine.take_refusal(), refusal::access_refused);
    EXPECT_EQ(engine.take_refusal(), std::nullopt);
    EXPECT_FALSE(engine.active());
}

TEST(fault_engine, remove_clear_and_holds)
{
    fault_engine engine;
    const auto a = engine.add(fault_rule::on(hook::heartbeat_tick).then(fault::drop()));
    const auto b = engine.add(fault_rule::on(hook::heartbeat_tick).then(fault::reset()));
    EXPECT_NE(a, b);
    EXPECT_TRUE(engine.remove(a));
    EXPECT_FALSE(engine.remove(a));
    ASSERT_EQ(engine.rules().size(), 1u);
    EXPECT_EQ(engine.rules()[0].id, b);
    engine.clear();
    EXPECT_TRUE(engine.rules().empty());
    EXPECT_FALSE(engine.active());
    engine.hold();
    EXPECT_TRUE(engine.active());
    engine.release();
    EXPECT_FALSE(engine.active());
    EXPECT_THROW(engine.add(fault_rule::on(hook::heartbeat_tick)), std::invalid_argument);
}

// A fixed stream of events over every hook, as a workload would produce them.
std::vector<fault_event> workload()
{
    std::vector<fault_event> out;
    for (std::uint64_t i = 0; i < 400; ++i) {
        const hook h = all_hooks()[i % all_hooks().size()];
        const std::uint16_t channel =
            (h == hook::connection_accepted || h == hook::handshake || h == hook::heartbeat_tick)
                ? 0
                : std::uint16_t(1 + i % 3);
        out.push_back({h, 1 + i % 4, "c", channel, channel ? proto::basic_publish::key : proto::method_key{}});
    }
    return out;
}

std::vector<fired_fault> run_chaos(const chaos_options& options)
{
    fault_engine engine;
    engine.set_chaos(options);
    for (const auto& e : workload()) engine.evaluate(e);
    return engine.fired();
}

chaos_options some_chaos(std::uint64_t seed)
{
    chaos_options c;
    c.seed = seed;
    c.drop = 0.02;
    c.swallow = 0.05;
    c.delay = 0.05;
    c.close_channel = 0.02;
    c.split_writes = 0.02;
    c.max_delay = 250ms;
    return c;
}

TEST(fault_engine, chaos_replays_from_its_seed)
{
    const auto first = run_chaos(some_chaos(42));
    const auto second = run_chaos(some_chaos(42));
    const auto other = run_chaos(some_chaos(43));
    ASSERT_GT(first.size(), 5u);
    EXPECT_EQ(first, second);
    EXPECT_NE(first, other);
    for (const auto& f : first) {
        EXPECT_EQ(f.rule_id, 0u);
        EXPECT_EQ(f.seed, 42u);
        ASSERT_EQ(f.actions.size(), 1u);
        EXPECT_TRUE(fault_applies(f.actions[0].action, f.point)) << f.describe();
        if (f.actions[0].action == fault::kind::close_channel) {
            EXPECT_NE(f.channel, 0);
        }
        if (f.actions[0].action == fault::kind::delay) {
            EXPECT_GE(f.actions[0].duration, 1ms);
            EXPECT_LE(f.actions[0].duration, 250ms);
        }
    }
}

TEST(fault_engine, chaos_respects_hooks_and_the_fault_budget)
{
    auto options = some_chaos(7);
    options.hooks = {hook::before_method_sent};
    options.max_faults = 3;
    const auto fired = run_chaos(options);
    ASSERT_EQ(fired.size(), 3u);
    for (const auto& f : fired) EXPECT_EQ(f.point, hook::before_method_sent);
}

TEST(fault_engine, chaos_options_are_checked)
{
    fault_engine engine;
    chaos_options c;
    c.drop = 0.7;
    c.delay = 0.7;
    EXPECT_THROW(engine.set_chaos(c), std::invalid_argument);
    c.delay = -0.1;
    EXPECT_THAT(*c.problem(), HasSubstr("delay"));
    EXPECT_FALSE(engine.active());
}

TEST(fault_names, round_trip)
{
    for (hook h : all_hooks()) EXPECT_EQ(parse_hook(to_string(h)), h);
    for (int k = 0; k <= static_cast<int>(fault::kind::restart); ++k) {
        const auto kind = static_cast<fault::kind>(k);
        EXPECT_EQ(parse_fault_kind(to_string(kind)), kind);
    }
    EXPECT_EQ(parse_refusal("not_allowed"), refusal::not_allowed);
    EXPECT_EQ(parse_hook("method_recieved"), std::nullopt);
}

}  // namespace
}  // namespace amqp::fakebroker
