// RabbitMQ's consumer_timeout: a channel that holds a delivery unacknowledged for
// too long is closed with 406, and what it held goes back to the queue. Checked
// here on a manual clock; RabbitMQ itself looks only once a minute, which makes a
// conformance test against it too slow.
#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <gtest/gtest.h>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using test::model_peer;
namespace proto = amqp::protocol;

struct consumer_timeout : ::testing::Test {
    consumer_timeout() : broker(options_with_timeout())
    {
        clock.attach(broker);
        client.emplace(broker);
        client->handshake();
        client->open_channel(1);
        client->declare_queue(1, "q");
    }

    static broker_options options_with_timeout()
    {
        broker_options options;
        options.consumer_timeout = 5s;
        return options;
    }

    std::size_t ready() { return broker.find_vhost("/")->find_queue("q")->ready_count(); }

    broker_state broker;
    test::manual_clock clock;
    std::optional<model_peer> client;
};

TEST_F(consumer_timeout, a_delivery_left_unacknowledged_closes_its_channel_and_is_requeued)
{
    client->publish(1, "", "q", "slow");
    client->send(1, proto::basic_consume{0, "q", "c", false, false, false, false, {}});
    client->expect<proto::basic_consume_ok>();
    const auto delivered = client->expect<proto::basic_deliver>();
    EXPECT_FALSE(delivered.redelivered);

    // Ticks as the transport makes them, each when the last one asked.
    const auto due = clock.now + 5s;
    while (clock.now < due) {
        EXPECT_TRUE(client->nothing_received());
        clock.set(client->connection().tick(clock.now).wake_at.value());
        ASSERT_LE(clock.now, due) << "a tick must land on the deadline, not after it";
    }
    client->connection().tick(clock.now);
    const auto close = client->expect<proto::channel_close>();
    EXPECT_EQ(close.reply_code, 406);
    EXPECT_EQ(close.reply_text,
              "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. "
              "Timeout value used: 5000 ms. This timeout value can be configured, see "
              "consumers doc guide to learn more");
    EXPECT_EQ(ready(), 1u);
}

TEST_F(consumer_timeout, acks_in_time_keep_the_channel_and_basic_get_counts_too)
{
    client->publish(1, "", "q", "first");
    client->publish(1, "", "q", "second");
    client->send(1, proto::basic_get{0, "q", false});
    const auto first = client->expect<proto::basic_get_ok>();
    clock.advance(3s);
    client->send(1, proto::basic_get{0, "q", false});
    const auto second = client->expect<proto::basic_get_ok>();
    clock.advance(3s);
    client->send(1, proto::basic_ack{first.delivery_tag, false});
    client->connection().tick(clock.now);
    EXPECT_TRUE(client->nothing_received()) << "the second is due 5 s after its get, 2 s from now";
    clock.advance(1999ms);
    client->connection().tick(clock.now);
    EXPECT_TRUE(client->nothing_received());
    client->send(1, proto::basic_ack{second.delivery_tag, false});
    clock.advance(1h);
    client->connection().tick(clock.now);
    EXPECT_TRUE(client->nothing_received());
    EXPECT_EQ(ready(), 0u);
}

TEST(consumer_timeout_off, never_closes_a_channel)
{
    broker_options options;
    options.consumer_timeout.reset();
    broker_state broker(options);
    test::manual_clock clock;
    clock.attach(broker);
    model_peer client(broker);
    client.handshake();
    client.open_channel(1);
    client.declare_queue(1, "q");
    client.publish(1, "", "q", "kept");
    client.send(1, proto::basic_get{0, "q", false});
    client.expect<proto::basic_get_ok>();
    clock.advance(24h);
    EXPECT_EQ(client.connection().tick(clock.now).wake_at, std::nullopt);
    EXPECT_TRUE(client.nothing_received());
}

}  // namespace
}  // namespace amqp::fakebroker
