// Each fault action against the broker in a simulation (virtual time, in-memory
// pipes), seen by a raw client: what reaches the wire, when, and the broker's state
// afterwards.
#include "raw_steps.hpp"
#include "sim_broker.hpp"

#include <asio/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace amqp::fakebroker::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace proto = amqp::protocol;

std::size_t ready(sim_broker& sim, std::string_view queue)
{
    const auto q = sim.broker().queue(queue);
    return q ? q->ready : std::size_t(-1);
}

// A connection with channel 1 open and queue "q" declared.
std::unique_ptr<stream_peer> ready_peer(sim_broker& sim, std::string_view name = "app")
{
    auto p = sim.connect();
    EXPECT_TRUE(open(sim, *p, name));
    EXPECT_TRUE(open_channel(sim, *p, 1));
    EXPECT_TRUE(declare(sim, *p, 1, "q"));
    return p;
}

void publish_n(stream_peer& p, int n, std::string_view queue = "q")
{
    for (int i = 1; i <= n; ++i) p.publish(1, "", std::string(queue), "m" + std::to_string(i));
}

TEST(fault_drop, before_the_third_publish_is_handled)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("basic.publish").nth(3).then(fault::drop()));
    publish_n(*p, 5);
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::eof);
    EXPECT_EQ(ready(sim, "q"), 2u);
    ASSERT_TRUE(sim.run_until([&] { return sim.broker().connections().empty(); }, 1s));
    const auto fired = sim.broker().fired_faults();
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].method, "basic.publish");
    EXPECT_EQ(fired[0].count, 3u);
    EXPECT_EQ(fired[0].connection, 1u);
    EXPECT_EQ(fired[0].connection_name, "app");
}

TEST(fault_drop, after_the_third_publish_is_handled)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_handled).method("basic.publish").nth(3).then(fault::drop()));
    publish_n(*p, 5);
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(ready(sim, "q"), 3u);
}

TEST(fault_drop, writes_what_was_sent_before_it_and_nothing_after)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::after_method_sent).method("queue.declare-ok").then(fault::drop()));
    p->send(1, queue_declare("a"));
    p->send(1, queue_declare("b"));
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::eof);
    EXPECT_EQ(p->count<proto::queue_declare_ok>(), 2u);  // "q", then "a"; never "b"
    EXPECT_EQ(p->last<proto::queue_declare_ok>()->queue, "a");
}

TEST(fault_reset, the_peer_sees_a_reset)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::reset()));
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::connection_reset);
}

TEST(fault_stall, a_silent_broker_keeps_the_connection_open)
{
    sim_broker sim;
    auto p = sim.connect();
    ASSERT_TRUE(open(sim, *p, "app", 10));
    ASSERT_TRUE(open_channel(sim, *p, 1));
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::stall()));
    p->send(1, queue_declare("a"));
    sim.run_for(1s);
    const auto beats = p->heartbeats();
    const auto bytes = p->bytes_received();
    // Minutes of silence both ways: no heartbeat from the broker, and it does not
    // give up on the silent client either. The client's heartbeat check would fire.
    sim.run_for(5min);
    EXPECT_FALSE(p->ended());
    EXPECT_EQ(p->heartbeats(), beats);
    EXPECT_EQ(p->bytes_received(), bytes);
    EXPECT_EQ(sim.broker().connections().size(), 1u);
    EXPECT_FALSE(sim.broker().queue("a"));
}

TEST(fault_stall, a_timed_stall_resumes_in_order)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::stall(3s)));
    const auto sent = sim.clock().now();
    const auto from = p->commands().size();
    p->send(1, queue_declare("a"));
    proto::basic_qos qos;
    qos.prefetch_count = 5;
    p->send(1, qos);
    ASSERT_TRUE(receive<proto::basic_qos_ok>(sim, *p));
    const auto declared = p->find<proto::queue_declare_ok>(from);
    const auto qos_ok = p->find<proto::basic_qos_ok>();
    ASSERT_NE(declared, stream_peer::npos);
    EXPECT_LT(declared, qos_ok);
    EXPECT_GE(p->commands()[declared].at - sent, 3s);
}

