#include <amqp/runtime/simulation.hpp>

#include <asio/error.hpp>
#include <asio/io_context.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amqp::runtime {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;

TEST(virtual_clock, fires_timers_in_deadline_order_then_arming_order)
{
    asio::io_context io;
    virtual_clock clock;
    const auto start = clock.now();
    std::vector<std::string> fired;
    auto late = clock.make_timer(io.get_executor());
    auto early = clock.make_timer(io.get_executor());
    auto tie = clock.make_timer(io.get_executor());
    late->wait_until(start + 5s, [&](std::error_code ec) { fired.push_back("late " + ec.message()); });
    early->wait_until(start + 1s, [&](std::error_code) { fired.push_back("early"); });
    tie->wait_until(start + 5s, [&](std::error_code) { fired.push_back("tie"); });

    EXPECT_EQ(run_simulation(
                  io, clock, [] { return false; }, 1h),
              simulation_end::idle);
    EXPECT_THAT(fired, ElementsAre("early", "late Success", "tie"));
    EXPECT_EQ(clock.now(), start + 5s);
}

TEST(virtual_clock, cancelling_or_rearming_aborts_the_earlier_wait)
{
    asio::io_context io;
    virtual_clock clock;
    std::vector<std::error_code> results;
    auto t = clock.make_timer(io.get_executor());
    t->wait_until(clock.now() + 1s, [&](std::error_code ec) { results.push_back(ec); });
    t->wait_until(clock.now() + 2s, [&](std::error_code ec) { results.push_back(ec); });
    t->cancel();
    t->wait_until(clock.now() + 3s, [&](std::error_code ec) { results.push_back(ec); });

    run_simulation(
        io, clock, [] { return false; }, 1h);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0], asio::error::operation_aborted);
    EXPECT_EQ(results[1], asio::error::operation_aborted);
    EXPECT_FALSE(results[2]);
    EXPECT_EQ(clock.waiting(), 0u);
}

TEST(virtual_clock, a_destroyed_timer_aborts_its_wait_and_never_fires)
{
    asio::io_context io;
    virtual_clock clock;
    std::vector<std::error_code> results;
    {
        auto t = clock.make_timer(io.get_executor());
        t->wait_until(clock.now() + 1s, [&](std::error_code ec) { results.push_back(ec); });
    }
    EXPECT_EQ(clock.waiting(), 0u);
    io.run();
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0], asio::error::operation_aborted);
}

TEST(virtual_clock, the_simulation_stops_at_its_condition_and_at_its_time_limit)
{
    asio::io_context io;
    virtual_clock clock;
    const auto start = clock.now();
    int ticks = 0;
    auto t = clock.make_timer(io.get_executor());
    std::function<void(std::error_code)> tick = [&](std::error_code ec) {
        if (ec) return;
        ++ticks;
        t->wait_until(clock.now() + 1s, tick);
    };
    t->wait_until(start + 1s, tick);

    EXPECT_EQ(run_simulation(
                  io, clock, [&] { return ticks == 10; }, 1h),
              simulation_end::done);
    EXPECT_EQ(clock.now(), start + 10s);
    EXPECT_EQ(run_simulation(
                  io, clock, [] { return false; }, 30s),
              simulation_end::time_limit);
    EXPECT_EQ(ticks, 40);
}

TEST(virtual_clock, its_calendar_time_moves_with_virtual_time_only)
{
    const auto wall_start = std::chrono::system_clock::time_point{std::chrono::seconds(1'700'000'000)};
    virtual_clock clock(time_point{} + 1h, wall_start);
    EXPECT_EQ(clock.wall_now(), wall_start);
    clock.advance(90s);
    EXPECT_EQ(clock.wall_now(), wall_start + 90s);
}

TEST(system_clock, waits_on_real_time)
{
    asio::io_context io;
    auto& clock = system_clock();
    auto t = clock.make_timer(io.get_executor());
    const auto start = clock.now();
    std::error_code result = asio::error::would_block;
    t->wait_until(start + 2ms, [&](std::error_code ec) { result = ec; });
    io.run();
    EXPECT_FALSE(result);
    EXPECT_GE(clock.now() - start, 2ms);
}

}  // namespace
}  // namespace amqp::runtime
