// Transcripts: how they are normalised and compared, and which differences compare equal.
#include "transcript.hpp"
#include "conversation.hpp"
#include "recorded_events.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

TEST(differential_normalise, maps_generated_names_in_order_of_appearance)
{
    transcript t;
    t.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-AAAA", 0, 0}));
    t.connections[0].channels[1].push_back(command_event(2, proto::basic_consume_ok{"amq.ctag-zz"}));
    t.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"amq.gen-BBBB", 0, 0}));
    t.connections[0].channels[1].push_back(command_event(4, proto::queue_declare_ok{"amq.gen-AAAA", 0, 0}));
    t.connections[1].channels[1].push_back(
        command_event(5, proto::channel_close{404, "NOT_FOUND - no queue 'dt.1.abcd.q1' in vhost '/'", 50, 10}));
    const normalised_transcript n = normalise(t, "dt.1.abcd.");
    const auto& ch1 = n.at({0, 1, 0});
    ASSERT_EQ(ch1.size(), 3u);
    EXPECT_NE(ch1[0].text.find("amq.gen-#1"), std::string::npos) << ch1[0].text;
    EXPECT_NE(ch1[1].text.find("amq.ctag-#1"), std::string::npos) << ch1[1].text;
    EXPECT_NE(ch1[2].text.find("amq.gen-#1"), std::string::npos) << ch1[2].text;
    EXPECT_NE(n.at({0, 2, 0})[0].text.find("amq.gen-#2"), std::string::npos) << n.at({0, 2, 0})[0].text;
    EXPECT_NE(n.at({1, 1, 0})[0].text.find("no queue '@q1'"), std::string::npos) << n.at({1, 1, 0})[0].text;
}

TEST(differential_compare, reports_a_real_difference)
{
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"dt.1.abcd.q1", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(1, proto::channel_close{404, "NOT_FOUND", 50, 10}));
    const auto d = compare(normalise(a, "dt.1.abcd."), normalise(b, "dt.1.abcd."));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].where, (stream_key{0, 1, 0}));
    EXPECT_TRUE(d[0].allowed.empty());
    EXPECT_EQ(d[0].signature(), "connection 0 channel 1: queue.declare-ok / channel.close 404");
}

TEST(differential_compare, reports_a_missing_event)
{
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(1, proto::basic_qos_ok{}));
    a.connections[0].channels[1].push_back(command_event(2, proto::basic_qos_ok{}));
    b.connections[0].channels[1].push_back(command_event(1, proto::basic_qos_ok{}));
    const auto d = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].index, 1u);
    EXPECT_FALSE(d[0].second.has_value());
}

TEST(differential_compare, ignores_what_normalisation_replaces)
{
    transcript a;
    transcript b;
    proto::connection_start start_a;
    start_a.server_properties.set("product", std::string("RabbitMQ"));
    proto::connection_start start_b;
    start_b.server_properties.set("product", std::string("fakebroker"));
    a.connections[0].channels[0].push_back(command_event(0, start_a));
    b.connections[0].channels[0].push_back(command_event(0, start_b));
    a.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-xyz", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(1, proto::queue_declare_ok{"amq.gen-0123456789", 0, 0}));
    a.connections[0].channels[1].push_back(command_event(2, proto::queue_declare_ok{"run-a.q1", 0, 0}));
    b.connections[0].channels[1].push_back(command_event(2, proto::queue_declare_ok{"run-a.q1", 0, 0}));
    EXPECT_TRUE(compare(normalise(a, "run-a."), normalise(b, "run-a.")).empty());
}

TEST(differential_compare, a_confirm_and_a_delivery_in_either_order)
{
    transcript a;
    transcript b;
    proto::basic_deliver deliver{"c1", 1, false, "", "q"};
    a.connections[0].channels[1] = {command_event(1, deliver), command_event(1, proto::basic_ack{1, false})};
    b.connections[0].channels[1] = {command_event(1, proto::basic_ack{1, false}), command_event(1, deliver)};
    const auto found = compare(normalise(a, "p."), normalise(b, "p."));
    EXPECT_TRUE(found.empty()) << describe_all(found);
    b.connections[0].channels[1] = {command_event(1, proto::basic_ack{1, true}), command_event(1, deliver)};
    const auto other = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(other.size(), 1u) << "a confirm of another kind is a divergence";
    EXPECT_EQ(other[0].where.lane, 2);
}

TEST(differential_compare, each_connect_is_compared_apart)
{
    // After the allowed difference on the first connect, the second compares equal.
    transcript a;
    transcript b;
    handshake(a.connections[0], 0, 1);
    a.connections[0].channels[0].push_back(
        command_event(5, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99}, 1));
    a.connections[0].channels[0].push_back(socket_closed_event(5, 1));
    handshake(a.connections[0], 6, 2);
    a.connections[0].channels[1].push_back(command_event(7, proto::channel_open_ok{}, 2));
    handshake(b.connections[0], 0, 1);
    b.connections[0].channels[0].push_back(socket_closed_event(5, 1));
    handshake(b.connections[0], 6, 2);
    b.connections[0].channels[1].push_back(command_event(7, proto::channel_open_ok{}, 2));
    const auto found = compare(normalise(a, "p."), normalise(b, "p."));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_EQ(found[0].allowed, "Unknown class or method id");
    EXPECT_TRUE(found[0].ends_connection);
    EXPECT_EQ(found[0].where.incarnation, 1);
}

