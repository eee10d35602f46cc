// GET /api/overview, /api/whoami and /api/vhosts.
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

using nlohmann::json;
using management_overview = management;

TEST_F(management_overview, totals_count_queues_exchanges_connections_channels_consumers_and_messages)
{
    auto publisher = connect("publisher");
    hold_messages(publisher, "orders", 2, 0);
    auto consumer = connect("consumer");
    hold_messages(consumer, "held", 0, 1);

    const auto reply = get({"overview"});

    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body["object_totals"], (json{{"queues", 2},
                                                 {"exchanges", broker().exchanges().size()},
                                                 {"connections", 2},
                                                 {"channels", 2},
                                                 {"consumers", 1}}));
    EXPECT_EQ(reply.body["queue_totals"],
              (json{{"messages", 3}, {"messages_ready", 2}, {"messages_unacknowledged", 1}}));
}

TEST_F(management_overview, exchange_totals_include_the_default_and_amq_exchanges)
{
    EXPECT_GE(get({"overview"}).body["object_totals"]["exchanges"], 7);
}

TEST_F(management_overview, names_rabbitmq_3_10_8_and_the_node)
{
    const json body = get({"overview"}).body;

    EXPECT_EQ(body["product_name"], "RabbitMQ");
    EXPECT_EQ(body["product_version"], "3.10.8");
    EXPECT_EQ(body["rabbitmq_version"], "3.10.8");
    EXPECT_EQ(body["management_version"], "3.10.8");
    EXPECT_EQ(body["node"], "rabbit@fakebroker");
    EXPECT_EQ(body["cluster_name"], "rabbit@fakebroker");
    EXPECT_EQ(body["rates_mode"], "none");
    EXPECT_EQ(body["message_stats"], json::object());
    EXPECT_EQ(body["exchange_types"], (json{{{"name", "direct"}, {"enabled", true}},
                                            {{"name", "fanout"}, {"enabled", true}},
                                            {{"name", "headers"}, {"enabled", true}},
                                            {{"name", "topic"}, {"enabled", true}}}));
}

TEST_F(management_overview, lists_the_amqp_listener_and_the_http_one_it_was_given)
{
    const json body = get({"overview"}).body;

    EXPECT_EQ(
        body["listeners"],
        (json{
            {{"node", "rabbit@fakebroker"},
             {"protocol", "amqp"},
             {"ip_address", "127.0.0.1"},
             {"port", broker().port()}},
            {{"node", "rabbit@fakebroker"}, {"protocol", "http"}, {"ip_address", "127.0.0.1"}, {"port", http_port}}}));
    EXPECT_EQ(body["contexts"][0]["port"], std::to_string(http_port));
}

TEST_F(management_overview, head_is_answered_as_get)
{
    const auto head = call("HEAD", {"overview"});

    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, get({"overview"}).body);
}

TEST_F(management_overview, whoami_names_the_authenticated_user_as_an_administrator)
{
    EXPECT_EQ(get({"whoami"}).body, (json{{"name", "guest"}, {"tags", {"administrator"}}}));
}

using management_vhosts = management_two_vhosts;

TEST_F(management_vhosts, each_is_listed_with_its_message_counts)
{
    auto client = connect("client", "staging");
    hold_messages(client, "jobs", 2, 1, "staging");

    const auto reply = get({"vhosts"});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 2u);
    const json staging = find_one(reply.body, "name", "staging");
    EXPECT_EQ(staging["messages"], 3);
    EXPECT_EQ(staging["messages_ready"], 2);
    EXPECT_EQ(staging["messages_unacknowledged"], 1);
    const json root = find_one(reply.body, "name", "/");
    EXPECT_EQ(root["messages"], 0);
    EXPECT_EQ(root["description"], "Default virtual host");
}

TEST_F(management_vhosts, one_is_shown_by_name)
{
    const auto reply = get({"vhosts", "staging"});

    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body["name"], "staging");
    EXPECT_EQ(reply.body["tracing"], false);
}

}  // namespace
}  // namespace amqp::fakebroker::test
