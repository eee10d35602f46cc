#pragma once

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/virtual_clock.hpp>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

// ASSERT_* cannot return from a coroutine: these end the test body with co_return.
#define CO_ASSERT_TRUE(condition)                                                                 \
    do {                                                                                          \
        const bool amqp_test_holds = static_cast<bool>(condition);                                \
        EXPECT_TRUE(amqp_test_holds) << #condition;                                               \
        if (!amqp_test_holds)                                                                     \
            co_return;                                                                            \
    } while (false)

namespace amqp::test {

// Every recovery test runs twice: over TCP against a broker on its own thread, in real
// time; and in a simulation, the broker and the client on one thread, joined by memory
// pipes, on a virtual clock (no sockets, and reconnect pauses pass instantly).
enum class transport_mode { tcp, simulation };

std::ostream& operator<<(std::ostream& os, transport_mode mode);

class recovery_test : public ::testing::TestWithParam<transport_mode> {
protected:
    recovery_test();
    ~recovery_test() override;

    bool simulated() const noexcept { return GetParam() == transport_mode::simulation; }
    fakebroker::broker& broker() noexcept { return *broker_; }
    asio::io_context& io() noexcept { return io_; }
    runtime::clock& clock() noexcept { return *environment_.clock; }
    const client::environment& environment() const noexcept { return environment_; }

    // Options to reach the broker, with a short reconnect interval; `name` is the
    // connection_name that broker-side rules and close_connection() match.
    client::connection_options options(const std::string& name = "app") const;
    asio::awaitable<client::robust_connection> connect_robust(client::recovery_options recovery = {},
                                                              const std::string& name = "app");
    // A plain connection (another application, or a test's helper).
    asio::awaitable<client::connection> connect_plain(const std::string& name = "helper");

    // Runs `body` until it finishes; fails the test after `limit` of the mode's time.
    void run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit = std::chrono::seconds(20));

    // Waits in the body until `condition` holds, looking every millisecond of the
    // mode's time; false after `timeout`.
    asio::awaitable<bool> until(std::function<bool()> condition,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    asio::io_context io_;
    std::unique_ptr<runtime::virtual_clock> virtual_clock_;
    std::unique_ptr<fakebroker::broker> broker_;
    client::environment environment_;
    int pipes_ = 0;
};

}  // namespace amqp::test
