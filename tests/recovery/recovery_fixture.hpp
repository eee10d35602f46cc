#pragma once

#include "co_assert.hpp"

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/world.hpp>

#include <asio/awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

namespace amqp::test {

// Every recovery test runs twice, in a harness::world of each mode: over TCP against a
// broker on its own thread, in real time; and in a simulation, the broker and the
// client on one thread, joined by memory pipes, on a virtual clock (no sockets, and
// reconnect pauses pass instantly).
using harness::world_mode;

class recovery_test : public ::testing::TestWithParam<world_mode> {
protected:
    recovery_test();

    bool simulated() const noexcept { return GetParam() == world_mode::simulation; }
    fakebroker::broker& broker() noexcept { return world_.broker(); }
    runtime::clock& clock() noexcept { return world_.clock(); }
    const client::environment& environment() const noexcept { return world_.environment(); }
    client::connection_options options() const { return world_.options("app"); }
    asio::awaitable<client::robust_connection> connect_robust(client::recovery_options recovery = {})
    {
        return world_.connect_robust(recovery);
    }
    asio::awaitable<client::connection> connect_plain() { return world_.connect_plain("helper"); }

    // Runs `body` until it finishes; fails the test, with what the world logged, when it
    // threw or ran past `limit` of the mode's time.
    void run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit = std::chrono::seconds(20));

    // Waits in the body until `condition` holds, looking every millisecond of the
    // mode's time; false after `timeout`.
    asio::awaitable<bool> until(std::function<bool()> condition,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        return world_.until(std::move(condition), timeout);
    }

private:
    harness::world world_;
};

}  // namespace amqp::test