TEST(fault_stall, from_a_frame_to_send_holds_it_until_the_stall_ends)
{
    sim_broker sim;
    auto p = sim.connect();
    ASSERT_TRUE(open(sim, *p, "app", 10));
    ASSERT_TRUE(open_channel(sim, *p, 1));
    sim.broker().add_fault(fault_rule::on(hook::before_method_sent).method("queue.declare-ok").then(fault::stall(20s)));
    const auto sent = sim.clock().now();
    const auto from = p->commands().size();
    p->send(1, queue_declare("a"));
    sim.run_for(19s);
    EXPECT_EQ(p->count<proto::queue_declare_ok>(), 0u);
    const auto beats = p->heartbeats();
    ASSERT_TRUE(receive<proto::queue_declare_ok>(sim, *p));
    EXPECT_EQ(p->commands()[p->find<proto::queue_declare_ok>(from)].at - sent, 20s);
    // Heartbeats flow again afterwards; the client's silence during the stall was
    // shorter than three intervals, so the connection lives.
    p->send_heartbeat();
    sim.run_for(12s);
    EXPECT_GT(p->heartbeats(), beats);
    EXPECT_FALSE(p->ended());
}

TEST(fault_delay, a_delayed_close_ok_still_goes_out_before_the_socket_closes)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(
        fault_rule::on(hook::before_method_sent).method("connection.close-ok").then(fault::delay(1s)));
    p->send(0, proto::connection_close{200, "bye", 0, 0});
    ASSERT_TRUE(sim.run_until([&] { return p->count<proto::connection_close_ok>() == 1; }, 5s));
    // A peer that never closes its end: the broker does after RabbitMQ's 30 s.
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 35s));
    EXPECT_EQ(p->count<proto::connection_close_ok>(), 1u);
    EXPECT_EQ(p->end_reason(), asio::error::eof);
}

TEST(fault_close_channel, on_the_third_ack_with_the_method_that_caused_it)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    publish_n(*p, 5);
    ASSERT_TRUE(consume(sim, *p, 1, "q"));
    ASSERT_TRUE(receive<proto::basic_deliver>(sim, *p, 5));
    sim.broker().add_fault(fault_rule::on(hook::method_received)
                               .method("basic.ack")
                               .nth(3)
                               .then(fault::close_channel(406, "PRECONDITION_FAILED - injected")));
    for (std::uint64_t tag = 1; tag <= 5; ++tag) p->send(1, proto::basic_ack{tag, false});
    ASSERT_TRUE(receive<proto::channel_close>(sim, *p));
    const auto* close = p->last<proto::channel_close>();
    EXPECT_EQ(close->reply_code, 406);
    EXPECT_EQ(close->reply_text, "PRECONDITION_FAILED - injected");
    EXPECT_EQ(close->class_id, 60);
    EXPECT_EQ(close->method_id, 80);
    p->send(1, proto::channel_close_ok{});
    sim.run_for(10ms);
    // Two acks took effect; the deliveries of the closed channel went back, and the
    // acks after the close were ignored.
    EXPECT_EQ(ready(sim, "q"), 3u);
    EXPECT_EQ(sim.broker().queue("q")->unacked, 0u);
    EXPECT_FALSE(p->ended());
    EXPECT_EQ(sim.broker().channels().size(), 0u);
}

TEST(fault_close_channel, at_an_enqueue_waits_for_a_safe_point)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::message_enqueued).nth(2).then(fault::close_channel(506)));
    publish_n(*p, 3);
    ASSERT_TRUE(receive<proto::channel_close>(sim, *p));
    EXPECT_EQ(p->last<proto::channel_close>()->reply_code, 506);
    EXPECT_EQ(p->last<proto::channel_close>()->reply_text, "RESOURCE_ERROR - injected fault");
    // The second message was in the queue when the fault struck; the third publish
    // arrived on a closing channel.
    EXPECT_EQ(ready(sim, "q"), 2u);
}

