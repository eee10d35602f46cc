// Basic qos: prefetch counts per consumer and per channel, and the prefetch size that is not implemented.
#include "conformance_fixture.hpp"
#include "prefetch.hpp"

#include <cstddef>
#include <string>
#include <variant>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using basic = conformance;

// Sends basic.consume and waits for its consume-ok; deliveries to the channel's
// other consumers that arrive first are counted and dropped.
std::size_t consume_counting_deliveries(amqp_driver& d, std::uint16_t channel, const proto::basic_consume& consume)
{
    d.send(channel, consume);
    std::size_t deliveries = 0;
    for (;;) {
        proto::command c = d.next(channel);
        if (std::holds_alternative<proto::basic_consume_ok>(c.method)) return deliveries;
        if (!std::holds_alternative<proto::basic_deliver>(c.method)) {
            throw driver_error("expected basic.consume-ok, got " + describe(c));
        }
        ++deliveries;
    }
}

TEST_F(basic, prefetch_count_limits_unacked_deliveries)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::basic_qos_ok>(1, prefetch(2));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));

    d.open_channel(2);
    d.rpc<proto::confirm_select_ok>(2, proto::confirm_select{});
    publish_confirmed(d, 2, publish_to("", q), "m", 5);

    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m0");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m1");
    // The other three wait in the queue.
    EXPECT_EQ(queue_state(d, 2, q).message_count, 3u);
    EXPECT_EQ(d.pending(1), 0u);

    d.send(1, proto::basic_ack{1, false});
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m2");
    EXPECT_EQ(queue_state(d, 2, q).message_count, 2u);
    EXPECT_EQ(d.pending(1), 0u);

    // A new basic.qos applies to consumers created after it, not to this one.
    d.rpc<proto::basic_qos_ok>(1, prefetch(0));
    EXPECT_EQ(queue_state(d, 2, q).message_count, 2u);
    EXPECT_EQ(d.pending(1), 0u);

    d.send(1, proto::basic_ack{3, true});
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m3");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "m4");
    d.close();
}

// RabbitMQ's reading of basic.qos: global=false limits each consumer created after
// it; global=true limits the channel as a whole.
TEST_F(basic, prefetch_is_per_consumer_unless_global)
{
    amqp_driver d = connect_channel();
    const std::string q1 = queue_name("q1");
    const std::string q2 = queue_name("q2");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q1));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q2));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q1), "a", 2, 1);
    publish_confirmed(d, 1, publish_to("", q2), "b", 2, 3);

    // Per consumer: one each.
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, prefetch(1));
    d.rpc<proto::basic_consume_ok>(2, consume_from(q1, "c1"));
    // c1's delivery may come before or after c2's consume-ok.
    for (std::size_t i = consume_counting_deliveries(d, 2, consume_from(q2, "c2")); i < 2; ++i) {
        d.expect_message<proto::basic_deliver>(2);
    }
    EXPECT_EQ(queue_state(d, 1, q1).message_count, 1u);
    EXPECT_EQ(queue_state(d, 1, q2).message_count, 1u);
    d.close_channel(2);

    // Per channel: one in all.
    d.open_channel(3);
    d.rpc<proto::basic_qos_ok>(3, prefetch(1, true));
    d.rpc<proto::basic_consume_ok>(3, consume_from(q1, "c1"));
    // c1's delivery may come before or after c2's consume-ok.
    const std::size_t early = consume_counting_deliveries(d, 3, consume_from(q2, "c2"));
    if (early == 0) {
        EXPECT_EQ(d.expect_message<proto::basic_deliver>(3).method.consumer_tag, "c1");
    }
    EXPECT_EQ(queue_state(d, 1, q1).message_count, 1u);
    EXPECT_EQ(queue_state(d, 1, q2).message_count, 2u);
    EXPECT_EQ(d.pending(3), 0u);
    d.close();
}

TEST_F(basic, a_per_consumer_qos_lifts_the_channels_global_limit)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "m", 5);
    d.open_channel(2);
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 2, true});
    d.rpc<proto::basic_qos_ok>(2, proto::basic_qos{0, 0, false});
    d.rpc<proto::basic_consume_ok>(2, consume_from(q));
    for (int i = 0; i < 5; ++i) d.expect_message<proto::basic_deliver>(2);
    d.close();
}

TEST_F(basic, qos_prefetch_size_is_not_implemented)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::basic_qos{1000, 0, false});
    const proto::connection_close close = d.expect_connection_close(reply_code::not_implemented);
    EXPECT_EQ(close.reply_text, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 10);
    d.expect_socket_closed();
}

}  // namespace
}  // namespace amqp::test
