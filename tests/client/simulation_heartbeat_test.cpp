// The client's heartbeats in a simulation: minutes of them in no real time, the client's own schedule, a silent broker.
#include "simulation_fixture.hpp"

#include <amqp/runtime/simulation.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using harness::world;
using runtime::simulation_end;

TEST(client_simulation, a_connection_with_heartbeats_stays_up_for_ten_virtual_minutes_in_no_real_time)
{
    world w(without_broker());
    std::shared_ptr<scripted_broker> broker;
    auto env = w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, {}); });
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    EXPECT_EQ(connected.connection.tuning().heartbeat, 10);
    EXPECT_EQ(w.elapsed(), runtime::duration::zero()) << "the handshake takes no virtual time";

    bool closed_early = false;
    connected.connection.on_close([&](const client::close_info&) { closed_early = true; });
    const auto real_start = std::chrono::steady_clock::now();
    // Nothing ever makes the condition true: the run ends when the next timer lies past
    // ten minutes (heartbeats keep both sides' timers going forever).
    EXPECT_EQ(w.run_until([] { return false; }, 10min), simulation_end::time_limit);
    const auto real_time = std::chrono::steady_clock::now() - real_start;

    EXPECT_FALSE(closed_early);
    EXPECT_TRUE(connected.connection.is_open());
    EXPECT_GE(w.elapsed(), 10min - 10s);
    // The broker sends one every interval; the client when it was quiet for half of one.
    EXPECT_EQ(broker->heartbeats_sent(), 60u);
    EXPECT_GE(broker->heartbeats_received(), 60u);
    // Generous for a loaded machine; the point is "not ten real minutes".
    EXPECT_LT(real_time, 30s);

    bool closed = false;
    std::error_code close_error;
    connected.connection.close([&](std::error_code ec) {
        closed = true;
        close_error = ec;
    });
    ASSERT_EQ(w.run_until([&] { return closed && broker->closed(); }, 1s), simulation_end::done);
    EXPECT_FALSE(close_error) << close_error.message();
}

TEST(client_simulation, with_a_one_second_heartbeat_the_client_sends_one_after_each_half_second_of_its_own_silence)
{
    world w(without_broker());
    scripted_broker::behaviour one_second;
    one_second.heartbeat = 1;
    std::shared_ptr<scripted_broker> broker;
    auto env =
        w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, one_second); });
    auto options = sim_options();
    options.heartbeat.reset();  // the broker's 1 s
    connect_result connected;
    start_connect(w, options, env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    ASSERT_EQ(connected.connection.tuning().heartbeat, 1);

    // Quiet for ten seconds: a heartbeat every half second, 500 ms and not zero. (The
    // phase ends between two ticks, when the last heartbeat has arrived.)
    ASSERT_EQ(w.run_until([&] { return w.elapsed() >= 10250ms; }, 1min), simulation_end::done);
    const std::size_t while_quiet = broker->heartbeats_received();
    EXPECT_GE(while_quiet, 19u);
    EXPECT_LE(while_quiet, 21u);

    // Busy for ten seconds: a channel.open every 300 ms leaves no half second of
    // silence, so no heartbeat is due (a client that sent one on every tick would
    // send twenty more).
    auto timer = w.clock().make_timer(w.io().get_executor());
    std::function<void()> open_next = [&] {
        connected.connection.channel({}, [](std::error_code, client::channel) {});
        timer->wait_until(w.clock().now() + 300ms, [&](std::error_code ec) {
            if (!ec && w.elapsed() < 20s) open_next();
        });
    };
    open_next();
    ASSERT_EQ(w.run_until([&] { return w.elapsed() >= 20250ms; }, 1min), simulation_end::done);
    EXPECT_EQ(broker->heartbeats_received(), while_quiet);
    EXPECT_TRUE(connected.connection.is_open());
    timer->cancel();
}

TEST(client_simulation, a_silent_broker_is_detected_after_two_heartbeat_intervals_of_virtual_time)
{
    world w(without_broker());
    scripted_broker::behaviour silent;
    silent.silent_after_open = true;
    std::shared_ptr<scripted_broker> broker;
    auto env =
        w.pipes([&](std::shared_ptr<runtime::pipe_end> end) { broker = scripted_broker::serve(w, end, silent); });
    connect_result connected;
    start_connect(w, sim_options(), env, connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();

    std::optional<client::close_info> closed;
    std::optional<runtime::duration> closed_at;
    connected.connection.on_close([&](const client::close_info& info) {
        closed = info;
        closed_at = w.elapsed();
        w.say("client: closed: " + info.reply_text);
    });
    // channel.open gets no answer: the heartbeat timeout must fail it.
    bool channel_done = false;
    std::error_code channel_error;
    connected.connection.channel({}, [&](std::error_code ec, client::channel) {
        channel_done = true;
        channel_error = ec;
    });
    ASSERT_EQ(w.run_until([&] { return channel_done; }, 1min), simulation_end::done);
    EXPECT_EQ(channel_error, client::errc::heartbeat_timeout);
    ASSERT_TRUE(closed.has_value());
    EXPECT_THAT(closed->reply_text, ::testing::HasSubstr("no heartbeat"));
    // The client checks every half interval; the broker was last heard at open-ok (t=0).
    ASSERT_TRUE(closed_at.has_value());
    EXPECT_EQ(*closed_at, 20s);
    EXPECT_EQ(connected.connection.close_reason().reply_code, 0);
}

}  // namespace
}  // namespace amqp::test
