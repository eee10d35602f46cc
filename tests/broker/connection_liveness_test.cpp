// The broker's watch on a peer alone, on made-up times: what is due when, with no
// connection around it.
#include "model/connection_liveness.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;
using testing::IsEmpty;

const clock::time_point start = clock::time_point{} + 1h;

TEST(connection_liveness, before_tuning_or_with_heartbeats_off_nothing_is_due)
{
    connection_liveness liveness(start);
    EXPECT_FALSE(liveness.heartbeats());
    const auto untuned = liveness.heartbeat_tick(start + 1h);
    EXPECT_FALSE(untuned.send_heartbeat);
    EXPECT_FALSE(untuned.peer_dead);
    EXPECT_FALSE(untuned.next);

    liveness.set_heartbeat(0);
    EXPECT_FALSE(liveness.heartbeats());
    EXPECT_FALSE(liveness.heartbeat_tick(start + 1h).peer_dead);
}

TEST(connection_liveness, a_heartbeat_is_due_after_half_an_interval_without_writing)
{
    connection_liveness liveness(start);
    liveness.set_heartbeat(10);
    ASSERT_TRUE(liveness.heartbeats());

    const auto early = liveness.heartbeat_tick(start + 4s);
    EXPECT_FALSE(early.send_heartbeat);
    EXPECT_EQ(early.next, start + 9s) << "looks again half an interval on";

    EXPECT_TRUE(liveness.heartbeat_tick(start + 5s).send_heartbeat);
    liveness.wrote(start + 5s);
    EXPECT_FALSE(liveness.heartbeat_tick(start + 9s).send_heartbeat);
    EXPECT_TRUE(liveness.heartbeat_tick(start + 10s).send_heartbeat);
}

TEST(connection_liveness, the_peer_is_dead_after_more_than_three_silent_intervals)
{
    connection_liveness liveness(start);
    liveness.set_heartbeat(2);
    EXPECT_FALSE(liveness.heartbeat_tick(start + 6s).peer_dead);
    const auto dead = liveness.heartbeat_tick(start + 6s + 1ms);
    EXPECT_TRUE(dead.peer_dead);
    EXPECT_FALSE(dead.next) << "nothing more to look at";

    liveness.heard(start + 5s);
    EXPECT_FALSE(liveness.heartbeat_tick(start + 11s).peer_dead);
    EXPECT_TRUE(liveness.heartbeat_tick(start + 11s + 1ms).peer_dead);
}

TEST(connection_liveness, closing_waits_one_heartbeat_interval_and_at_most_thirty_seconds)
{
    connection_liveness untuned(start);
    untuned.start_closing(start);
    EXPECT_EQ(untuned.closing_tick(start + 29s), start + 30s);
    EXPECT_FALSE(untuned.closing_tick(start + 30s));

    connection_liveness quick(start);
    quick.set_heartbeat(5);
    quick.start_closing(start + 1s);
    EXPECT_EQ(quick.closing_tick(start + 5s), start + 6s);
    EXPECT_FALSE(quick.closing_tick(start + 6s));

    connection_liveness slow(start);
    slow.set_heartbeat(60);
    slow.start_closing(start);
    EXPECT_EQ(slow.closing_tick(start), start + 30s);
}

TEST(connection_liveness, consumer_timeouts_name_the_expired_channels_and_the_next_deadline)
{
    const std::vector<unacked_since> oldest{{1, start}, {2, start + 3s}, {5, start - 1s}};
    const auto step = connection_liveness::consumer_timeout_tick(start + 5s, 5s, std::nullopt, oldest);
    EXPECT_THAT(step.expired, ElementsAre(1, 5));
    EXPECT_EQ(step.next, start + 6s) << "a second on, before channel 2's deadline at 8 s";

    const auto quiet = connection_liveness::consumer_timeout_tick(start, 5s, start + 10s, {});
    EXPECT_THAT(quiet.expired, IsEmpty());
    EXPECT_EQ(quiet.next, start + 5s) << "within one timeout, even when the heartbeat tick is later";

    const auto soon = connection_liveness::consumer_timeout_tick(start, 60s, start + 30s, {});
    EXPECT_EQ(soon.next, start + 30s) << "the heartbeat tick when it comes first";

    const std::vector<unacked_since> due_first{{3, start - 58s}};
    EXPECT_EQ(connection_liveness::consumer_timeout_tick(start, 60s, start + 30s, due_first).next, start + 2s);
}

}  // namespace
}  // namespace amqp::fakebroker
