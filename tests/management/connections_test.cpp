// GET /api/connections and /api/channels; DELETE /api/connections/{name}.
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;
using nlohmann::json;
using management_connections = management;
using management_channels = management;

TEST_F(management_connections, a_connection_shows_its_name_user_peer_and_client_properties)
{
    auto client = connect("publisher");

    const auto reply = get({"connections"});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 1u);
    const json c = reply.body[0];
    const std::string peer = broker().connections().at(0).peer;
    EXPECT_EQ(c["name"], "publisher");
    EXPECT_EQ(c["user_provided_name"], "publisher");
    EXPECT_EQ(c["user"], "guest");
    EXPECT_EQ(c["vhost"], "/");
    EXPECT_EQ(c["protocol"], "AMQP 0-9-1");
    EXPECT_EQ(c["host"], "127.0.0.1");
    EXPECT_EQ(c["port"], broker().port());
    EXPECT_EQ(c["peer_host"], "127.0.0.1");
    EXPECT_EQ(c["peer_host"].get<std::string>() + ":" + std::to_string(c["peer_port"].get<int>()), peer);
    EXPECT_EQ(c["channels"], 1);
    EXPECT_EQ(c["client_properties"]["connection_name"], "publisher");
    EXPECT_EQ(c["client_properties"]["capabilities"]["publisher_confirms"], true);
}

TEST_F(management_connections, an_unnamed_connection_goes_by_its_peer_without_a_user_provided_name)
{
    amqp::test::amqp_driver client(url());
    client.connect();

    const json c = get({"connections"}).body.at(0);

    EXPECT_EQ(c["name"], broker().connections().at(0).peer);
    EXPECT_FALSE(c.contains("user_provided_name"));
}

TEST_F(management_connections, one_is_shown_by_its_name_its_peer_or_a_rabbitmq_style_name)
{
    auto client = connect("publisher");
    const std::string peer = broker().connections().at(0).peer;
    const std::string rabbit_name = peer + " -> 127.0.0.1:" + std::to_string(broker().port());

    for (const auto& name : {std::string("publisher"), peer, rabbit_name}) {
        SCOPED_TRACE(name);
        const auto reply = get({"connections", name});
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.body["name"], "publisher");
    }
}

TEST_F(management_connections, deleting_one_closes_it_with_connection_forced_and_the_default_reason)
{
    auto client = connect("publisher");

    const auto reply = call("DELETE", {"connections", "publisher"});

    EXPECT_EQ(reply.status, 204);
    EXPECT_TRUE(reply.body.is_null());
    const auto close = client.expect_connection_close(proto::reply_code::connection_forced);
    EXPECT_EQ(close.reply_text, "CONNECTION_FORCED - Closed via management plugin");
}

TEST_F(management_connections, the_x_reason_header_becomes_the_close_text)
{
    auto client = connect("publisher");
    const std::string peer = broker().connections().at(0).peer;
    const std::string rabbit_name = peer + " -> 127.0.0.1:" + std::to_string(broker().port());

    const auto reply = call("DELETE", {"connections", rabbit_name}, "", "test over");

    EXPECT_EQ(reply.status, 204);
    const auto close = client.expect_connection_close(proto::reply_code::connection_forced);
    EXPECT_EQ(close.reply_text, "CONNECTION_FORCED - test over");
}

TEST_F(management_connections, deleting_one_closes_no_other)
{
    auto doomed = connect("doomed");
    auto kept = connect("kept");

    ASSERT_EQ(call("DELETE", {"connections", "doomed"}).status, 204);
    doomed.expect_connection_close(proto::reply_code::connection_forced);

    ASSERT_TRUE(eventually([&] { return get({"connections"}).body.size() == 1; }));
    EXPECT_EQ(get({"connections"}).body[0]["name"], "kept");
    kept.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "still-open", .arguments = {}});
}

TEST_F(management_connections, a_closed_connection_is_gone_and_its_unacknowledged_messages_are_requeued)
{
    auto client = connect("consumer");
    hold_messages(client, "held", 0, 1);

    ASSERT_EQ(call("DELETE", {"connections", "consumer"}).status, 204);
    client.expect_connection_close(proto::reply_code::connection_forced);

    ASSERT_TRUE(broker().wait_for_depth("held", 1, 5s));
    ASSERT_TRUE(eventually([&] { return get({"connections"}).body.empty(); }));
    EXPECT_EQ(get({"channels"}).body, json::array());
    EXPECT_EQ(call("DELETE", {"connections", "consumer"}).status, 404);
    EXPECT_EQ(get({"queues", "/", "held"}).body["messages_unacknowledged"], 0);
}

TEST_F(management_channels, a_channel_shows_its_prefetch_unacked_consumers_and_owner)
{
    auto client = connect("consumer");
    hold_messages(client, "held", 1, 2);

    const auto reply = get({"channels"});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 1u);
    const json ch = reply.body[0];
    const auto [peer_host, peer_port] = [&] {
        const json c = get({"connections"}).body.at(0);
        return std::pair{c["peer_host"], c["peer_port"]};
    }();
    EXPECT_EQ(ch["name"], "consumer (1)");
    EXPECT_EQ(ch["number"], 1);
    EXPECT_EQ(ch["prefetch_count"], 2);
    EXPECT_EQ(ch["global_prefetch_count"], 0);
    EXPECT_EQ(ch["messages_unacknowledged"], 2);
    EXPECT_EQ(ch["consumer_count"], 1);
    EXPECT_EQ(ch["confirm"], false);
    EXPECT_EQ(ch["transactional"], false);
    EXPECT_EQ(ch["user"], "guest");
    EXPECT_EQ(ch["vhost"], "/");
    EXPECT_EQ(ch["connection_details"],
              (json{{"name", "consumer"}, {"peer_host", peer_host}, {"peer_port", peer_port}}));
}

TEST_F(management_channels, confirm_and_transactional_modes_and_global_prefetch_are_shown)
{
    auto client = connect("client");
    client.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    client.open_channel(2);
    client.rpc<proto::tx_select_ok>(2, proto::tx_select{});
    client.rpc<proto::basic_qos_ok>(2, proto::basic_qos{.prefetch_count = 5, .global = true});

    const json listed = get({"channels"}).body;

    ASSERT_EQ(listed.size(), 2u);
    const json confirming = find_one(listed, "number", 1);
    EXPECT_EQ(confirming["confirm"], true);
    EXPECT_EQ(confirming["transactional"], false);
    const json transactional = find_one(listed, "number", 2);
    EXPECT_EQ(transactional["transactional"], true);
    EXPECT_EQ(transactional["global_prefetch_count"], 5);
    EXPECT_EQ(transactional["name"], "client (2)");
}

}  // namespace
}  // namespace amqp::fakebroker::test
