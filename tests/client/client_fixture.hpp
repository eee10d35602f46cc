#pragma once

#include "co_assert.hpp"

#include <amqp/client.hpp>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {
class broker;
}

namespace amqp::test {

// co_await op(..., as_tuple) gives (error_code, result...) instead of throwing.
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// The client's end-to-end tests: each test gets a URL (AMQP_URL when set, a real
// RabbitMQ; otherwise a fresh embedded broker on its own thread) and an io_context
// for the client, and runs its body as a coroutine for a bounded time.
class client_test : public ::testing::Test {
protected:
    client_test();
    ~client_test() override;

    const std::string& url() const noexcept { return url_; }
    bool external_broker() const noexcept { return external_; }
    // The embedded broker, or nullptr against AMQP_URL.
    fakebroker::broker* broker() const noexcept { return broker_.get(); }
    asio::io_context& io() noexcept { return io_; }

    // Runs `body` on io() until it finishes (failing the test after `timeout`);
    // rethrows what it threw.
    void run(std::function<asio::awaitable<void>()> body, std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // A connection to url() (or to url() with the query `extra` appended).
    asio::awaitable<client::connection> connect();

    // "<test>.<what>.<random>": queues and exchanges on a shared broker must not
    // collide between tests or runs. Queues named here are deleted after the test.
    std::string queue_name(std::string_view what = "q");
    std::string exchange_name(std::string_view what = "x");
    // The same URL with another user, password or vhost.
    std::string url_with(std::string_view user, std::string_view password, std::string_view vhost) const;

private:
    void delete_entities();

    asio::io_context io_;
    std::unique_ptr<fakebroker::broker> broker_;
    std::string url_;
    bool external_ = false;
    std::string suffix_;
    std::vector<std::string> queues_;
    std::vector<std::string> exchanges_;
};

}  // namespace amqp::test
