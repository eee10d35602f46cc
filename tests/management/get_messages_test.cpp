// POST /api/queues/{vhost}/{name}/get: messages peeked with the requeueing ackmodes.
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;
using nlohmann::json;

class management_get : public management {
protected:
    // Publishes the bodies to the queue "orders" and waits until they are all there.
    void fill(const std::vector<std::string>& bodies, const proto::basic_properties& properties = {})
    {
        client_.emplace(connect("client"));
        client_->rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "orders", .arguments = {}});
        for (const auto& b : bodies) publish(*client_, "", "orders", b, properties);
        ASSERT_TRUE(broker().wait_for_depth("orders", bodies.size(), 5s));
    }

    management_reply post_get(const json& body) const
    {
        return call("POST", {"queues", "/", "orders", "get"}, body.dump());
    }

    std::optional<amqp::test::amqp_driver> client_;
};

TEST_F(management_get, ack_requeue_true_returns_the_messages_and_leaves_them_ready)
{
    fill({"m0", "m1", "m2"});

    const auto reply = post_get({{"count", 5}, {"ackmode", "ack_requeue_true"}, {"encoding", "auto"}});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 3u);
    EXPECT_EQ(reply.body[0], (json{{"payload", "m0"},
                                   {"payload_bytes", 2},
                                   {"payload_encoding", "string"},
                                   {"redelivered", false},
                                   {"exchange", ""},
                                   {"routing_key", "orders"},
                                   {"message_count", 2},
                                   {"properties", json::object()}}));
    EXPECT_EQ(reply.body[1]["payload"], "m1");
    EXPECT_EQ(reply.body[2]["payload"], "m2");
    EXPECT_EQ(broker().queue("orders")->ready, 3u);
}

TEST_F(management_get, reject_requeue_true_also_leaves_them_ready)
{
    fill({"m0", "m1"});

    const auto reply = post_get({{"count", 1}, {"ackmode", "reject_requeue_true"}});

    ASSERT_EQ(reply.status, 200);
    ASSERT_EQ(reply.body.size(), 1u);
    EXPECT_EQ(reply.body[0]["payload"], "m0");
    EXPECT_EQ(reply.body[0]["message_count"], 1);
    EXPECT_EQ(broker().queue("orders")->ready, 2u);
}

TEST_F(management_get, message_count_says_how_many_a_basic_get_would_leave_behind)
{
    fill({"a", "b", "c"});

    const json messages = post_get({{"count", 3}, {"ackmode", "ack_requeue_true"}}).body;

    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0]["message_count"], 2);
    EXPECT_EQ(messages[1]["message_count"], 1);
    EXPECT_EQ(messages[2]["message_count"], 0);
}

TEST_F(management_get, the_properties_come_under_rabbitmq_names_with_headers_as_json)
{
    proto::basic_properties p;
    p.content_type = "text/plain";
    p.delivery_mode = 2;
    p.priority = 3;
    p.correlation_id = "corr-1";
    p.message_id = "msg-1";
    p.headers = proto::field_table{{"h-str", std::string("v")},
                                   {"h-int", std::int32_t(42)},
                                   {"h-bool", true},
                                   {"h-table", proto::field_table{{"k", std::string("v")}}}};
    fill({"m0"}, p);

    const json messages = post_get({{"count", 1}, {"ackmode", "ack_requeue_true"}}).body;

    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["properties"],
              (json{{"content_type", "text/plain"},
                    {"delivery_mode", 2},
                    {"priority", 3},
                    {"correlation_id", "corr-1"},
                    {"message_id", "msg-1"},
                    {"headers", {{"h-str", "v"}, {"h-int", 42}, {"h-bool", true}, {"h-table", {{"k", "v"}}}}}}));
}

TEST_F(management_get, a_payload_that_is_not_utf8_comes_as_base64)
{
    fill({"\xff\xfe"});

    const json m = post_get({{"count", 1}, {"ackmode", "ack_requeue_true"}, {"encoding", "auto"}}).body[0];

    EXPECT_EQ(m["payload_encoding"], "base64");
    EXPECT_EQ(m["payload"], "//4=");
    EXPECT_EQ(m["payload_bytes"], 2);
}

TEST_F(management_get, encoding_base64_encodes_text_payloads_too)
{
    fill({"m0"});

    const json m = post_get({{"count", 1}, {"ackmode", "ack_requeue_true"}, {"encoding", "base64"}}).body[0];

    EXPECT_EQ(m["payload_encoding"], "base64");
    EXPECT_EQ(m["payload"], "bTA=");
}

TEST_F(management_get, truncate_cuts_the_payload_but_not_payload_bytes)
{
    fill({"hello", "hi"});

    const json messages = post_get({{"count", 2}, {"ackmode", "ack_requeue_true"}, {"truncate", 1}}).body;

    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0]["payload"], "h");
    EXPECT_EQ(messages[0]["payload_bytes"], 5);
    EXPECT_EQ(messages[1]["payload"], "h");
    EXPECT_EQ(messages[1]["payload_bytes"], 2);
}

TEST_F(management_get, count_may_be_a_string_holding_an_integer)
{
    fill({"m0", "m1", "m2"});

    EXPECT_EQ(post_get({{"count", "2"}, {"ackmode", "ack_requeue_true"}}).body.size(), 2u);
}

TEST_F(management_get, the_old_requeue_true_form_is_accepted)
{
    fill({"m0"});

    const auto reply = post_get({{"count", 1}, {"requeue", true}});

    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body.size(), 1u);
}

TEST_F(management_get, the_consuming_ackmodes_are_refused_and_consume_nothing)
{
    fill({"m0"});

    for (const char* mode : {"ack_requeue_false", "reject_requeue_false"}) {
        SCOPED_TRACE(mode);
        const auto reply = post_get({{"count", 1}, {"ackmode", mode}});
        EXPECT_EQ(reply.status, 400);
        EXPECT_EQ(reply.body["error"], "bad_request");
        EXPECT_NE(reply.body["reason"].get<std::string>().find(mode), std::string::npos) << reply.body.dump();
    }
    EXPECT_EQ(post_get({{"count", 1}, {"requeue", false}}).status, 400);
    EXPECT_EQ(broker().queue("orders")->ready, 1u);
}

TEST_F(management_get, an_empty_queue_gives_an_empty_list)
{
    fill({});

    const auto reply = post_get({{"count", 5}, {"ackmode", "ack_requeue_true"}});

    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, json::array());
}

}  // namespace
}  // namespace amqp::fakebroker::test