TEST(fault_close_connection, from_inside_a_delivery_sends_nothing_more)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    publish_n(*p, 5);
    sim.broker().add_fault(fault_rule::on(hook::before_method_sent)
                               .method("basic.deliver")
                               .nth(2)
                               .then(fault::close_connection(320, "CONNECTION_FORCED - test")));
    p->send(1, consume_method("q"));
    ASSERT_TRUE(receive<proto::connection_close>(sim, *p));
    EXPECT_EQ(p->count<proto::basic_deliver>(), 1u);
    EXPECT_EQ(p->last<proto::connection_close>()->reply_code, 320);
    EXPECT_EQ(p->last<proto::connection_close>()->reply_text, "CONNECTION_FORCED - test");
    p->send(0, proto::connection_close_ok{});
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(p->end_reason(), asio::error::eof);
    EXPECT_EQ(ready(sim, "q"), 5u);
}

TEST(fault_swallow, a_received_method_gets_no_reply)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::swallow()));
    p->send(1, queue_declare("a"));
    p->send(1, queue_declare("b"));
    ASSERT_TRUE(receive<proto::queue_declare_ok>(sim, *p, 2));
    EXPECT_EQ(p->last<proto::queue_declare_ok>()->queue, "b");
    EXPECT_FALSE(sim.broker().queue("a"));
}

TEST(fault_swallow, a_delivery_is_never_seen_but_stays_unacked)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    publish_n(*p, 3);
    sim.broker().add_fault(
        fault_rule::on(hook::before_method_sent).method("basic.deliver").nth(2).then(fault::swallow()));
    p->send(1, consume_method("q"));
    ASSERT_TRUE(receive<proto::basic_deliver>(sim, *p, 2));
    sim.run_for(10ms);
    EXPECT_EQ(p->count<proto::basic_deliver>(), 2u);
    EXPECT_EQ(p->last<proto::basic_deliver>()->delivery_tag, 3u);
    EXPECT_EQ(sim.broker().queue("q")->unacked, 3u);
}

TEST(fault_delay, a_reply_to_send_waits_and_what_follows_waits_behind_it)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::before_method_sent).method("queue.declare-ok").then(fault::delay(2s)));
    const auto sent = sim.clock().now();
    const auto from = p->commands().size();
    p->send(1, queue_declare("a"));
    p->send(1, proto::basic_qos{0, 1, false});
    ASSERT_TRUE(receive<proto::basic_qos_ok>(sim, *p));
    const auto declared = p->find<proto::queue_declare_ok>(from);
    ASSERT_NE(declared, stream_peer::npos);
    EXPECT_EQ(p->commands()[declared].at - sent, 2s);
    EXPECT_LT(declared, p->find<proto::basic_qos_ok>());
    // The queue itself was declared at once: only the reply waited.
    EXPECT_EQ(sim.broker().fired_faults().size(), 1u);
}

TEST(fault_delay, a_received_method_waits_before_it_is_handled)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_received).method("queue.declare").then(fault::delay(500ms)));
    const auto sent = sim.clock().now();
    const auto from = p->commands().size();
    p->send(1, queue_declare("a"));
    p->send(1, proto::basic_qos{0, 1, false});
    sim.run_for(400ms);
    EXPECT_FALSE(sim.broker().queue("a"));
    EXPECT_EQ(p->count<proto::basic_qos_ok>(), 0u);
    ASSERT_TRUE(receive<proto::basic_qos_ok>(sim, *p));
    EXPECT_EQ(p->commands()[p->find<proto::queue_declare_ok>(from)].at - sent, 500ms);
    EXPECT_TRUE(sim.broker().queue("a"));
}

TEST(fault_split_writes, frames_arrive_in_pieces_and_intact)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_handled).method("queue.declare").then(fault::split_writes(1)));
    const auto reads = p->reads();
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(receive<proto::queue_declare_ok>(sim, *p, 2));
    EXPECT_EQ(p->last<proto::queue_declare_ok>()->queue, "a");
    // "a"'s declare-ok is 21 bytes: written one at a time.
    EXPECT_GE(p->reads() - reads, 10u);
}

