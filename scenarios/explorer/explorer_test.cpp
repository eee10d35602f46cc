// The explorer itself: a seed replays identically, and the invariant checker catches
// what it is meant to catch (each check is shown failing on a hand-made record).
#include "invariants.hpp"
#include "run_seed.hpp"

#include <amqp/client/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amqp::scenarios::explorer {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A record and a broker state for which every invariant holds: two messages
// published, confirmed, consumed and acked on one consumer channel.
struct healthy_run {
    workload_record record;
    broker_snapshot broker;

    healthy_run()
    {
        record.published = {"m-0", "m-1"};
        record.confirmed = {"m-0", "m-1"};
        record.consumed = {{"m-0", 1}, {"m-1", 1}};
        record.delivered[1] = {1, 2};
        record.acks.push_back(ack_record{1, 1, 1, "m-0", {}});
        record.acks.push_back(ack_record{1, 1, 2, "m-1", {}});
        record.consumers.push_back(consumer_record{"consumer", 1, "work", "robust.ctag-1"});
        record.open_channels = {{"consumer", 1}};
        record.drained_queues = {"work"};
        record.finished = true;
        fakebroker::connection_info connection;
        connection.name = "consumer";
        connection.channels = 1;
        broker.connections.push_back(connection);
        fakebroker::channel_info channel;
        channel.connection = "consumer";
        channel.number = 1;
        channel.consumers = 1;
        broker.channels.push_back(channel);
        fakebroker::queue_info queue;
        queue.name = "work";
        queue.consumers = 1;
        broker.queues.push_back(queue);
    }

    std::vector<std::string> check() const { return check_invariants(record, broker); }
};

TEST(invariant_checker, a_healthy_run_passes) { EXPECT_THAT(healthy_run{}.check(), IsEmpty()); }

TEST(invariant_checker, an_ack_of_a_tag_never_delivered_on_that_channel_is_caught)
{
    healthy_run run;
    // Tag 3 was never delivered; the workload says it acked it and ack() said "sent".
    run.record.acks.push_back(ack_record{1, 1, 3, "m-1", {}});
    EXPECT_THAT(run.check(), Contains(AllOf(HasSubstr("delivery tag 3"), HasSubstr("never delivered"))));
}

TEST(invariant_checker, an_ack_sent_on_a_later_channel_generation_is_caught)
{
    healthy_run run;
    // Delivered on generation 1, accepted by ack() once generation 2 was current.
    run.record.delivered[2] = {7};
    run.record.acks.push_back(ack_record{1, 2, 2, "m-1", {}});
    EXPECT_THAT(run.check(), Contains(AllOf(HasSubstr("delivery tag 2"), HasSubstr("generation 2"))));
}

TEST(invariant_checker, stale_acks_are_fine_and_double_settlement_is_not)
{
    healthy_run run;
    run.record.acks.push_back(ack_record{1, 2, 9, "m-0", client::errc::stale_delivery});
    run.record.acks.push_back(ack_record{2, 3, 9, "m-0", client::errc::channel_closed});
    EXPECT_THAT(run.check(), IsEmpty());
    run.record.acks.push_back(ack_record{1, 1, 1, "m-0", client::errc::already_settled});
    EXPECT_THAT(run.check(), Contains(HasSubstr("failed unexpectedly")));
}

TEST(invariant_checker, a_broker_close_for_an_unknown_delivery_tag_is_caught)
{
    healthy_run run;
    run.record.broker_closes.push_back("consumer <- ch1 channel.close{406, PRECONDITION_FAILED - chaos (seed 3)}");
    EXPECT_THAT(run.check(), IsEmpty());
    run.record.broker_closes.push_back(
        "consumer <- ch1 channel.close{406, PRECONDITION_FAILED - unknown delivery tag 3}");
    EXPECT_THAT(run.check(), SizeIs(1));
    run.record.client_closes.push_back(
        "channel 1 (generation 1) closed: 406 PRECONDITION_FAILED - unknown delivery tag 3");
    EXPECT_THAT(run.check(), SizeIs(2));
}

TEST(invariant_checker, a_confirmed_message_never_consumed_is_caught)
{
    healthy_run run;
    run.record.consumed.erase("m-1");
    EXPECT_THAT(run.check(), Contains(AllOf(HasSubstr("never consumed"), HasSubstr("m-1"))));
}

TEST(invariant_checker, a_nacked_message_consumed_without_a_republish_is_caught)
{
    healthy_run run;
    run.record.nacked = {"m-1"};
    EXPECT_THAT(run.check(), Contains(HasSubstr("nacked")));
    run.record.republished = {"m-1"};
    EXPECT_THAT(run.check(), IsEmpty());
}

