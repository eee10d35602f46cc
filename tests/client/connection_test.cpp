#include "client_fixture.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <asio/use_future.hpp>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

using ::testing::HasSubstr;

TEST_F(client_test, connects_negotiates_and_closes)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        EXPECT_TRUE(conn.is_open());
        EXPECT_TRUE(conn.server_properties().contains("product"));
        EXPECT_GT(conn.tuning().frame_max, 4096u);
        EXPECT_GT(conn.tuning().channel_max, 0u);
        co_await conn.close();
        EXPECT_FALSE(conn.is_open());
        EXPECT_EQ(conn.close_reason().reply_code, 200);
    });
}

TEST_F(client_test, wrong_password_is_an_authentication_error)
{
    run([&]() -> asio::awaitable<void> {
        try {
            co_await client::connect(io().get_executor(), url_with("guest", "wrong", "/"));
            ADD_FAILURE() << "connected with a wrong password";
        } catch (const client::authentication_error& e) {
            EXPECT_EQ(e.code(), client::errc::authentication_refused);
            EXPECT_EQ(e.info().reply_code, 403);
            EXPECT_THAT(e.info().reply_text, HasSubstr("ACCESS_REFUSED"));
        }
    });
}

TEST_F(client_test, unknown_vhost_is_refused_with_the_brokers_text)
{
    run([&]() -> asio::awaitable<void> {
        auto [ec, conn] =
            co_await client::connect(io().get_executor(), url_with("guest", "guest", "no-such-vhost"), as_tuple);
        EXPECT_EQ(ec, client::errc::vhost_refused);
        EXPECT_FALSE(conn.is_open());
    });
}

TEST_F(client_test, unknown_vhost_exception_names_the_vhost)
{
    run([&]() -> asio::awaitable<void> {
        try {
            co_await client::connect(io().get_executor(), url_with("guest", "guest", "no-such-vhost"));
            ADD_FAILURE() << "connected to a vhost that does not exist";
        } catch (const client::authentication_error& e) {
            EXPECT_EQ(e.info().reply_code, 530);
            EXPECT_THAT(e.what(), HasSubstr("no-such-vhost"));
        }
    });
}

TEST_F(client_test, malformed_url_names_the_problem)
{
    run([&]() -> asio::awaitable<void> {
        try {
            co_await client::connect(io().get_executor(), url() + "?hearbeat=5");
            ADD_FAILURE() << "a misspelt parameter was accepted";
        } catch (const client::amqp_error& e) {
            EXPECT_EQ(e.code(), client::errc::invalid_argument);
            EXPECT_THAT(e.what(), HasSubstr("hearbeat"));
        }
    });
}

TEST_F(client_test, nothing_listening_fails_with_the_socket_error)
{
    run([&]() -> asio::awaitable<void> {
        // Port 1 on loopback: nothing listens there.
        auto [ec, conn] = co_await client::connect(io().get_executor(), "amqp://guest:guest@127.0.0.1:1/", as_tuple);
        EXPECT_EQ(ec, asio::error::connection_refused);
    });
}

TEST_F(client_test, failover_tries_the_next_host)
{
    run([&]() -> asio::awaitable<void> {
        auto options = std::get<client::connection_options>(client::parse_url(url()));
        options.endpoints.insert(options.endpoints.begin(), client::endpoint{"127.0.0.1", 1});
        auto conn = co_await client::connection::connect(io().get_executor(), options);
        EXPECT_TRUE(conn.is_open());
        co_await conn.close();
    });
}

TEST_F(client_test, connection_name_reaches_the_broker)
{
    if (!broker()) GTEST_SKIP() << "inspects the embedded broker";
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(), url() + "?name=orders-service");
        const auto connections = broker()->connections();
        CO_ASSERT_EQ(connections.size(), 1u);
        EXPECT_EQ(connections[0].name, "orders-service");
        co_await conn.close();
    });
}

TEST_F(client_test, heartbeat_from_the_url_is_negotiated)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(), url() + "?heartbeat=7");
        EXPECT_EQ(conn.tuning().heartbeat, 7);
        co_await conn.close();
    });
}