TEST(fault_block, blocked_then_unblocked_after_the_duration)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(
        fault_rule::on(hook::method_handled).method("queue.declare").then(fault::block("disk alarm", 1s)));
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(receive<proto::connection_blocked>(sim, *p));
    EXPECT_EQ(p->last<proto::connection_blocked>()->reason, "disk alarm");
    const auto blocked_at = p->commands()[p->find<proto::connection_blocked>()].at;
    ASSERT_TRUE(receive<proto::connection_unblocked>(sim, *p));
    EXPECT_EQ(p->commands()[p->find<proto::connection_unblocked>()].at - blocked_at, 1s);
}

TEST(fault_block, until_another_rule_unblocks)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    sim.broker().add_fault(fault_rule::on(hook::method_handled).method("queue.declare").then(fault::block()));
    sim.broker().add_fault(fault_rule::on(hook::method_handled).method("queue.declare").nth(2).then(fault::unblock()));
    p->send(1, queue_declare("a"));
    ASSERT_TRUE(receive<proto::connection_blocked>(sim, *p));
    EXPECT_EQ(p->last<proto::connection_blocked>()->reason, "low on memory");
    sim.run_for(10s);
    EXPECT_EQ(p->count<proto::connection_unblocked>(), 0u);
    p->send(1, queue_declare("b"));
    ASSERT_TRUE(receive<proto::connection_unblocked>(sim, *p));
}

TEST(fault_cancel_consumer, at_the_second_delivery_as_when_its_queue_goes)
{
    sim_broker sim;
    auto p = ready_peer(sim);
    publish_n(*p, 4);
    sim.broker().add_fault(fault_rule::on(hook::message_delivered).nth(2).then(fault::cancel_consumer()));
    p->send(1, proto::basic_qos{0, 2, false});
    p->send(1, consume_method("q"));
    ASSERT_TRUE(receive<proto::basic_cancel>(sim, *p));
    const auto tag = p->last<proto::basic_consume_ok>()->consumer_tag;
    EXPECT_EQ(p->last<proto::basic_cancel>()->consumer_tag, tag);
    EXPECT_TRUE(p->last<proto::basic_cancel>()->nowait);
    EXPECT_EQ(p->count<proto::basic_deliver>(), 2u);
    EXPECT_EQ(sim.broker().queue("q")->consumers, 0u);
    EXPECT_EQ(ready(sim, "q"), 2u);
}

TEST(fault_refuse, the_next_connections_at_accept)
{
    sim_broker sim;
    sim.broker().add_fault(fault_rule::on(hook::connection_accepted).connection(1).then(fault::refuse_connections(2)));
    auto first = sim.connect();
    auto second = sim.connect();
    auto third = sim.connect();
    ASSERT_TRUE(sim.run_until([&] { return first->ended() && second->ended(); }, 1s));
    EXPECT_EQ(first->bytes_received(), 0u);
    EXPECT_EQ(second->bytes_received(), 0u);
    EXPECT_TRUE(open(sim, *third));
}

TEST(fault_refuse, with_access_refused_in_the_handshake)
{
    sim_broker sim;
    sim.broker().add_fault(
        fault_rule::on(hook::connection_accepted).then(fault::refuse_connections(1, refusal::access_refused)));
    auto p = sim.connect();
    p->send_protocol_header();
    ASSERT_TRUE(receive<proto::connection_start>(sim, *p));
    p->send_handshake("app", 0);
    ASSERT_TRUE(receive<proto::connection_close>(sim, *p));
    EXPECT_EQ(p->last<proto::connection_close>()->reply_code, 403);
    EXPECT_THAT(p->last<proto::connection_close>()->reply_text, HasSubstr("ACCESS_REFUSED - Login was refused"));
    EXPECT_EQ(p->count<proto::connection_tune>(), 0u);
    auto next = sim.connect();
    EXPECT_TRUE(open(sim, *next));
}