TEST(invariant_checker, a_duplicated_or_missing_consumer_is_caught)
{
    healthy_run run;
    run.broker.queues[0].consumers = 2;
    run.broker.channels[0].consumers = 2;
    EXPECT_THAT(run.check(), SizeIs(2));
    run.broker.queues[0].consumers = 0;
    run.broker.channels[0].consumers = 0;
    EXPECT_THAT(run.check(), Contains(HasSubstr("0 live consumer(s), 1 recorded")));
}

TEST(invariant_checker, leaked_channels_and_connections_are_caught)
{
    healthy_run run;
    fakebroker::channel_info scratch;
    scratch.connection = "consumer";
    scratch.number = 2;
    run.broker.channels.push_back(scratch);
    EXPECT_THAT(run.check(), Contains(HasSubstr("leaked channel")));
    run.broker.channels.pop_back();
    fakebroker::connection_info old = run.broker.connections[0];
    run.broker.connections.push_back(old);
    EXPECT_THAT(run.check(), Contains(HasSubstr("2 connection(s) named 'consumer'")));
}

TEST(invariant_checker, unresolved_operations_stuck_queues_and_unfinished_runs_are_caught)
{
    healthy_run run;
    run.record.unresolved[4] = "publish m-1 (attempt 2)";
    run.broker.queues[0].unacked = 1;
    run.record.finished = false;
    run.record.progress = "1 confirmed not consumed";
    const auto violations = run.check();
    EXPECT_THAT(violations, Contains(HasSubstr("never completed: publish m-1")));
    EXPECT_THAT(violations, Contains(HasSubstr("1 unacked")));
    EXPECT_THAT(violations, Contains(HasSubstr("did not finish")));
}

workload_options verbose_options()
{
    workload_options options;
    options.verbose = true;
    return options;
}

TEST(explorer, a_run_without_chaos_finishes_and_holds_every_invariant)
{
    workload_options options;
    options.chaos = fakebroker::chaos_options{};
    const run_report report = run_seed(1, options);
    EXPECT_THAT(report.violations, IsEmpty());
    EXPECT_THAT(report.faults, IsEmpty());
    EXPECT_TRUE(report.record.finished);
    EXPECT_EQ(report.record.confirmed.size(), options.messages);
    EXPECT_EQ(report.record.rpc_answered, options.rpc_calls);
    EXPECT_EQ(report.record.consumers.size(), 3u);
}

TEST(explorer, a_broker_refusing_an_ack_as_an_unknown_delivery_tag_is_caught_end_to_end)
{
    // The client never sends an unknown tag, so the broker is made to answer the 3rd
    // ack as if it had: the close goes through the broker's trace and the client's
    // close handlers, where the checker looks.
    workload_options options;
    options.chaos = fakebroker::chaos_options{};
    options.rules.push_back(
        fakebroker::fault_rule::on(fakebroker::hook::method_received)
            .method("basic.ack")
            .nth(3)
            .then(fakebroker::fault::close_channel(406, "PRECONDITION_FAILED - unknown delivery tag 3")));
    const run_report report = run_seed(1, options);
    EXPECT_THAT(report.violations, Contains(HasSubstr("the broker closed a channel for an unknown delivery tag")));
    EXPECT_THAT(report.violations, Contains(HasSubstr("the client saw a close for an unknown delivery tag")));
}

TEST(explorer, the_same_seed_replays_identically)
{
    // A seed where faults struck and the client reconnected: the interesting kind.
    std::uint64_t seed = 0;
    for (std::uint64_t s = 1; s <= 100 && seed == 0; ++s) {
        const run_report probe = run_seed(s);
        if (probe.faults.size() >= 3 && probe.record.reconnects > 0) seed = s;
    }
    ASSERT_NE(seed, 0u) << "no seed in 1..100 made the client reconnect";
    const run_report first = run_seed(seed, verbose_options());
    const run_report second = run_seed(seed, verbose_options());
    EXPECT_EQ(first.faults, second.faults);
    EXPECT_EQ(first.violations, second.violations);
    EXPECT_EQ(first.events, second.events);
    EXPECT_EQ(summary(first), summary(second));
    EXPECT_EQ(first.virtual_time, second.virtual_time);
    // Verbose or not, the run is the same run.
    const run_report quiet = run_seed(seed);
    EXPECT_EQ(quiet.faults, first.faults);
    EXPECT_EQ(summary(quiet), summary(first));
    EXPECT_THAT(first.events, Contains(HasSubstr("fault #1 chaos seed " + std::to_string(seed))));
}

TEST(explorer, other_seeds_strike_elsewhere) { EXPECT_NE(run_seed(11).faults, run_seed(12).faults); }

}  // namespace
}  // namespace amqp::scenarios::explorer
