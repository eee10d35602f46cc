#include "client_fixture.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <gmock/gmock.h>

#include <cstdlib>

namespace amqp::test {
namespace {

using ::testing::HasSubstr;

const std::string tls_dir = AMQP_TEST_TLS_DIR;

// amqps URLs: AMQPS_URL against a real broker (with the certificates of tests/tls),
// else an embedded broker with a TLS listener using them.
class tls : public client_test {
protected:
    void SetUp() override
    {
        if (const char* env = std::getenv("AMQPS_URL"); env && *env) {
            base_ = env;
            return;
        }
        if (external_broker()) GTEST_SKIP() << "AMQP_URL without AMQPS_URL (e.g. amqps://guest:guest@localhost:5671/)";
        fakebroker::broker_options options;
        options.tls = fakebroker::tls_listener_options{
            tls_dir + "/server.pem", tls_dir + "/server-key.pem", tls_dir + "/ca.pem", true, false, 0};
        tls_broker_.emplace(options);
        tls_broker_->start();
        base_ = "amqps://guest:guest@localhost:" + std::to_string(tls_broker_->tls_port()) + "/";
    }

    // The URL with query parameters (base_ has none).
    std::string url_with_query(const std::string& query) const { return base_ + "?" + query; }

    std::string base_;
    std::optional<fakebroker::broker> tls_broker_;
};

TEST_F(tls, connects_with_the_test_ca_and_moves_messages)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(), url_with_query("cafile=" + tls_dir + "/ca.pem"));
        auto ch = co_await conn.channel({.publisher_confirms = true});
        auto q = co_await ch.declare_queue(queue_name());
        co_await ch.default_exchange().publish(client::message("over TLS"), q.name());
        auto m = co_await q.get(true);
        CO_ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->body, "over TLS");
        co_await conn.close();
    });
}

TEST_F(tls, presents_a_client_certificate)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(),
                                             url_with_query("cafile=" + tls_dir + "/ca.pem&certfile=" + tls_dir +
                                                            "/client.pem&keyfile=" + tls_dir + "/client-key.pem"));
        EXPECT_TRUE(conn.is_open());
        co_await conn.close();
    });
}

TEST_F(tls, an_unknown_ca_fails_verification)
{
    run([&]() -> asio::awaitable<void> {
        // The client certificate is no CA: nothing vouches for the server's certificate.
        auto [ec, conn] = co_await client::connect(io().get_executor(),
                                                   url_with_query("cafile=" + tls_dir + "/client.pem"), as_tuple);
        EXPECT_TRUE(ec);
        EXPECT_FALSE(conn.is_open());
        EXPECT_THAT(ec.message(), HasSubstr("certificate verify failed"));
    });
}

TEST_F(tls, no_verify_ssl_accepts_any_certificate)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(),
                                             url_with_query("cafile=" + tls_dir + "/client.pem&no_verify_ssl=1"));
        EXPECT_TRUE(conn.is_open());
        co_await conn.close();
    });
}

TEST_F(tls, a_missing_ca_file_is_named)
{
    run([&]() -> asio::awaitable<void> {
        try {
            co_await client::connect(io().get_executor(), url_with_query("cafile=" + tls_dir + "/no-such-ca.pem"));
            ADD_FAILURE() << "connected without the CA file";
        } catch (const client::amqp_error& e) {
            EXPECT_EQ(e.code(), client::errc::invalid_argument);
            EXPECT_THAT(e.what(), HasSubstr("no-such-ca.pem"));
        }
    });
}

}  // namespace
}  // namespace amqp::test
