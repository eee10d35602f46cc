// Fault actions that touch the socket, over real TCP: a reset is a reset, a drop is a
// clean close after what was sent, a stall keeps the socket open, a delay takes time.
#include "raw_steps.hpp"
#include "tcp_broker.hpp"

#include <asio/error.hpp>

#include <gtest/gtest.h>

namespace amqp::fakebroker::test {
namespace {

using namespace std::chrono_literals;
namespace proto = amqp::protocol;

std::unique_ptr<stream_peer> ready_peer(tcp_broker& world)
{
    auto p = world.connect();
    EXPECT_TRUE(open(world, *p));
    EXPECT_TRUE(open_channel(world, *p, 1));
    return p;
}

TEST(fault_tcp, reset_is_seen_as_a_connection_reset)
{
    tcp_broker world;
    auto p = ready_peer(world);
    world.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::reset()));
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(world.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::connection_reset);
}

TEST(fault_tcp, drop_closes_cleanly_after_what_was_sent_before)
{
    tcp_broker world;
    auto p = ready_peer(world);
    world.broker().add_fault(fault_rule::on(hook::after_method_sent).method("queue.declare-ok").then(fault::drop()));
    p->send(1, queue_declare("a"));
    p->send(1, queue_declare("b"));
    ASSERT_TRUE(world.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::eof);
    ASSERT_EQ(p->count<proto::queue_declare_ok>(), 1u);
    EXPECT_EQ(p->last<proto::queue_declare_ok>()->queue, "a");
    ASSERT_TRUE(world.run_until([&] { return world.broker().connections().empty(); }, 5s));
}

TEST(fault_tcp, a_stalled_socket_stays_open_until_the_broker_stops)
{
    tcp_broker world;
    auto p = ready_peer(world);
    world.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::stall()));
    p->send(1, queue_declare("a"));
    // Nothing at all for a while: no reply, no close.
    EXPECT_FALSE(world.run_until([&] { return p->ended() || p->count<proto::queue_declare_ok>() > 0; }, 300ms));
    EXPECT_EQ(world.broker().connections().size(), 1u);
    world.broker().stop();
    ASSERT_TRUE(world.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->count<proto::queue_declare_ok>(), 0u);
}

TEST(fault_tcp, a_delay_takes_its_time)
{
    tcp_broker world;
    auto p = ready_peer(world);
    world.broker().add_fault(
        fault_rule::on(hook::before_method_sent).method("queue.declare-ok").then(fault::delay(200ms)));
    const auto sent = std::chrono::steady_clock::now();
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(receive<proto::queue_declare_ok>(world, *p));
    EXPECT_GE(std::chrono::steady_clock::now() - sent, 200ms);
}

TEST(fault_tcp, split_writes_keep_frames_intact)
{
    tcp_broker world;
    auto p = ready_peer(world);
    world.broker().add_fault(fault_rule::on(hook::method_handled).method("channel.open").then(fault::split_writes(3)));
    ASSERT_TRUE(open_channel(world, *p, 2));
    ASSERT_TRUE(declare(world, *p, 2, "a"));
    EXPECT_EQ(p->last<proto::queue_declare_ok>()->queue, "a");
    EXPECT_FALSE(p->ended());
}

TEST(fault_tcp, rules_from_another_thread_on_an_owned_broker)
{
    broker b;
    b.start();
    b.add_fault(fault_rule::on(hook::method_received)
                    .method("channel.open")
                    .then(fault::close_connection(320, "CONNECTION_FORCED - from a test")));
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), b.port()});
    stream_peer p(std::make_shared<tcp_pipe_end>(std::move(socket)), runtime::system_clock());
    auto run_until = [&](const std::function<bool()>& until) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!until() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(deadline - std::chrono::steady_clock::now());
        }
        return until();
    };
    p.send_protocol_header();
    p.send_handshake("threaded", 0);
    p.send(1, proto::channel_open{});
    ASSERT_TRUE(run_until([&] { return p.count<proto::connection_close>() > 0; })) << p.transcript();
    EXPECT_EQ(p.last<proto::connection_close>()->reply_text, "CONNECTION_FORCED - from a test");
    ASSERT_TRUE(b.wait_for_faults(1, 5s));
    EXPECT_EQ(b.fired_faults().at(0).connection_name, "threaded");
    EXPECT_TRUE(b.fault_rules().at(0).exhausted);
    b.clear_faults();
    EXPECT_TRUE(b.fault_rules().empty());
    EXPECT_TRUE(b.fired_faults().empty());
}

}  // namespace
}  // namespace amqp::fakebroker::test