TEST_F(client_test, broker_closing_the_connection_fails_pending_work_and_calls_on_close)
{
    if (!broker()) GTEST_SKIP() << "closes the connection through the embedded broker";
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await client::connect(io().get_executor(), url() + "?name=victim");
        std::optional<client::close_info> seen;
        conn.on_close([&](const client::close_info& info) { seen = info; });
        auto ch = co_await conn.channel();
        auto q = co_await ch.declare_queue(queue_name());
        auto it = q.iterator();
        auto [timeout, none] = co_await it.next(std::chrono::milliseconds(1), as_tuple);
        EXPECT_EQ(timeout, client::errc::timeout);
        broker()->close_connection("victim", "bye");
        auto [ec, m] = co_await it.next(std::chrono::milliseconds::zero(), as_tuple);
        EXPECT_EQ(ec, client::errc::connection_closed);
        EXPECT_EQ(conn.close_reason().reply_code, 320);
        EXPECT_FALSE(m.has_value());
        CO_ASSERT_TRUE(seen.has_value());
        EXPECT_EQ(seen->reply_code, 320);
        EXPECT_THAT(seen->reply_text, HasSubstr("bye"));
        EXPECT_FALSE(ch.is_open());
    });
}

TEST_F(client_test, blocked_and_unblocked_are_reported)
{
    if (!broker()) GTEST_SKIP() << "blocks through the embedded broker";
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        std::vector<std::pair<bool, std::string>> seen;
        conn.on_blocked([&](bool blocked, const std::string& reason) { seen.emplace_back(blocked, reason); });
        broker()->set_blocked(true, "low on disk");
        // A round trip on a channel: the notification was sent before the reply.
        auto ch = co_await conn.channel();
        broker()->set_blocked(false);
        co_await ch.declare_queue(queue_name());
        CO_ASSERT_EQ(seen.size(), 2u);
        EXPECT_EQ(seen[0], std::make_pair(true, std::string("low on disk")));
        EXPECT_FALSE(seen[1].first);
        co_await conn.close();
    });
}

TEST_F(client_test, a_publisher_is_not_read_from_while_blocked)
{
    if (!broker()) GTEST_SKIP() << "blocks through the embedded broker";
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        client::channel_options confirming;
        confirming.publisher_confirms = true;
        auto ch = co_await conn.channel(confirming);
        const auto q = queue_name();
        co_await ch.declare_queue(q);
        broker()->set_blocked(true, "low on memory");
        // RabbitMQ takes the publish that meets the block, then reads no more.
        co_await ch.basic_publish("", q, client::message("taken"));
        bool second_confirmed = false;
        ch.basic_publish("", q, client::message("held"), false, [&](std::error_code ec) { second_confirmed = !ec; });
        // A round trip on another connection: the broker serves it, not the held one.
        auto other = co_await connect();
        auto other_ch = co_await other.channel();
        co_await other_ch.declare_queue(q);
        EXPECT_EQ(broker()->queue(q)->ready, 1u);
        EXPECT_FALSE(second_confirmed);

        broker()->set_blocked(false);
        co_await ch.basic_publish("", q, client::message("after"));
        EXPECT_TRUE(second_confirmed);
        EXPECT_EQ(broker()->queue(q)->ready, 3u);
        co_await other.close();
        co_await conn.close();
    });
}

TEST_F(client_test, future_and_callback_tokens_work_too)
{
    std::thread runner;
    auto work = asio::make_work_guard(io());
    runner = std::thread([&] { io().run(); });
    auto conn = client::connect(io().get_executor(), url(), asio::use_future).get();
    auto ch = asio::post(io(), asio::use_future([&] { return 0; }));
    ch.get();
    std::promise<std::string> name;
    asio::post(io(), [&] {
        conn.channel({}, [&](std::error_code ec, client::channel c) {
            ASSERT_FALSE(ec);
            client::queue_options exclusive;
            exclusive.exclusive = true;
            c.declare_queue("", exclusive, [&name](std::error_code ec2, client::queue q) {
                name.set_value(ec2 ? std::string("error: ") + ec2.message() : q.name());
            });
        });
    });
    auto future = name.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_THAT(future.get(), ::testing::StartsWith("amq.gen-"));
    asio::post(io(), [&] { conn.close([](std::error_code) {}); });
    work.reset();
    runner.join();
}

}  // namespace
}  // namespace amqp::test
