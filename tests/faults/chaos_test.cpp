// Seeded chaos against a scripted workload in a simulation: the same seed gives the
// same faults at the same protocol moments, and the same conversation on the wire.
#include "sim_broker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace amqp::fakebroker::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace proto = amqp::protocol;

struct outcome {
    std::vector<fired_fault> fired;
    std::vector<std::string> log;
    std::vector<std::string> conversations;  // per connection: what arrived when
    std::size_t connections = 0;
};

chaos_options lots_of_chaos(std::uint64_t seed)
{
    chaos_options c;
    c.seed = seed;
    c.drop = 0.003;
    c.reset = 0.002;
    c.stall = 0.002;
    c.close_channel = 0.004;
    c.close_connection = 0.002;
    c.swallow = 0.01;
    c.delay = 0.02;
    c.split_writes = 0.01;
    c.block = 0.004;
    c.cancel_consumer = 0.004;
    c.refuse_connections = 0.002;
    c.restart = 0.0005;
    c.max_delay = 500ms;
    return c;
}

// Everything a client says up to consuming its queue, pipelined without waiting.
void start_script(stream_peer& p, int n)
{
    const std::string queue = "work-" + std::to_string(n);
    p.send_protocol_header();
    p.send_handshake("client-" + std::to_string(n), 10);
    p.send(1, proto::channel_open{});
    p.send(1, proto::confirm_select{false});
    proto::queue_declare declare;
    declare.queue = queue;
    p.send(1, declare);
    proto::basic_consume consume;
    consume.queue = queue;
    consume.no_ack = true;
    p.send(1, consume);
}

std::string conversation(const stream_peer& p, runtime::time_point start)
{
    std::ostringstream os;
    for (const auto& c : p.commands()) {
        os << std::chrono::duration_cast<std::chrono::microseconds>(c.at - start).count() << "us ch" << c.channel
           << ' ';
        std::visit([&os](const auto& m) { os << m.name; }, c.value.method);
        os << '\n';
    }
    if (p.ended()) os << "end " << p.end_reason().message() << '\n';
    return os.str();
}

// Three clients publishing to their own queues for 30 s of virtual time, reconnecting
// whenever their connection ends.
outcome run_workload(std::uint64_t seed)
{
    outcome out;
    broker_options options;
    options.chaos = lots_of_chaos(seed);
    options.fault_log = [&out](std::string_view line) { out.log.emplace_back(line); };
    sim_broker sim(options);
    const auto start = sim.clock().now();

    std::vector<std::unique_ptr<stream_peer>> peers(3);
    std::vector<std::unique_ptr<stream_peer>> finished;
    for (int step = 0; step < 300; ++step) {
        for (int n = 0; n < 3; ++n) {
            auto& p = peers[n];
            if (p && p->ended()) finished.push_back(std::move(p));
            if (!p) {
                p = sim.connect();
                ++out.connections;
                start_script(*p, n);
            }
            p->publish(1, "", "work-" + std::to_string(n), "message " + std::to_string(step));
            if (step % 50 == 0) p->send_heartbeat();
        }
        sim.run_for(100ms);
    }
    for (auto& p : peers) finished.push_back(std::move(p));
    for (const auto& p : finished) out.conversations.push_back(conversation(*p, start));
    out.fired = sim.broker().fired_faults();
    return out;
}

TEST(chaos, the_same_seed_gives_the_same_faults_at_the_same_moments)
{
    const outcome first = run_workload(1234);
    const outcome second = run_workload(1234);
    ASSERT_GE(first.fired.size(), 10u);
    EXPECT_EQ(first.fired, second.fired);
    EXPECT_EQ(first.conversations, second.conversations);
    EXPECT_EQ(first.connections, second.connections);
    // The faults were varied and struck where they apply.
    std::set<fault::kind> kinds;
    for (const auto& f : first.fired) {
        EXPECT_EQ(f.seed, 1234u);
        kinds.insert(f.actions.at(0).action);
        EXPECT_TRUE(fault_applies(f.actions.at(0).action, f.point)) << f.describe();
    }
    EXPECT_GE(kinds.size(), 5u);
    EXPECT_GT(first.connections, 3u);
    ASSERT_FALSE(first.log.empty());
    EXPECT_EQ(first.log.front(), "fault chaos: seed 1234");
    EXPECT_THAT(first.log.back(), HasSubstr("chaos seed 1234"));
}

TEST(chaos, another_seed_gives_other_faults) { EXPECT_NE(run_workload(1234).fired, run_workload(4321).fired); }

TEST(chaos, can_be_switched_on_and_off_at_run_time)
{
    sim_broker sim;
    EXPECT_EQ(sim.broker().chaos(), std::nullopt);
    chaos_options c;
    c.seed = 9;
    c.swallow = 1;
    c.hooks = {hook::method_received};
    c.max_faults = 1;
    sim.broker().set_chaos(c);
    EXPECT_EQ(sim.broker().chaos(), c);
    auto p = sim.connect();
    p->send_protocol_header();
    p->send_handshake("app", 0);
    sim.run_for(1s);
    // The first method received (start-ok) was swallowed: no tune.
    EXPECT_EQ(p->count<proto::connection_tune>(), 0u);
    ASSERT_EQ(sim.broker().fired_faults().size(), 1u);
    EXPECT_EQ(sim.broker().fired_faults()[0].method, "connection.start-ok");
    sim.broker().set_chaos(std::nullopt);
    c.drop = 0.9;
    EXPECT_THROW(sim.broker().set_chaos(c), std::invalid_argument);
}

TEST(chaos, odds_are_set_from_action_equals_probability_and_bad_specs_say_why)
{
    chaos_options c;
    EXPECT_EQ(c.set_odds("drop=0.25"), std::nullopt);
    EXPECT_EQ(c.set_odds("close_channel=1"), std::nullopt);
    EXPECT_EQ(c.drop, 0.25);
    EXPECT_EQ(c.close_channel, 1.0);
    EXPECT_THAT(c.set_odds("explode=0.1").value_or(""), HasSubstr("unknown action 'explode'"));
    EXPECT_THAT(c.set_odds("drop").value_or(""), HasSubstr("ACTION=PROBABILITY"));
    EXPECT_THAT(c.set_odds("drop=1.5").value_or(""), HasSubstr("from 0 to 1"));
    EXPECT_THAT(c.set_odds("drop=often").value_or(""), HasSubstr("got 'drop=often'"));
    EXPECT_EQ(c.drop, 0.25);  // untouched by the refusals
}

}  // namespace
}  // namespace amqp::fakebroker::test
