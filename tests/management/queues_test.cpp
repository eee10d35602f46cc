// GET /api/queues (all, per vhost, one), a queue's bindings, and purge.
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;
using nlohmann::json;
using management_queues = management;

TEST_F(management_queues, a_queue_shows_its_flags_arguments_and_counts)
{
    auto client = connect("client");
    client.rpc<proto::queue_declare_ok>(
        1, proto::queue_declare{.queue = "orders", .arguments = {{"x-max-length", std::int32_t(10)}}});
    publish(client, "", "orders", "12345");
    ASSERT_TRUE(broker().wait_for_depth("orders", 1, 5s));

    const auto reply = get({"queues", "/", "orders"});

    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, (json{{"name", "orders"},
                                {"vhost", "/"},
                                {"durable", false},
                                {"auto_delete", false},
                                {"exclusive", false},
                                {"arguments", {{"x-max-length", 10}}},
                                {"node", "rabbit@fakebroker"},
                                {"state", "running"},
                                {"type", "classic"},
                                {"messages", 1},
                                {"messages_ready", 1},
                                {"messages_unacknowledged", 0},
                                {"message_bytes_ready", 5},
                                {"consumers", 0}}));
}

TEST_F(management_queues, counts_split_ready_from_unacknowledged)
{
    auto client = connect("client");
    hold_messages(client, "held", 2, 1);

    const json q = get({"queues", "/", "held"}).body;

    EXPECT_EQ(q["messages"], 3);
    EXPECT_EQ(q["messages_ready"], 2);
    EXPECT_EQ(q["messages_unacknowledged"], 1);
    EXPECT_EQ(q["consumers"], 1);
}

TEST_F(management_queues, durable_exclusive_and_quorum_queues_say_so)
{
    auto client = connect("client");
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "kept", .durable = true, .arguments = {}});
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "mine", .exclusive = true, .arguments = {}});
    client.rpc<proto::queue_declare_ok>(
        1, proto::queue_declare{
               .queue = "voted", .durable = true, .arguments = {{"x-queue-type", std::string("quorum")}}});

    EXPECT_EQ(get({"queues", "/", "kept"}).body["durable"], true);
    EXPECT_EQ(get({"queues", "/", "mine"}).body["exclusive"], true);
    EXPECT_EQ(get({"queues", "/", "voted"}).body["type"], "quorum");
}

TEST_F(management_queues, the_listing_holds_each_queue_as_shown_alone)
{
    auto client = connect("client");
    hold_messages(client, "orders", 3, 0);
    hold_messages(client, "invoices", 0, 0);

    const auto reply = get({"queues"});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 2u);
    EXPECT_EQ(find_one(reply.body, "name", "orders"), get({"queues", "/", "orders"}).body);
    EXPECT_EQ(find_one(reply.body, "name", "invoices"), get({"queues", "/", "invoices"}).body);
}

using management_queues_in_two_vhosts = management_two_vhosts;

TEST_F(management_queues_in_two_vhosts, a_vhost_lists_its_own_queues_and_the_whole_listing_both)
{
    auto root = connect("root");
    root.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "orders", .arguments = {}});
    auto staging = connect("staging", "staging");
    staging.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "jobs", .arguments = {}});

    const json in_staging = get({"queues", "staging"}).body;
    ASSERT_EQ(in_staging.size(), 1u);
    EXPECT_EQ(in_staging[0]["name"], "jobs");
    EXPECT_EQ(in_staging[0]["vhost"], "staging");
    const json in_root = get({"queues", "/"}).body;
    ASSERT_EQ(in_root.size(), 1u);
    EXPECT_EQ(in_root[0]["name"], "orders");
    EXPECT_EQ(get({"queues"}).body.size(), 2u);
    EXPECT_EQ(get({"queues", "staging", "jobs"}).status, 200);
    EXPECT_EQ(get({"queues", "/", "jobs"}).status, 404);
}

TEST_F(management_queues, a_queue_lists_its_bindings_including_the_default_exchange)
{
    auto client = connect("client");
    client.rpc<proto::exchange_declare_ok>(
        1, proto::exchange_declare{.exchange = "events", .type = "topic", .arguments = {}});
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "orders", .arguments = {}});
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "other", .arguments = {}});
    client.rpc<proto::queue_bind_ok>(
        1, proto::queue_bind{.queue = "orders", .exchange = "events", .routing_key = "orders.*", .arguments = {}});
    client.rpc<proto::queue_bind_ok>(
        1, proto::queue_bind{.queue = "other", .exchange = "events", .routing_key = "other.*", .arguments = {}});

    const auto reply = get({"queues", "/", "orders", "bindings"});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 2u);
    EXPECT_EQ(find_one(reply.body, "source", "")["routing_key"], "orders");
    EXPECT_EQ(find_one(reply.body, "source", "events")["routing_key"], "orders.*");
}

TEST_F(management_queues, purge_drops_the_ready_messages_and_keeps_the_unacknowledged_ones)
{
    auto client = connect("client");
    hold_messages(client, "held", 2, 1);

    const auto reply = call("DELETE", {"queues", "/", "held", "contents"});

    EXPECT_EQ(reply.status, 204);
    EXPECT_TRUE(reply.body.is_null());
    const auto q = broker().queue("held");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->ready, 0u);
    EXPECT_EQ(q->unacked, 1u);
}

TEST_F(management_queues, purge_touches_no_other_queue)
{
    auto client = connect("client");
    hold_messages(client, "orders", 2, 0);
    hold_messages(client, "invoices", 2, 0);

    ASSERT_EQ(call("DELETE", {"queues", "/", "orders", "contents"}).status, 204);

    EXPECT_EQ(broker().queue("orders")->ready, 0u);
    EXPECT_EQ(broker().queue("invoices")->ready, 2u);
}

}  // namespace
}  // namespace amqp::fakebroker::test
