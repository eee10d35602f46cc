// The client against the embedded broker in a simulation: messaging, an idle connection, and a trace that repeats.
#include "co_assert.hpp"
#include "simulation_fixture.hpp"

#include <amqp/runtime/simulation.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using runtime::simulation_end;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

using harness::world;

// `line` with the random part of amq.ctag-... and amq.gen-... names replaced by '*'.
// (Written out: std::regex trips a false -Wmaybe-uninitialized in GCC 12 under ASan.)
std::string without_generated_names(std::string_view line)
{
    std::string out;
    std::size_t at = 0;
    while (at < line.size()) {
        std::size_t prefix = 0;
        for (std::string_view p : {std::string_view("amq.ctag-"), std::string_view("amq.gen-")}) {
            if (line.substr(at, p.size()) == p) prefix = p.size();
        }
        if (prefix == 0) {
            out += line[at++];
            continue;
        }
        out.append(line.substr(at, prefix));
        at += prefix;
        const auto random = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
        if (at < line.size() && random(line[at])) {
            out += '*';
            while (at < line.size() && random(line[at])) ++at;
        }
    }
    return out;
}

// A simulated world with the embedded broker; with `trace`, the broker's frames in the
// log.
harness::world_options with_broker(bool trace = false)
{
    harness::world_options options;
    if (trace) {
        options.trace = [](world& w, std::string_view line) {
            // Server-generated names (amq.ctag-..., amq.gen-...) are random: the broker
            // seeds them from std::random_device, with no option to fix the seed.
            w.say("broker: " + without_generated_names(line));
        };
    }
    return options;
}

// Declare, publish with confirms, consume; then wait on virtual time for what never
// comes (queue_iterator::next, an rpc call); close. Logs each step.
asio::awaitable<void> messaging_scenario(world& w)
{
    auto& broker = w.broker();
    auto conn = co_await client::connect(w.io().get_executor(), sim_options(), w.environment());
    w.say("client: connected");
    EXPECT_EQ(conn.tuning().heartbeat, 10);
    client::channel_options confirms;
    confirms.publisher_confirms = true;
    auto ch = co_await conn.channel(confirms);
    auto queue = co_await ch.declare_queue("sim.work");
    w.say("client: declared " + queue.name());
    for (int i = 0; i < 3; ++i) {
        const client::message m("job " + std::to_string(i));
        co_await ch.basic_publish("", queue.name(), m);
        w.say("client: job " + std::to_string(i) + " confirmed");
    }
    const auto declared = broker.queue("sim.work");
    CO_ASSERT_TRUE(declared.has_value());
    EXPECT_EQ(declared->ready, 3u);

    auto jobs = queue.iterator();
    std::vector<std::string> bodies;
    for (int i = 0; i < 3; ++i) {
        auto m = co_await jobs.next();
        CO_ASSERT_TRUE(m.has_value());
        bodies.push_back(m->body);
        EXPECT_FALSE(m->ack());
        w.say("client: consumed " + m->body);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"job 0", "job 1", "job 2"}));

    // Nothing more comes: next() gives up after its timeout of virtual time, while
    // heartbeats keep the connection up.
    auto waited_from = w.elapsed();
    auto [next_error, none] = co_await jobs.next(30s, as_tuple);
    EXPECT_EQ(next_error, client::errc::timeout);
    EXPECT_FALSE(none.has_value());
    EXPECT_EQ(w.elapsed() - waited_from, 30s);
    w.say("client: next() timed out");

    client::rpc_options rpc_options;
    rpc_options.timeout = 45s;
    auto rpc = co_await client::rpc_client::create(ch, rpc_options);
    const client::message request("anyone?");
    waited_from = w.elapsed();
    auto [call_error, reply] = co_await rpc.call("sim.nobody-serves", request, as_tuple);
    (void)reply;
    EXPECT_EQ(call_error, client::errc::timeout);
    EXPECT_EQ(w.elapsed() - waited_from, 45s);
    w.say("client: rpc call timed out");

    co_await jobs.close();
    EXPECT_TRUE(conn.is_open());
    co_await conn.close();
    w.say("client: closed");
}

TEST(client_simulation, declares_publishes_with_confirms_and_consumes_against_the_embedded_broker)
{
    world w(with_broker());
    ASSERT_TRUE(w.run(messaging_scenario, 10min)) << w.log().text();
    const auto queue = w.broker().queue("sim.work");
    ASSERT_TRUE(queue.has_value());
    EXPECT_EQ(queue->ready, 0u);
    EXPECT_EQ(queue->unacked, 0u);
    EXPECT_EQ(w.elapsed(), 75s);
}

TEST(client_simulation, an_idle_connection_to_the_embedded_broker_stays_up_on_both_sides_heartbeats)
{
    world w(with_broker());
    connect_result connected;
    start_connect(w, sim_options(), w.environment(), connected);
    ASSERT_EQ(w.run_until([&] { return connected.done; }, 1s), simulation_end::done);
    ASSERT_FALSE(connected.ec) << connected.ec.message();
    bool closed_early = false;
    connected.connection.on_close([&](const client::close_info&) { closed_early = true; });
    EXPECT_EQ(w.run_until([] { return false; }, 10min), simulation_end::time_limit);
    // Each side gives up after two silent intervals: both are still there, so both sent.
    EXPECT_FALSE(closed_early);
    EXPECT_TRUE(connected.connection.is_open());
    EXPECT_EQ(w.broker().connections().size(), 1u);
    bool closed = false;
    connected.connection.close([&](std::error_code) { closed = true; });
    ASSERT_EQ(w.run_until([&] { return closed; }, 1s), simulation_end::done);
}

// The messaging scenario with the broker's frame trace interleaved with the client's
// steps, every line stamped with virtual time.
std::vector<std::string> traced_messaging_run()
{
    world w(with_broker(true));
    EXPECT_TRUE(w.run(messaging_scenario, 10min)) << w.log().text();
    return w.log().lines();
}

TEST(client_simulation, the_same_run_against_the_embedded_broker_twice_gives_the_same_trace)
{
    const auto first = traced_messaging_run();
    const auto second = traced_messaging_run();
    EXPECT_EQ(first, second);
    EXPECT_THAT(first, ::testing::Contains("30.000s  client: next() timed out"));
    EXPECT_THAT(first, ::testing::Contains("75.000s  client: rpc call timed out"));
    EXPECT_GT(first.size(), 40u);
}

}  // namespace
}  // namespace amqp::test
