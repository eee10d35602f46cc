// The broker on virtual time over in-memory pipes: heartbeats and the missed-heartbeat
// drop, seen by a raw client, without a socket or a real second passing.
#include "sim_broker.hpp"

#include <asio/error.hpp>

#include <gtest/gtest.h>

namespace amqp::fakebroker::test {
namespace {

using namespace std::chrono_literals;
namespace proto = amqp::protocol;

// Connects and completes the handshake asking for `heartbeat`; the time the client
// sent its last byte.
runtime::time_point open(sim_broker& sim, stream_peer& peer, std::uint16_t heartbeat)
{
    peer.send_protocol_header();
    EXPECT_TRUE(sim.run_until([&] { return peer.count<proto::connection_start>() == 1; }, 1s));
    peer.send_handshake("sim", heartbeat);
    const auto sent = sim.clock().now();
    EXPECT_TRUE(sim.run_until([&] { return peer.count<proto::connection_open_ok>() == 1; }, 1s)) << peer.transcript();
    return sent;
}

std::vector<runtime::time_point> heartbeat_times(const stream_peer& peer)
{
    std::vector<runtime::time_point> out;
    for (const auto& f : peer.frames()) {
        if (f.type == proto::frame_type::heartbeat) out.push_back(f.at);
    }
    return out;
}

TEST(broker_simulation, sends_heartbeats_every_half_interval_and_drops_a_silent_client)
{
    sim_broker sim;
    auto peer = sim.connect();
    const auto last_client_byte = open(sim, *peer, 10);
    ASSERT_EQ(sim.broker().connections().size(), 1u);

    ASSERT_TRUE(sim.run_until([&] { return peer->ended(); }, 120s));

    const auto beats = heartbeat_times(*peer);
    ASSERT_GE(beats.size(), 5u);
    for (std::size_t i = 1; i < beats.size(); ++i) EXPECT_EQ(beats[i] - beats[i - 1], 5s) << "heartbeat " << i;
    // RabbitMQ's rule: closed without a close method once the client was silent for
    // more than three intervals... checked every half interval.
    EXPECT_EQ(peer->end_reason(), asio::error::eof);
    const auto silence = *peer->ended_at() - last_client_byte;
    EXPECT_GT(silence, 30s);
    EXPECT_LE(silence, 35s);
    EXPECT_EQ(peer->count<proto::connection_close>(), 0u);
    sim.run_until([&] { return sim.broker().connections().empty(); }, 1s);
    EXPECT_TRUE(sim.broker().connections().empty());
}

TEST(broker_simulation, a_client_sending_heartbeats_stays_connected)
{
    sim_broker sim;
    auto peer = sim.connect("pipe-client");
    open(sim, *peer, 10);
    for (int i = 0; i < 30; ++i) {  // five minutes
        sim.run_for(10s);
        peer->send_heartbeat();
    }
    sim.run_for(1s);
    EXPECT_FALSE(peer->ended()) << peer->transcript();
    EXPECT_GE(peer->heartbeats(), 59u);
    const auto connections = sim.broker().connections();
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_EQ(connections[0].name, "sim");
    EXPECT_EQ(connections[0].peer, "pipe-client");
}

TEST(broker_simulation, attach_before_start_closes_the_end)
{
    asio::io_context io;
    runtime::virtual_clock clock;
    broker_options options;
    options.clock = &clock;
    options.listen = false;
    broker b(io, options);
    auto [ours, theirs] = runtime::make_memory_pipe(io.get_executor());
    b.attach(theirs);
    stream_peer peer(ours, clock);
    EXPECT_EQ(runtime::run_simulation(
                  io, clock, [&] { return peer.ended(); }, 1s),
              runtime::simulation_end::done);
    EXPECT_EQ(b.port(), 0u);
}

}  // namespace
}  // namespace amqp::fakebroker::test