TEST(differential_compare, a_quorum_consumer_count_is_lazy_right_after_a_channel_ends)
{
    conversation c;
    step declare;
    proto::queue_declare d;
    d.queue = "@q1";
    d.durable = true;
    d.arguments.set("x-queue-type", std::string("quorum"));
    declare.frames.push_back({2, d, {}, {}, {}});
    c.steps.assign(6, declare);
    const auto run = [&](std::uint32_t fake_count, std::uint32_t rabbit_count, std::size_t close_step) {
        transcript a;
        transcript b;
        a.connections[0].channels[1].push_back(command_event(close_step, proto::channel_close_ok{}));
        b.connections[0].channels[1].push_back(command_event(close_step, proto::channel_close_ok{}));
        a.connections[0].channels[2].push_back(command_event(5, proto::queue_declare_ok{"p.q1", 0, fake_count}));
        b.connections[0].channels[2].push_back(command_event(5, proto::queue_declare_ok{"p.q1", 0, rabbit_count}));
        const comparison_context context = context_of(c, a, b);
        return compare(normalise(a, "p.", context), normalise(b, "p.", context));
    };
    EXPECT_TRUE(run(0, 1, 4).empty()) << "RabbitMQ still counting the consumer of a channel closed in the step before";
    EXPECT_TRUE(run(0, 1, 2).empty()) << "RabbitMQ still counting the consumer of a channel closed three steps before";
    EXPECT_TRUE(run(0, 1, 5).empty()) << "RabbitMQ still counting the consumer of a channel closed in the same step";
    const auto fewer = run(1, 0, 4);
    ASSERT_EQ(fewer.size(), 1u) << "RabbitMQ counting fewer consumers is a divergence";
    EXPECT_TRUE(fewer[0].allowed.empty()) << fewer[0].describe();
    const auto later = run(0, 1, 1);
    ASSERT_EQ(later.size(), 1u) << "four steps after the close the count is compared: " << describe_all(later);
    EXPECT_TRUE(later[0].allowed.empty()) << later[0].describe();
}

TEST(differential_compare, a_quorum_queue_delete_ok_message_count_is_not_compared)
{
    conversation c;
    step declare;
    proto::queue_declare d;
    d.queue = "@q1";
    d.durable = true;
    d.arguments.set("x-queue-type", std::string("quorum"));
    declare.frames.push_back({1, d, {}, {}, {}});
    step remove;
    remove.frames.push_back({1, proto::queue_delete{0, "@q1", false, false, false}, {}, {}, {}});
    step remove_classic;
    remove_classic.frames.push_back({1, proto::queue_delete{0, "@q2", false, false, false}, {}, {}, {}});
    c.steps = {declare, remove, remove_classic};
    transcript a;
    transcript b;
    a.connections[0].channels[1] = {command_event(1, proto::queue_delete_ok{1}),
                                    command_event(2, proto::queue_delete_ok{1})};
    b.connections[0].channels[1] = {command_event(1, proto::queue_delete_ok{0}),
                                    command_event(2, proto::queue_delete_ok{0})};
    const comparison_context context = context_of(c, a, b);
    const auto found = compare(normalise(a, "p.", context), normalise(b, "p.", context));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_EQ(found[0].index, 1u) << "only the classic queue's count is compared: " << found[0].describe();
}

TEST(differential_compare, a_consumer_count_is_lazy_right_after_a_disconnect)
{
    conversation c;
    step declare;
    declare.frames.push_back({1, proto::queue_declare{0, "@q1", true, false, false, false, false, {}}, {}, {}, {}});
    step disconnect;
    disconnect.what = step::kind::disconnect;
    disconnect.connection = 1;
    c.steps = {declare, disconnect, declare, declare, declare, declare};
    const auto run = [&](std::size_t at) {
        transcript a;
        transcript b;
        a.connections[0].channels[1].push_back(command_event(at, proto::queue_declare_ok{"p.q1", 0, 0}));
        b.connections[0].channels[1].push_back(command_event(at, proto::queue_declare_ok{"p.q1", 0, 1}));
        const comparison_context context = context_of(c, a, b);
        return compare(normalise(a, "p.", context), normalise(b, "p.", context));
    };
    EXPECT_TRUE(run(2).empty()) << "RabbitMQ still counting the consumer of a connection the client dropped";
    EXPECT_TRUE(run(4).empty()) << "three steps after the disconnect";
    EXPECT_EQ(run(5).size(), 1u) << "four steps after the disconnect the count is compared";
}

TEST(differential_compare, a_classic_consumer_count_is_compared)
{
    conversation c;
    step declare;
    declare.frames.push_back({2, proto::queue_declare{0, "@q1", false, false, false, false, false, {}}, {}, {}, {}});
    c.steps.assign(4, declare);
    transcript a;
    transcript b;
    a.connections[0].channels[1].push_back(command_event(3, proto::channel_close_ok{}));
    b.connections[0].channels[1].push_back(command_event(3, proto::channel_close_ok{}));
    a.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"p.q1", 0, 0}));
    b.connections[0].channels[2].push_back(command_event(3, proto::queue_declare_ok{"p.q1", 0, 1}));
    const comparison_context context = context_of(c, a, b);
    const auto found = compare(normalise(a, "p.", context), normalise(b, "p.", context));
    ASSERT_EQ(found.size(), 1u) << describe_all(found);
    EXPECT_TRUE(found[0].allowed.empty()) << found[0].describe();
}

}  // namespace
}  // namespace amqp::differential
