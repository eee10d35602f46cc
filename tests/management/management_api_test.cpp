// management_api: the routes over HTTP, with basic auth against the broker's users.
#include "management_fixture.hpp"

#include <amqp/fakebroker/management_api.hpp>

#include <httplib.h>

namespace amqp::fakebroker::test {
namespace {

namespace proto = amqp::protocol;
using nlohmann::json;

// The API on an ephemeral port of 127.0.0.1, for a broker with users guest and app.
class management_http : public management {
protected:
    broker_options options() const override
    {
        broker_options o;
        o.users = {{"guest", "guest", {"/"}}, {"app", "secret", {"/"}}};
        return o;
    }

    void SetUp() override
    {
        management::SetUp();
        api_.emplace(broker(), "127.0.0.1", 0);
        api_->start();
    }

    void TearDown() override
    {
        api_.reset();  // it reads the broker: it goes first
        management::TearDown();
    }

    httplib::Client client(const std::string& user = "guest", const std::string& password = "guest") const
    {
        httplib::Client c("127.0.0.1", api_->port());
        if (!user.empty()) c.set_basic_auth(user.c_str(), password.c_str());
        return c;
    }

    std::optional<management_api> api_;
};

TEST_F(management_http, a_request_without_credentials_gets_401_and_a_basic_challenge)
{
    const auto res = client("").Get("/api/overview");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(json::parse(res->body), (json{{"error", "not_authorized"}, {"reason", "Not_Authorized"}}));
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"RabbitMQ Management\"");
}

TEST_F(management_http, a_wrong_password_or_an_unknown_user_gets_401_login_failed)
{
    for (const auto& [user, password] :
         {std::pair{"guest", "wrong"}, std::pair{"nobody", "guest"}, std::pair{"app", "guest"}}) {
        SCOPED_TRACE(user);
        const auto res = client(user, password).Get("/api/queues");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 401);
        EXPECT_EQ(json::parse(res->body), (json{{"error", "not_authorized"}, {"reason", "Login failed"}}));
    }
}

TEST_F(management_http, a_scheme_other_than_basic_gets_401)
{
    const auto res = client("").Get("/api/overview", {{"Authorization", "Bearer Z3Vlc3Q6Z3Vlc3Q="}});

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
}

TEST_F(management_http, any_user_of_the_broker_is_let_in_under_its_own_name)
{
    for (const auto& [user, password] : {std::pair{"guest", "guest"}, std::pair{"app", "secret"}}) {
        SCOPED_TRACE(user);
        const auto res = client(user, password).Get("/api/whoami");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 200);
        EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
        EXPECT_EQ(json::parse(res->body)["name"], user);
    }
}

TEST_F(management_http, percent_encoded_segments_are_decoded_so_2f_is_the_default_vhost)
{
    auto amqp = connect("client");
    amqp.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = "a/b", .arguments = {}});

    const auto res = client().Get("/api/queues/%2F/a%2Fb");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(json::parse(res->body), get({"queues", "/", "a/b"}).body);
}

TEST_F(management_http, a_trailing_slash_and_a_query_change_nothing)
{
    const auto res = client().Get("/api/queues/%2f/?columns=name");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(json::parse(res->body), json::array());
}

TEST_F(management_http, a_malformed_escape_is_a_bad_request)
{
    const auto res = client().Get("/api/queues/%ZZ");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_EQ(json::parse(res->body)["error"], "bad_request");
}

TEST_F(management_http, paths_outside_api_are_object_not_found)
{
    const auto res = client().Get("/index.html");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_EQ(json::parse(res->body), (json{{"error", "Object Not Found"}, {"reason", "Not Found"}}));
}

TEST_F(management_http, the_x_reason_header_reaches_the_closed_connection)
{
    auto amqp = connect("worker");

    const auto res = client().Delete("/api/connections/worker", {{"X-Reason", "maintenance"}});

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204);
    EXPECT_TRUE(res->body.empty());
    EXPECT_EQ(amqp.expect_connection_close(proto::reply_code::connection_forced).reply_text,
              "CONNECTION_FORCED - maintenance");
}

TEST_F(management_http, a_posted_body_reaches_the_route)
{
    const auto res = client().Post("/api/faults", R"({"on": "method_received", "then": "drop"})", "application/json");

    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 201);
    EXPECT_EQ(broker().fault_rules().size(), 1u);
}

TEST_F(management_http, the_url_names_the_bound_port)
{
    EXPECT_EQ(api_->url(), "http://127.0.0.1:" + std::to_string(api_->port()) + "/");
    EXPECT_NE(api_->port(), 0);
}

}  // namespace
}  // namespace amqp::fakebroker::test
