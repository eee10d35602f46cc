#pragma once

// Raw protocol steps for a stream_peer, each sent and then waited for (bounded), against any
// world that offers run_until(condition, limit): the simulation or real TCP.

#include "stream_peer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace amqp::fakebroker::test {

using amqp::test::stream_peer;

inline constexpr std::chrono::seconds step_limit{5};

// Runs the world until `p` has received `n` commands of type M (or ended).
template <class M, class World>
::testing::AssertionResult receive(World& w, stream_peer& p, std::size_t n = 1)
{
    w.run_until([&] { return p.count<M>() >= n || p.ended(); }, step_limit);
    if (p.count<M>() >= n) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected " << n << " x " << M::name << ", got:\n" << p.transcript();
}

template <class World>
::testing::AssertionResult open(World& w, stream_peer& p, std::string_view name = "app", std::uint16_t heartbeat = 0)
{
    p.send_protocol_header();
    if (auto r = receive<protocol::connection_start>(w, p); !r) return r;
    p.send_handshake(name, heartbeat);
    return receive<protocol::connection_open_ok>(w, p);
}

// Sends `request` and waits for one more Reply than had arrived before.
template <class Reply, class World, class Request>
::testing::AssertionResult rpc(World& w, stream_peer& p, std::uint16_t channel, const Request& request)
{
    const auto before = p.count<Reply>();
    p.send(channel, request);
    return receive<Reply>(w, p, before + 1);
}

template <class World>
::testing::AssertionResult open_channel(World& w, stream_peer& p, std::uint16_t channel)
{
    return rpc<protocol::channel_open_ok>(w, p, channel, protocol::channel_open{});
}

inline protocol::queue_declare queue_declare(std::string name, bool durable = false)
{
    protocol::queue_declare m;
    m.queue = std::move(name);
    m.durable = durable;
    return m;
}

template <class World>
::testing::AssertionResult declare(World& w, stream_peer& p, std::uint16_t channel, std::string queue,
                                   bool durable = false)
{
    return rpc<protocol::queue_declare_ok>(w, p, channel, queue_declare(std::move(queue), durable));
}

inline protocol::basic_consume consume_method(std::string queue, bool no_ack = false)
{
    protocol::basic_consume m;
    m.queue = std::move(queue);
    m.no_ack = no_ack;
    return m;
}

template <class World>
::testing::AssertionResult consume(World& w, stream_peer& p, std::uint16_t channel, std::string queue,
                                   bool no_ack = false)
{
    return rpc<protocol::basic_consume_ok>(w, p, channel, consume_method(std::move(queue), no_ack));
}

}  // namespace amqp::fakebroker::test
