// /api/faults: fault rules, the fired log and chaos mode.
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;
using nlohmann::json;
using management_faults = management;

const json drop_on_publish = {{"on", "method_received"}, {"method", "basic.publish"}, {"nth", 1}, {"then", "drop"}};

TEST_F(management_faults, a_posted_rule_is_added_and_listed_under_its_id)
{
    const auto added = call("POST", {"faults"}, drop_on_publish.dump());

    ASSERT_EQ(added.status, 201);
    ASSERT_EQ(broker().fault_rules().size(), 1u);
    const std::uint64_t id = broker().fault_rules()[0].id;
    EXPECT_EQ(added.body, (json{{"ids", {id}}}));
    const json listed = get({"faults"}).body;
    ASSERT_EQ(listed["rules"].size(), 1u);
    const json rule = listed["rules"][0];
    EXPECT_EQ(rule["id"], id);
    EXPECT_EQ(rule["on"], "method_received");
    EXPECT_EQ(rule["method"], "basic.publish");
    EXPECT_EQ(rule["nth"], 1);
    EXPECT_EQ(rule["then"], (json{{{"action", "drop"}}}));
    EXPECT_EQ(rule["fired"], 0);
    EXPECT_EQ(rule["description"], broker().fault_rules()[0].rule.describe());
    EXPECT_EQ(listed["fired"], json::array());
    EXPECT_TRUE(listed["chaos"].is_null());
}

TEST_F(management_faults, an_array_adds_every_rule)
{
    const json rules = {drop_on_publish, {{"on", "method_received"}, {"method", "basic.ack"}, {"then", "reset"}}};

    const auto added = call("POST", {"faults"}, rules.dump());

    ASSERT_EQ(added.status, 201);
    EXPECT_EQ(added.body["ids"].size(), 2u);
    EXPECT_EQ(broker().fault_rules().size(), 2u);
}

TEST_F(management_faults, an_array_with_one_bad_rule_adds_none)
{
    const json rules = {drop_on_publish, {{"on", "method_recieved"}, {"then", "drop"}}};

    const auto added = call("POST", {"faults"}, rules.dump());

    EXPECT_EQ(added.status, 400);
    EXPECT_EQ(added.body["error"], "bad_request");
    EXPECT_NE(added.body["reason"].get<std::string>().find("method_recieved"), std::string::npos) << added.body.dump();
    EXPECT_TRUE(broker().fault_rules().empty());
}

TEST_F(management_faults, a_rule_that_fires_is_in_the_fired_log)
{
    ASSERT_EQ(call("POST", {"faults"}, drop_on_publish.dump()).status, 201);
    auto client = connect("victim");
    publish(client, "", "nowhere", "boom");
    ASSERT_TRUE(broker().wait_for_faults(1, 5s));

    const json listed = get({"faults"}).body;

    ASSERT_EQ(listed["fired"].size(), 1u);
    const json fired = listed["fired"][0];
    EXPECT_EQ(fired["rule"], listed["rules"][0]["id"]);
    EXPECT_EQ(fired["hook"], "method_received");
    EXPECT_EQ(fired["method"], "basic.publish");
    EXPECT_EQ(fired["connection_name"], "victim");
    EXPECT_EQ(fired["actions"], (json{{{"action", "drop"}}}));
    EXPECT_EQ(listed["rules"][0]["fired"], 1);
    EXPECT_EQ(client.expect_connection_end(), std::nullopt);
}

TEST_F(management_faults, a_rule_is_removed_by_id_once)
{
    ASSERT_EQ(call("POST", {"faults"}, drop_on_publish.dump()).status, 201);
    const std::string id = std::to_string(broker().fault_rules().at(0).id);

    EXPECT_EQ(call("DELETE", {"faults", id}).status, 204);
    EXPECT_TRUE(broker().fault_rules().empty());
    const auto again = call("DELETE", {"faults", id});
    EXPECT_EQ(again.status, 404);
    EXPECT_EQ(again.body, (json{{"error", "Object Not Found"}, {"reason", "no fault rule " + id}}));
}

TEST_F(management_faults, a_rule_id_that_is_not_a_number_is_a_bad_request)
{
    const auto reply = call("DELETE", {"faults", "first"});

    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body, (json{{"error", "bad_request"}, {"reason", "'first' is not a rule id"}}));
}

TEST_F(management_faults, delete_forgets_every_rule_and_the_fired_log)
{
    ASSERT_EQ(call("POST", {"faults"}, drop_on_publish.dump()).status, 201);
    auto client = connect("victim");
    publish(client, "", "nowhere", "boom");
    ASSERT_TRUE(broker().wait_for_faults(1, 5s));
    ASSERT_EQ(call("POST", {"faults"}, drop_on_publish.dump()).status, 201);

    EXPECT_EQ(call("DELETE", {"faults"}).status, 204);

    EXPECT_TRUE(broker().fault_rules().empty());
    EXPECT_TRUE(broker().fired_faults().empty());
    EXPECT_EQ(get({"faults"}).body["rules"], json::array());
}

TEST_F(management_faults, chaos_is_started_with_the_options_given_and_stopped)
{
    const json chaos = {{"seed", 42}, {"hooks", {"heartbeat_tick"}}, {"drop", 0.25}, {"max_faults", 3}};

    ASSERT_EQ(call("PUT", {"faults", "chaos"}, chaos.dump()).status, 204);

    ASSERT_TRUE(broker().chaos());
    EXPECT_EQ(broker().chaos()->seed, 42u);
    EXPECT_EQ(broker().chaos()->drop, 0.25);
    const json shown = get({"faults"}).body["chaos"];
    EXPECT_EQ(shown["seed"], 42);
    EXPECT_EQ(shown["hooks"], (json{"heartbeat_tick"}));
    EXPECT_EQ(shown["drop"], 0.25);
    EXPECT_EQ(shown["max_faults"], 3);

    EXPECT_EQ(call("DELETE", {"faults", "chaos"}).status, 204);
    EXPECT_FALSE(broker().chaos());
    EXPECT_TRUE(get({"faults"}).body["chaos"].is_null());
}

TEST_F(management_faults, chaos_options_that_cannot_work_are_refused)
{
    for (const json& chaos : {json{{"drop", 2}}, json{{"dorp", 0.1}}, json{{"hooks", {"nowhere"}}}}) {
        SCOPED_TRACE(chaos.dump());
        const auto reply = call("PUT", {"faults", "chaos"}, chaos.dump());
        EXPECT_EQ(reply.status, 400);
        EXPECT_EQ(reply.body["error"], "bad_request");
    }
    EXPECT_FALSE(broker().chaos());
}

}  // namespace
}  // namespace amqp::fakebroker::test
