// The fixture and matchers of fakebroker/testing, used the way a user would: a
// fresh broker per test, a client talking real AMQP to it, assertions on its state.
#include "../conformance/amqp_driver.hpp"

#include <amqp/fakebroker/testing/broker_test.hpp>
#include <amqp/fakebroker/testing/matchers.hpp>

#include <chrono>

namespace amqp::fakebroker::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::Optional;
namespace proto = amqp::protocol;

class fixture_example : public broker_test {};

TEST_F(fixture_example, a_published_message_can_be_inspected)
{
    amqp::test::amqp_driver client(url());
    client.connect();
    client.open_channel(1);
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{0, "tasks", false, false, false, false, false, {}});
    proto::basic_properties p;
    p.headers = proto::field_table{{"attempt", 1}};
    p.content_type = "text/plain";
    client.send_message(1, proto::basic_publish{0, "", "tasks", false, false}, p, "hello");

    ASSERT_TRUE(broker().wait_for_depth("tasks", 1, 2s));
    EXPECT_THAT(
        broker().peek("tasks"),
        ElementsAre(AllOf(has_body("hello"), has_routing_key("tasks"), has_exchange(""), Not(is_redelivered()),
                          has_header("attempt", proto::field_value{1}),
                          has_property(&proto::basic_properties::content_type, Optional(std::string("text/plain"))))));
    EXPECT_THAT(broker().queue("tasks"), Optional(AllOf(has_ready(1), has_unacked(0), has_consumers(0))));
}

TEST_F(fixture_example, every_test_gets_a_fresh_broker)
{
    EXPECT_EQ(broker().queue("tasks"), std::nullopt);
    EXPECT_TRUE(broker().connections().empty());
}

TEST_F(fixture_example, a_named_connection_can_be_closed_from_the_test)
{
    amqp::test::amqp_driver client(url());
    amqp::test::connect_options options;
    options.connection_name = "worker-1";
    client.connect(options);
    ASSERT_EQ(broker().connections().size(), 1u);
    EXPECT_EQ(broker().connections()[0].name, "worker-1");
    EXPECT_EQ(broker().close_connection("worker-1", "test says stop"), 1u);
    const auto close = client.expect_connection_close(proto::reply_code::connection_forced);
    EXPECT_EQ(close.reply_text, "CONNECTION_FORCED - test says stop");
}

}  // namespace
}  // namespace amqp::fakebroker::testing
