// The recovery tests' fixture, run in a harness::world of each mode, and what they record of a connection.
#pragma once

#include "co_assert.hpp"

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/world.hpp>

#include <asio/awaitable.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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

// Records what a robust connection reported, in order.
struct event_log {
    std::vector<std::string> events;

    void watch(client::robust_connection& c)
    {
        c.on_connection_lost(
            [this](const client::close_info& why) { events.push_back("lost " + std::to_string(why.reply_code)); });
        c.on_channel_restored([this](std::uint16_t n) { events.push_back("channel " + std::to_string(n)); });
        c.on_reconnected([this] { events.push_back("reconnected"); });
        c.on_recovery_failed([this](const client::recovery_failure& f) {
            events.push_back("failed " + f.what + ": " + std::to_string(f.info.reply_code));
        });
        c.on_consumer_cancelled(
            [this](const std::string&, const std::string& queue) { events.push_back("cancelled on " + queue); });
    }
    std::size_t count(const std::string& event) const
    {
        return static_cast<std::size_t>(std::count(events.begin(), events.end(), event));
    }
    std::size_t count_prefix(const std::string& prefix) const
    {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }));
    }
};

inline std::vector<std::string> bodies(const std::vector<client::incoming_message>& messages)
{
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.body);
    return out;
}

}  // namespace amqp::test
