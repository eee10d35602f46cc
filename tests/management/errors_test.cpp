// The error forms: 404 for unknown paths and objects, 405 for a known path with
// another method, 400 for malformed bodies. (401 is the HTTP server's:
// management_api_test.cpp.)
#include "management_fixture.hpp"

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using nlohmann::json;
using management_errors = management;

const json not_found = {{"error", "Object Not Found"}, {"reason", "Not Found"}};

struct request_line {
    std::string method;
    std::vector<std::string> path;
    std::string body;
};

std::string describe(const request_line& r)
{
    std::string out = r.method;
    for (const auto& s : r.path) out += " /" + s;
    return out + " " + r.body;
}

TEST_F(management_errors, unknown_paths_are_object_not_found)
{
    for (const request_line& r : std::vector<request_line>{
             {"GET", {}, ""},
             {"GET", {"no-such-endpoint"}, ""},
             {"GET", {"overview", "extra"}, ""},
             {"GET", {"queues", "/", "orders", "bindings", "extra"}, ""},
             {"POST", {"faults", "chaos", "extra"}, ""},
         }) {
        SCOPED_TRACE(describe(r));
        const auto reply = call(r.method, r.path, r.body);
        EXPECT_EQ(reply.status, 404);
        EXPECT_EQ(reply.body, not_found);
    }
}

TEST_F(management_errors, unknown_objects_are_object_not_found)
{
    const std::string get_body = json{{"count", 1}, {"ackmode", "ack_requeue_true"}}.dump();
    for (const request_line& r : std::vector<request_line>{
             {"GET", {"queues", "/", "no.such.queue"}, ""},
             {"GET", {"queues", "no-such-vhost"}, ""},
             {"GET", {"queues", "no-such-vhost", "orders"}, ""},
             {"GET", {"queues", "/", "no.such.queue", "bindings"}, ""},
             {"DELETE", {"queues", "/", "no.such.queue", "contents"}, ""},
             {"POST", {"queues", "/", "no.such.queue", "get"}, get_body},
             {"GET", {"exchanges", "/", "no.such.exchange"}, ""},
             {"GET", {"exchanges", "no-such-vhost"}, ""},
             {"GET", {"bindings", "no-such-vhost"}, ""},
             {"GET", {"vhosts", "no-such-vhost"}, ""},
             {"GET", {"connections", "no-such-connection"}, ""},
             {"DELETE", {"connections", "no-such-connection"}, ""},
         }) {
        SCOPED_TRACE(describe(r));
        const auto reply = call(r.method, r.path, r.body);
        EXPECT_EQ(reply.status, 404);
        EXPECT_EQ(reply.body, not_found);
    }
}

TEST_F(management_errors, known_paths_with_another_method_are_method_not_allowed)
{
    for (const request_line& r : std::vector<request_line>{
             {"POST", {"overview"}, ""},
             {"DELETE", {"queues"}, ""},
             {"PUT", {"queues", "/", "orders"}, ""},
             {"GET", {"queues", "/", "orders", "get"}, ""},
             {"GET", {"queues", "/", "orders", "contents"}, ""},
             {"POST", {"connections", "someone"}, ""},
             {"PATCH", {"channels"}, ""},
             {"PUT", {"faults"}, ""},
             {"GET", {"faults", "chaos"}, ""},
         }) {
        SCOPED_TRACE(describe(r));
        const auto reply = call(r.method, r.path, r.body);
        EXPECT_EQ(reply.status, 405);
        EXPECT_EQ(reply.body, (json{{"error", "Method Not Allowed"}, {"reason", r.method + " is not supported here"}}));
    }
}

TEST_F(management_errors, malformed_get_bodies_are_bad_requests)
{
    auto client = connect("client");
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "orders", .arguments = {}});

    for (const std::string& body : {
             std::string("{not json"),
             std::string("[1, 2]"),
             std::string(""),
             json{{"ackmode", "ack_requeue_true"}}.dump(),
             json{{"count", -1}, {"ackmode", "ack_requeue_true"}}.dump(),
             json{{"count", "two"}, {"ackmode", "ack_requeue_true"}}.dump(),
             json{{"count", 1.5}, {"ackmode", "ack_requeue_true"}}.dump(),
             json{{"count", 1}}.dump(),
             json{{"count", 1}, {"ackmode", "ack_maybe"}}.dump(),
             json{{"count", 1}, {"ackmode", 7}}.dump(),
             json{{"count", 1}, {"ackmode", "ack_requeue_true"}, {"encoding", "hex"}}.dump(),
             json{{"count", 1}, {"ackmode", "ack_requeue_true"}, {"truncate", -5}}.dump(),
         }) {
        SCOPED_TRACE(body);
        const auto reply = call("POST", {"queues", "/", "orders", "get"}, body);
        EXPECT_EQ(reply.status, 400);
        EXPECT_EQ(reply.body["error"], "bad_request");
        EXPECT_TRUE(reply.body["reason"].is_string());
    }
}

TEST_F(management_errors, malformed_fault_bodies_are_bad_requests_that_name_the_problem)
{
    for (const auto& [body, named] : std::vector<std::pair<std::string, std::string>>{
             {"{not json", "syntax"},
             {json{{"then", "drop"}}.dump(), "on"},
             {json{{"on", "method_received"}}.dump(), "then"},
             {json{{"on", "method_received"}, {"then", "explode"}}.dump(), "explode"},
             {json{{"on", "method_received"}, {"method", "basic.shout"}, {"then", "drop"}}.dump(), "basic.shout"},
             {json{{"on", "method_received"}, {"nth", 1}, {"every", 2}, {"then", "drop"}}.dump(), "every"},
         }) {
        SCOPED_TRACE(body);
        const auto reply = call("POST", {"faults"}, body);
        EXPECT_EQ(reply.status, 400);
        EXPECT_EQ(reply.body["error"], "bad_request");
        EXPECT_NE(reply.body.value("reason", "").find(named), std::string::npos) << reply.body.dump();
    }
    EXPECT_TRUE(broker().fault_rules().empty());
}

}  // namespace
}  // namespace amqp::fakebroker::test
