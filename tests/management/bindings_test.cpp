// GET /api/bindings (all, per vhost).
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using nlohmann::json;
using management_bindings = management;

class management_bound : public management {
protected:
    void SetUp() override
    {
        management::SetUp();
        client_.emplace(connect("client"));
        client_->rpc<proto::exchange_declare_ok>(
            1, proto::exchange_declare{.exchange = "events", .type = "topic", .arguments = {}});
        client_->rpc<proto::exchange_declare_ok>(
            1, proto::exchange_declare{.exchange = "audit", .type = "fanout", .arguments = {}});
        client_->rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "orders", .arguments = {}});
        client_->rpc<proto::queue_bind_ok>(1, proto::queue_bind{.queue = "orders",
                                                                .exchange = "events",
                                                                .routing_key = "orders.*",
                                                                .arguments = {{"x-origin", std::string("test")}}});
        client_->rpc<proto::exchange_bind_ok>(
            1, proto::exchange_bind{.destination = "audit", .source = "events", .routing_key = "", .arguments = {}});
    }

    std::optional<amqp::test::amqp_driver> client_;
};

TEST_F(management_bound, a_queue_binding_shows_its_key_arguments_and_properties_key)
{
    const json listed = get({"bindings"}).body;

    json ours;
    for (const auto& item : listed) {
        if (item["source"] == "events" && item["destination"] == "orders") ours = item;
    }
    ASSERT_FALSE(ours.is_null()) << listed.dump();
    EXPECT_EQ(ours["vhost"], "/");
    EXPECT_EQ(ours["destination_type"], "queue");
    EXPECT_EQ(ours["routing_key"], "orders.*");
    EXPECT_EQ(ours["arguments"], (json{{"x-origin", "test"}}));
    EXPECT_EQ(ours["properties_key"].get<std::string>().rfind("orders.%2A~", 0), 0u) << ours.dump();
}

TEST_F(management_bound, the_default_exchange_binds_every_queue_under_its_name)
{
    json defaults = json::array();
    for (const auto& item : get({"bindings", "/"}).body) {
        if (item["source"] == "") defaults.push_back(item);
    }

    ASSERT_EQ(defaults.size(), 1u);
    EXPECT_EQ(defaults[0]["destination"], "orders");
    EXPECT_EQ(defaults[0]["routing_key"], "orders");
    EXPECT_EQ(defaults[0]["properties_key"], "orders");
    EXPECT_EQ(defaults[0]["arguments"], json::object());
}

TEST_F(management_bound, an_exchange_to_exchange_binding_names_an_exchange_destination)
{
    const json b = find_one(get({"bindings"}).body, "destination", "audit");

    EXPECT_EQ(b["source"], "events");
    EXPECT_EQ(b["destination_type"], "exchange");
    EXPECT_EQ(b["properties_key"], "~");
}

TEST_F(management_bindings, a_fresh_broker_has_no_bindings) { EXPECT_EQ(get({"bindings"}).body, json::array()); }

using management_bindings_in_two_vhosts = management_two_vhosts;

TEST_F(management_bindings_in_two_vhosts, a_vhost_lists_its_own_bindings)
{
    auto staging = connect("staging", "staging");
    staging.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "jobs", .arguments = {}});

    const json in_staging = get({"bindings", "staging"}).body;
    ASSERT_EQ(in_staging.size(), 1u);
    EXPECT_EQ(in_staging[0]["destination"], "jobs");
    EXPECT_EQ(in_staging[0]["vhost"], "staging");
    EXPECT_EQ(get({"bindings", "/"}).body, json::array());
}

}  // namespace
}  // namespace amqp::fakebroker::test
