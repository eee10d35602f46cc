// connection.blocked as RabbitMQ applies it under a resource alarm: a connection that
// publishes is not read from until unblocked; one that only consumes is still served.
#include "manual_clock.hpp"
#include "model_peer.hpp"

#include <amqp/protocol/sasl.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace amqp::fakebroker {
namespace {

using namespace std::chrono_literals;
using test::model_peer;
namespace proto = amqp::protocol;

struct blocked_fixture : ::testing::Test {
    blocked_fixture() : broker({})
    {
        clock.attach(broker);
        client.emplace(broker);
        client->handshake();
        client->open_channel(1);
        client->declare_queue(1, "q");
    }

    std::size_t ready() { return broker.find_vhost("/")->find_queue("q")->ready_count(); }

    broker_state broker;
    test::manual_clock clock;
    std::optional<model_peer> client;
};

TEST_F(blocked_fixture, a_publisher_is_not_read_from_until_unblocked)
{
    client->connection().set_blocked(true, "low on memory");
    client->publish(1, "", "q", "first");
    EXPECT_EQ(ready(), 1u) << "the publish that meets the block is taken";
    EXPECT_FALSE(client->connection().wants_input());
    client->publish(1, "", "q", "second");
    EXPECT_EQ(ready(), 1u) << "what follows waits unread";

    client->connection().set_blocked(false, "");
    EXPECT_TRUE(client->connection().wants_input());
    EXPECT_EQ(ready(), 1u) << "the unread frames wait for the host";
    const auto ready_list = broker.take_ready();
    EXPECT_NE(std::find(ready_list.begin(), ready_list.end(), client->connection().id()), ready_list.end())
        << "the connection asks to be served";
    EXPECT_TRUE(client->connection().take_actions(clock.now).resume_reading);
    EXPECT_EQ(ready(), 2u);
}

TEST_F(blocked_fixture, a_connection_that_only_consumes_is_still_read)
{
    client->publish(1, "", "q", "before");
    client->connection().set_blocked(true, "low on memory");
    client->send(1, proto::basic_get{0, "q", true});
    EXPECT_EQ(client->expect<proto::basic_get_ok>().message_count, 0u);
    EXPECT_EQ(client->last().body, "before");
    EXPECT_TRUE(client->connection().wants_input());
}

// A connection with 1 s heartbeats that said yes to the connection.blocked capability.
void open_with_heartbeats(model_peer& c)
{
    c.send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
    c.expect<proto::connection_start>();
    const proto::field_table capabilities{{"connection.blocked", true}};
    c.send(0, proto::connection_start_ok{
                  {{"capabilities", capabilities}}, "PLAIN", proto::plain_response("guest", "guest"), "en_US"});
    c.expect<proto::connection_tune>();
    c.send(0, proto::connection_tune_ok{2047, 131072, 1});
    c.send(0, proto::connection_open{"/", "", false});
    c.expect<proto::connection_open_ok>();
}

TEST(blocked, a_held_publisher_is_not_closed_for_missed_heartbeats)
{
    broker_state broker({});
    test::manual_clock clock;
    clock.attach(broker);
    model_peer held(broker);
    model_peer idle(broker);
    open_with_heartbeats(held);
    open_with_heartbeats(idle);
    held.open_channel(1);
    held.connection().set_blocked(true, "low on memory");
    held.publish(1, "amq.fanout", "", "taken");
    ASSERT_FALSE(held.connection().wants_input());

    for (int i = 0; i < 10; ++i) {
        clock.advance(1s);
        held.connection().tick(clock.now);
        idle.connection().tick(clock.now);
    }
    EXPECT_TRUE(idle.connection().finished()) << "ten silent seconds close a connection that is read";
    EXPECT_FALSE(held.connection().finished());
}

TEST(blocked, connections_opened_during_an_alarm_are_blocked_from_the_start)
{
    broker_state broker({});
    broker.set_alarm("low on disk");
    model_peer c(broker);
    open_with_heartbeats(c);
    auto& inbox = c.unread();
    ASSERT_FALSE(inbox.empty());
    const auto* blocked = std::get_if<proto::connection_blocked>(&inbox.front().value.method);
    ASSERT_NE(blocked, nullptr);
    EXPECT_EQ(blocked->reason, "low on disk");
}

}  // namespace
}  // namespace amqp::fakebroker
