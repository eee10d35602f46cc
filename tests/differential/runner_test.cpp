// The runner's lags: which streams of the second broker are still waited for after a step.
#include "runner.hpp"
#include "recorded_events.hpp"
#include "transcript.hpp"

#include <gtest/gtest.h>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

TEST(differential_lags, a_delivery_before_a_reply_is_no_parting)
{
    // The embedded broker sent consume-ok, then the delivery, then the next reply;
    // RabbitMQ so far the delivery, then consume-ok. Its next reply is still to come
    // and must be waited for.
    connection_record fake;
    connection_record rabbit;
    fake.connects = rabbit.connects = 1;
    proto::basic_deliver deliver{"c1", 1, false, "", "q"};
    fake.channels[1] = {command_event(1, proto::basic_consume_ok{"c1"}, 1), command_event(1, deliver, 1),
                        command_event(2, proto::exchange_declare_ok{}, 1)};
    rabbit.channels[1] = {command_event(1, deliver, 1), command_event(1, proto::basic_consume_ok{"c1"}, 1)};
    const auto found = lags(fake, rabbit);
    ASSERT_EQ(found.size(), 1u) << "expected one stream behind, the replies of channel 1";
    EXPECT_EQ(found[0].channel, 1);
    EXPECT_EQ(found[0].lane, 0);
    EXPECT_EQ(found[0].have, 1u);
    EXPECT_EQ(found[0].wanted, 2u);
}

TEST(differential_lags, an_earlier_connect_is_not_compared)
{
    // The first connect ended differently (connection.close 540 and the socket's end,
    // against the socket's end alone); the second has its handshake still to come on
    // RabbitMQ.
    connection_record fake;
    connection_record rabbit;
    handshake(fake, 0, 1);
    fake.channels[0].push_back(
        command_event(5, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99}, 1));
    fake.channels[0].push_back(socket_closed_event(5, 1));
    handshake(fake, 6, 2);
    handshake(rabbit, 0, 1);
    rabbit.channels[0].push_back(socket_closed_event(5, 1));
    rabbit.channels[0].push_back(command_event(6, proto::connection_start{}, 2));
    fake.connects = rabbit.connects = 2;
    const auto found = lags(fake, rabbit);
    ASSERT_EQ(found.size(), 1u) << "expected the new connection's handshake to be waited for";
    EXPECT_EQ(found[0].channel, 0);
    EXPECT_EQ(found[0].have, 1u);
    EXPECT_EQ(found[0].wanted, 3u);
}

TEST(differential_lags, streams_that_parted_are_not_waited_for)
{
    connection_record fake;
    connection_record rabbit;
    fake.connects = rabbit.connects = 1;
    fake.channels[1] = {command_event(1, proto::queue_declare_ok{"q", 0, 0}, 1),
                        command_event(2, proto::basic_qos_ok{}, 1)};
    rabbit.channels[1] = {command_event(1, proto::channel_close{404, "NOT_FOUND", 50, 10}, 1)};
    EXPECT_TRUE(lags(fake, rabbit).empty());
}

}  // namespace
}  // namespace amqp::differential
