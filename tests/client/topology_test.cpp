#include "topology.hpp"
#include "backoff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amqp::client::detail {
namespace {

using namespace std::chrono_literals;

queue_options auto_delete_queue()
{
    queue_options o;
    o.auto_delete = true;
    return o;
}

std::vector<std::string> queue_names(const topology& t)
{
    std::vector<std::string> names;
    for (const auto& q : t.queues()) names.push_back(q.name);
    return names;
}

TEST(topology, keeps_declarations_in_order_and_once)
{
    topology t;
    t.add_exchange({"logs", "fanout", {}, 1});
    t.add_queue({"a", "a", {}, 1});
    t.add_queue({"b", "b", {}, 1});
    t.add_queue({"a", "a", {}, 2});  // declared again: still one
    t.add_binding({true, "a", "logs", "", {}, 1});
    t.add_binding({true, "a", "logs", "", {}, 2});
    EXPECT_THAT(queue_names(t), testing::ElementsAre("a", "b"));
    EXPECT_EQ(t.bindings().size(), 1u);
    EXPECT_EQ(t.exchanges().size(), 1u);
}

TEST(topology, passive_declarations_are_checks_not_records)
{
    topology t;
    queue_options passive;
    passive.passive = true;
    t.add_queue({"q", "q", passive, 1});
    exchange_options passive_exchange;
    passive_exchange.passive = true;
    t.add_exchange({"x", "direct", passive_exchange, 1});
    EXPECT_TRUE(t.queues().empty());
    EXPECT_TRUE(t.exchanges().empty());
}

TEST(topology, deleting_a_queue_forgets_its_bindings_and_consumers)
{
    topology t;
    t.add_queue({"q", "q", {}, 1});
    t.add_binding({true, "q", "amq.direct", "k", {}, 1});
    t.add_consumer({"c1", "q", {}, {}, 1});
    t.remove_queue("q");
    EXPECT_TRUE(t.queues().empty());
    EXPECT_TRUE(t.bindings().empty());
    EXPECT_TRUE(t.consumers().empty());
}

TEST(topology, deleting_an_exchange_forgets_bindings_both_ways)
{
    topology t;
    t.add_exchange({"src", "topic", {}, 1});
    t.add_exchange({"dst", "fanout", {}, 1});
    t.add_binding({false, "dst", "src", "#", {}, 1});
    t.add_binding({true, "q", "dst", "", {}, 1});
    t.remove_exchange("dst");
    EXPECT_TRUE(t.bindings().empty());
    ASSERT_EQ(t.exchanges().size(), 1u);
    EXPECT_EQ(t.exchanges()[0].name, "src");
}

TEST(topology, unbinding_forgets_only_that_binding)
{
    topology t;
    t.add_binding({true, "q", "x", "a", {}, 1});
    t.add_binding({true, "q", "x", "b", {}, 1});
    t.remove_binding({true, "q", "x", "a", {}, 1});
    ASSERT_EQ(t.bindings().size(), 1u);
    EXPECT_EQ(t.bindings()[0].routing_key, "b");
}

TEST(topology, an_auto_delete_queue_goes_with_its_last_consumer)
{
    topology t;
    t.add_queue({"q", "q", auto_delete_queue(), 1});
    t.add_consumer({"c1", "q", {}, {}, 1});
    t.add_consumer({"c2", "q", {}, {}, 2});
    t.remove_consumer("c1");
    EXPECT_EQ(t.queues().size(), 1u);
    t.remove_channel(2);  // c2's channel closed
    EXPECT_TRUE(t.queues().empty());
}

TEST(topology, an_auto_delete_exchange_goes_with_its_last_binding)
{
    topology t;
    exchange_options auto_delete;
    auto_delete.auto_delete = true;
    t.add_exchange({"x", "direct", auto_delete, 1});
    t.add_binding({true, "q", "x", "k", {}, 1});
    t.remove_binding({true, "q", "x", "k", {}, 1});
    EXPECT_TRUE(t.exchanges().empty());
}

TEST(topology, bindings_and_consumers_follow_a_renamed_server_named_queue)
{
    topology t;
    t.add_queue({"", "amq.gen-1", {}, 1});
    t.add_binding({true, "amq.gen-1", "logs", "", {}, 1});
    t.add_consumer({"c1", "amq.gen-1", {}, {}, 1});
    t.rename_queue("amq.gen-1", "amq.gen-2");
    t.rename_queue("amq.gen-2", "amq.gen-3");
    EXPECT_EQ(t.queues()[0].name, "amq.gen-3");
    EXPECT_TRUE(t.queues()[0].server_named());
    EXPECT_EQ(t.bindings()[0].destination, "amq.gen-3");
    EXPECT_EQ(t.consumers()[0].queue, "amq.gen-3");
    // The application may still hold any earlier name.
    EXPECT_EQ(t.current_name("amq.gen-1"), "amq.gen-3");
    EXPECT_EQ(t.current_name("amq.gen-2"), "amq.gen-3");
    // And operations under an old name reach the queue.
    t.remove_queue("amq.gen-1");
    EXPECT_TRUE(t.queues().empty());
    EXPECT_TRUE(t.consumers().empty());
    EXPECT_EQ(t.current_name("amq.gen-1"), "amq.gen-1") << "forgotten names are not kept";
}

TEST(topology, a_consumer_cancelled_by_the_broker_is_kept_but_marked)
{
    topology t;
    t.add_consumer({"c1", "q", {}, {}, 1});
    t.mark_cancelled_by_broker("c1", true);
    ASSERT_NE(t.find_consumer("c1"), nullptr);
    EXPECT_TRUE(t.find_consumer("c1")->cancelled_by_broker);
}

TEST(topology, thousands_of_declare_delete_cycles_leave_nothing_behind)
{
    topology t;
    for (int i = 0; i < 5000; ++i) {
        const std::string name = "amq.gen-" + std::to_string(i);
        t.add_queue({"", name, {}, 1});
        t.add_binding({true, name, "x", "k", {}, 1});
        t.add_consumer({"c" + std::to_string(i), name, {}, {}, 1});
        t.rename_queue(name, name + "-again");
        t.remove_queue(name + "-again");
    }
    EXPECT_TRUE(t.queues().empty());
    EXPECT_TRUE(t.bindings().empty());
    EXPECT_TRUE(t.consumers().empty());
    EXPECT_EQ(t.current_name("amq.gen-7"), "amq.gen-7");
}

TEST(backoff, grows_by_the_multiplier_up_to_the_maximum_and_resets)
{
    backoff b(100ms, 2.0, 1000ms, 0.0, 1);
    std::vector<long> pauses;
    for (int i = 0; i < 6; ++i) pauses.push_back(b.next().count());
    EXPECT_THAT(pauses, testing::ElementsAre(100, 200, 400, 800, 1000, 1000));
    b.reset();
    EXPECT_EQ(b.next(), 100ms);
}

TEST(backoff, a_fixed_interval_without_a_multiplier)
{
    backoff b(250ms, 1.0, 60s, 0.0, 1);
    EXPECT_EQ(b.next(), 250ms);
    EXPECT_EQ(b.next(), 250ms);
}

TEST(backoff, jitter_stays_in_bounds_and_replays_with_its_seed)
{
    backoff a(1000ms, 1.0, 60s, 0.5, 42);
    backoff same(1000ms, 1.0, 60s, 0.5, 42);
    backoff other(1000ms, 1.0, 60s, 0.5, 43);
    bool differs = false;
    for (int i = 0; i < 50; ++i) {
        const auto pause = a.next();
        EXPECT_GE(pause, 500ms);
        EXPECT_LE(pause, 1500ms);
        EXPECT_EQ(pause, same.next());
        differs = differs || pause != other.next();
    }
    EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace amqp::client::detail
