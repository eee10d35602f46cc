#include <amqp/protocol/heartbeat_schedule.hpp>

#include <gtest/gtest.h>

namespace amqp::protocol {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

constexpr time_point t0{};

TEST(heartbeat_schedule, half_of_a_one_second_interval_is_500_ms_not_zero)
{
    const auto schedule = heartbeat_schedule::from_seconds(1, heartbeat_timeout::two_intervals);
    EXPECT_EQ(schedule.interval(), 1000ms);
    EXPECT_EQ(schedule.send_after(), 500ms);
    EXPECT_EQ(schedule.tick(), 500ms);
    EXPECT_FALSE(schedule.send_due(t0, t0 + 499ms));
    EXPECT_TRUE(schedule.send_due(t0, t0 + 500ms));
}

TEST(heartbeat_schedule, the_client_rule_gives_up_after_two_whole_intervals)
{
    const auto schedule = heartbeat_schedule::from_seconds(10, heartbeat_timeout::two_intervals);
    EXPECT_EQ(schedule.peer_silence_limit(), 20s);
    EXPECT_FALSE(schedule.peer_dead(t0, t0 + 20s - 1ns));
    EXPECT_TRUE(schedule.peer_dead(t0, t0 + 20s));
}

TEST(heartbeat_schedule, the_broker_rule_gives_up_after_more_than_three_intervals)
{
    const auto schedule = heartbeat_schedule::from_seconds(1, heartbeat_timeout::more_than_three_intervals);
    EXPECT_EQ(schedule.peer_silence_limit(), 3s);
    EXPECT_FALSE(schedule.peer_dead(t0, t0 + 3s));
    EXPECT_TRUE(schedule.peer_dead(t0, t0 + 3s + 1ns));
}

TEST(heartbeat_schedule, an_interval_of_zero_turns_heartbeats_off)
{
    for (const auto timeout : {heartbeat_timeout::two_intervals, heartbeat_timeout::more_than_three_intervals}) {
        const auto schedule = heartbeat_schedule::from_seconds(0, timeout);
        EXPECT_FALSE(schedule.enabled());
        EXPECT_FALSE(schedule.send_due(t0, t0 + 24h));
        EXPECT_FALSE(schedule.peer_dead(t0, t0 + 24h));
    }
    EXPECT_FALSE(heartbeat_schedule{}.enabled());
}

TEST(heartbeat_schedule, intervals_below_a_second_keep_their_milliseconds)
{
    const heartbeat_schedule schedule{250ms, heartbeat_timeout::two_intervals};
    EXPECT_EQ(schedule.send_after(), 125ms);
    EXPECT_TRUE(schedule.send_due(t0, t0 + 125ms));
    EXPECT_TRUE(schedule.peer_dead(t0, t0 + 500ms));
    static_assert(heartbeat_schedule::from_seconds(3, heartbeat_timeout::two_intervals).send_after() == 1500ms);
}

}  // namespace
}  // namespace amqp::protocol
