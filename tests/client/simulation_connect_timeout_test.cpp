// The client's connect timeouts in a simulation: transports that never open or open late, a broker that never answers.
#include "simulation_fixture.hpp"

#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>

#include <asio/error.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using harness::world;
using runtime::simulation_end;

TEST(client_simulation, a_transport_that_never_opens_times_out_after_connection_timeout_on_every_endpoint_and_round)
{
    world w(without_broker());
    std::vector<runtime::duration> opened_at;
    client::environment env;
    env.clock = &w.clock();
    // Never completes: only the connect timeout ends each attempt.
    std::vector<client::environment::transport_handler> never;
    env.open_transport = [&](const client::endpoint& where, const asio::any_io_executor&,
                             client::environment::transport_handler done) {
        opened_at.push_back(w.elapsed());
        w.say("client: tries " + where.host);
        never.push_back(std::move(done));
    };
    auto options = sim_options();
    options.endpoints = {client::endpoint{"a", 5672}, client::endpoint{"b", 5672}};
    options.connection_timeout = 3s;
    options.connection_attempts = 3;
    options.retry_delay = 2s;

    connect_result result;
    start_connect(w, options, env, result);
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    EXPECT_EQ(result.ec, client::errc::connection_timeout);
    // Two endpoints per round, 3 s each; 2 s between rounds.
    const std::vector<runtime::duration> expected{0s, 3s, 8s, 11s, 16s, 19s};
    EXPECT_EQ(opened_at, expected);
    EXPECT_EQ(w.elapsed(), 22s);
}

TEST(client_simulation, a_broker_that_never_answers_the_header_times_out_the_handshake_in_virtual_time)
{
    world w(without_broker());
    auto env = w.pipes({});  // nobody serves the broker's end
    auto options = sim_options();
    options.connection_timeout = 7s;
    connect_result result;
    client::connection::connect(w.io().get_executor(), options, env, [&](std::error_code ec, client::connection c) {
        result.done = true;
        result.ec = ec;
        result.connection = std::move(c);
    });
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    EXPECT_EQ(result.ec, client::errc::connection_timeout);
    EXPECT_EQ(w.elapsed(), 7s);
}

TEST(client_simulation, a_transport_that_opens_after_the_timeout_is_closed_and_the_next_round_connects)
{
    world w(without_broker());
    std::shared_ptr<scripted_broker> broker;
    std::shared_ptr<runtime::pipe_end> late_broker_end;
    std::vector<std::unique_ptr<runtime::timer>> timers;
    int attempts = 0;
    client::environment env;
    env.clock = &w.clock();
    env.open_transport = [&](const client::endpoint&, const asio::any_io_executor& executor,
                             client::environment::transport_handler done) {
        auto pipe = runtime::make_memory_pipe(executor);
        if (++attempts == 1) {
            // The first pipe only comes after 5 s, past the 3 s timeout.
            late_broker_end = pipe.second;
            auto& timer = timers.emplace_back(w.clock().make_timer(executor));
            timer->wait_until(w.clock().now() + 5s,
                              [done = std::move(done), client_end = pipe.first](std::error_code) mutable {
                                  done({}, client::make_memory_transport(client_end, "late"));
                              });
            return;
        }
        broker = scripted_broker::serve(w, pipe.second, {});
        done({}, client::make_memory_transport(pipe.first, "broker"));
    };
    auto options = sim_options();
    options.connection_timeout = 3s;
    options.connection_attempts = 2;
    options.retry_delay = 10s;

    connect_result result;
    start_connect(w, options, env, result);
    ASSERT_EQ(w.run_until([&] { return result.done; }, 1h), simulation_end::done);
    ASSERT_FALSE(result.ec) << result.ec.message();
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(w.elapsed(), 13s);
    // The late transport was closed when it arrived: its broker end reads end of file.
    ASSERT_TRUE(late_broker_end);
    std::array<std::byte, 16> buffer{};
    std::optional<std::error_code> read_error;
    late_broker_end->async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t) { read_error = ec; });
    ASSERT_EQ(w.run_until([&] { return read_error.has_value(); }, 1s), simulation_end::done);
    EXPECT_EQ(*read_error, asio::error::eof);

    bool closed = false;
    result.connection.close([&](std::error_code) { closed = true; });
    ASSERT_EQ(w.run_until([&] { return closed; }, 1s), simulation_end::done);
}

}  // namespace
}  // namespace amqp::test