TEST(fault_refuse, with_not_allowed_at_connection_open)
{
    sim_broker sim;
    sim.broker().add_fault(
        fault_rule::on(hook::connection_accepted).then(fault::refuse_connections(1, refusal::not_allowed)));
    auto p = sim.connect();
    p->send_protocol_header();
    ASSERT_TRUE(receive<proto::connection_start>(sim, *p));
    p->send_handshake("app", 0);
    ASSERT_TRUE(receive<proto::connection_close>(sim, *p));
    const auto* close = p->last<proto::connection_close>();
    EXPECT_EQ(close->reply_code, 530);
    EXPECT_EQ(close->reply_text, "NOT_ALLOWED - access to vhost '/' refused for user 'guest'");
    EXPECT_EQ(close->class_id, 10);
    EXPECT_EQ(close->method_id, 40);
}

TEST(fault_restart, from_a_hook_keeps_durable_state_only)
{
    sim_broker sim;
    auto p = sim.connect();
    ASSERT_TRUE(open(sim, *p));
    ASSERT_TRUE(open_channel(sim, *p, 1));
    ASSERT_TRUE(declare(sim, *p, 1, "durable", true));
    ASSERT_TRUE(declare(sim, *p, 1, "transient"));
    sim.broker().add_fault(fault_rule::on(hook::method_handled).method("basic.publish").nth(2).then(fault::restart()));
    proto::basic_properties persistent;
    persistent.delivery_mode = 2;
    p->publish(1, "", "durable", "kept", persistent);
    p->publish(1, "", "durable", "lost");
    ASSERT_TRUE(receive<proto::connection_close>(sim, *p));
    EXPECT_EQ(p->last<proto::connection_close>()->reply_code, 320);
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 5s));
    EXPECT_EQ(ready(sim, "durable"), 1u);
    EXPECT_FALSE(sim.broker().queue("transient"));
    // The broker takes connections again, with fresh channels.
    auto again = sim.connect();
    EXPECT_TRUE(open(sim, *again));
}

TEST(fault_rules, match_a_connection_by_its_name)
{
    sim_broker sim;
    sim.broker().add_fault(fault_rule::on(hook::method_received)
                               .connection("b")
                               .method("queue.declare")
                               .then(fault::close_connection(320)));
    auto a = ready_peer(sim, "a");
    auto b = sim.connect();
    ASSERT_TRUE(open(sim, *b, "b"));
    ASSERT_TRUE(open_channel(sim, *b, 1));
    b->send(1, queue_declare("q"));
    ASSERT_TRUE(receive<proto::connection_close>(sim, *b));
    EXPECT_EQ(a->count<proto::connection_close>(), 0u);
    EXPECT_EQ(sim.broker().fired_faults().at(0).connection, 2u);
}

TEST(fault_rules, at_a_heartbeat_tick)
{
    sim_broker sim;
    auto p = sim.connect();
    ASSERT_TRUE(open(sim, *p, "app", 10));
    sim.broker().add_fault(fault_rule::on(hook::heartbeat_tick).nth(2).then(fault::drop()));
    ASSERT_TRUE(sim.run_until([&] { return p->ended(); }, 30s));
    EXPECT_EQ(sim.broker().fired_faults().at(0).point, hook::heartbeat_tick);
}

TEST(fault_rules, are_logged_with_their_counters)
{
    std::vector<std::string> lines;
    broker_options options;
    options.fault_log = [&](std::string_view line) { lines.emplace_back(line); };
    sim_broker sim(options);
    auto p = ready_peer(sim);
    const auto id = sim.broker().add_fault(
        fault_rule::on(hook::method_received).method("basic.publish").nth(2).named("second").then(fault::swallow()));
    publish_n(*p, 2);
    sim.run_for(10ms);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "fault #1 rule " + std::to_string(id) +
                  " \"second\" at method_received basic.publish connection 1 \"app\" channel 1 count 2: swallow");
    const auto rules = sim.broker().fault_rules();
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_TRUE(rules[0].exhausted);
    EXPECT_EQ(rules[0].matched, 2u);
    EXPECT_THROW(sim.broker().add_fault(fault_rule::on(hook::heartbeat_tick).then(fault::swallow())),
                 std::invalid_argument);
}

}  // namespace
}  // namespace amqp::fakebroker::test
