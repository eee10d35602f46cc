// GET /api/exchanges (all, per vhost, one).
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using nlohmann::json;
using management_exchanges = management;

TEST_F(management_exchanges, a_declared_exchange_shows_its_type_flags_and_arguments)
{
    auto client = connect("client");
    client.rpc<proto::exchange_declare_ok>(
        1, proto::exchange_declare{.exchange = "events",
                                   .type = "topic",
                                   .durable = true,
                                   .arguments = {{"alternate-exchange", std::string("unrouted")}}});

    const auto reply = get({"exchanges", "/", "events"});

    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, (json{{"name", "events"},
                                {"vhost", "/"},
                                {"type", "topic"},
                                {"durable", true},
                                {"auto_delete", false},
                                {"internal", false},
                                {"arguments", {{"alternate-exchange", "unrouted"}}}}));
}

TEST_F(management_exchanges, internal_and_auto_delete_exchanges_say_so)
{
    auto client = connect("client");
    client.rpc<proto::exchange_declare_ok>(
        1, proto::exchange_declare{.exchange = "hidden", .internal = true, .arguments = {}});
    client.rpc<proto::exchange_declare_ok>(
        1, proto::exchange_declare{.exchange = "brief", .auto_delete = true, .arguments = {}});

    EXPECT_EQ(get({"exchanges", "/", "hidden"}).body["internal"], true);
    EXPECT_EQ(get({"exchanges", "/", "brief"}).body["auto_delete"], true);
}

TEST_F(management_exchanges, the_listing_holds_the_default_the_amq_and_the_declared_exchanges)
{
    auto client = connect("client");
    client.rpc<proto::exchange_declare_ok>(
        1, proto::exchange_declare{.exchange = "events", .type = "fanout", .arguments = {}});

    for (const auto& path : {std::vector<std::string>{"exchanges"}, std::vector<std::string>{"exchanges", "/"}}) {
        SCOPED_TRACE(path.size());
        const auto reply = get(path);
        ASSERT_EQ(reply.status, 200);
        EXPECT_EQ(reply.body.size(), broker().exchanges().size());
        EXPECT_EQ(find_one(reply.body, "name", "")["type"], "direct");
        EXPECT_EQ(find_one(reply.body, "name", "amq.topic")["type"], "topic");
        EXPECT_EQ(find_one(reply.body, "name", "events")["type"], "fanout");
    }
}

TEST_F(management_exchanges, amq_default_in_a_path_is_the_default_exchange)
{
    const auto reply = get({"exchanges", "/", "amq.default"});

    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body["name"], "");
    EXPECT_EQ(reply.body["type"], "direct");
}

using management_exchanges_in_two_vhosts = management_two_vhosts;

TEST_F(management_exchanges_in_two_vhosts, a_vhost_lists_its_own_exchanges)
{
    auto staging = connect("staging", "staging");
    staging.rpc<proto::exchange_declare_ok>(1, proto::exchange_declare{.exchange = "staged", .arguments = {}});

    const json in_staging = get({"exchanges", "staging"}).body;
    find_one(in_staging, "name", "staged");
    for (const auto& e : in_staging) EXPECT_EQ(e["vhost"], "staging");
    EXPECT_EQ(get({"exchanges", "/", "staged"}).status, 404);
    EXPECT_EQ(get({"exchanges"}).body.size(), in_staging.size() + broker().exchanges("/").size());
}

}  // namespace
}  // namespace amqp::fakebroker::test
