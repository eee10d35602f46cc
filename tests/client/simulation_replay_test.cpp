// A scripted simulation repeats event for event: the same seed gives the same trace.
#include "simulation_fixture.hpp"

#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using harness::world;
using runtime::simulation_end;

// One scripted run: connect over a pipe that splits reads at seeded boundaries, idle
// for a virtual minute with heartbeats, close. The trace is what happened when.
std::vector<std::string> heartbeat_run(unsigned seed)
{
    world w(without_broker());
    std::mt19937 random(seed);
    runtime::read_limit split = [&random](std::size_t waiting) {
        return std::uniform_int_distribution<std::size_t>(1, waiting)(random);
    };
    std::shared_ptr<scripted_broker> broker;
    auto env =
        w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, {}); }, split);
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    EXPECT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    if (connected.ec) return w.log().lines();
    EXPECT_EQ(w.run_until([] { return false; }, 1min), simulation_end::time_limit);
    bool closed = false;
    connected.connection.close([&](std::error_code ec) {
        closed = true;
        w.say("client: closed " + std::string(ec ? ec.message() : "cleanly"));
    });
    EXPECT_EQ(w.run_until([&] { return closed && broker->closed(); }, 1s), simulation_end::done);
    return w.log().lines();
}

TEST(client_simulation, the_same_run_twice_gives_the_same_trace)
{
    const auto first = heartbeat_run(7);
    const auto second = heartbeat_run(7);
    EXPECT_EQ(first, second);
    EXPECT_THAT(first, ::testing::Contains(" 0.000s  client: connected"));
    EXPECT_THAT(first, ::testing::Contains("10.000s  broker: sends a heartbeat"));
    EXPECT_THAT(first, ::testing::Contains(" 5.000s  broker: got a heartbeat"));
    EXPECT_THAT(first, ::testing::Contains(::testing::HasSubstr("broker: got connection.close")));
    EXPECT_GT(first.size(), 20u);
}

}  // namespace
}  // namespace amqp::test
