#pragma once

#include "amqp_driver.hpp"

#include <amqp/fakebroker/management_routes.hpp>
#include <amqp/fakebroker/testing/broker_test.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace amqp::fakebroker::test {

// A fresh broker per test case and its management routes, called directly (no HTTP).
// The routes claim the HTTP API is at 127.0.0.1:http_port.
class management : public testing::broker_test {
protected:
    static constexpr std::uint16_t http_port = 15672;

    void SetUp() override;

    // One request as the HTTP server would hand it over: `path` is the decoded
    // segments after "/api", the user is guest.
    management_reply call(std::string method, std::vector<std::string> path, std::string body = "",
                          std::string reason = "") const;
    management_reply get(std::vector<std::string> path) const { return call("GET", std::move(path)); }

    // A client logged in as guest, its connection named `name`, channel 1 open.
    amqp::test::amqp_driver connect(const std::string& name, const std::string& vhost = "/");

    // Declares `queue` on the client's channel 1, publishes `ready + unacked` messages
    // ("m0", "m1", ...) to it and, when `unacked` is not 0, consumes them with that
    // prefetch and manual acks until that many are delivered and held. Returns once
    // the broker shows the counts. `vhost` is the one the client opened.
    void hold_messages(amqp::test::amqp_driver& client, const std::string& queue, std::size_t ready,
                       std::size_t unacked, const std::string& vhost = "/");

private:
    std::optional<management_routes> routes_;
};

// The same with a second vhost, "staging", which guest may open too.
class management_two_vhosts : public management {
protected:
    broker_options options() const override;
};

// Sends a message on channel 1 without waiting; see broker().wait_for_depth.
void publish(amqp::test::amqp_driver& client, const std::string& exchange, const std::string& routing_key,
             const std::string& body, const protocol::basic_properties& properties = {});

// The one element of a JSON array whose `key` is `value`; a test failure (and null)
// when there is not exactly one.
nlohmann::json find_one(const nlohmann::json& list, const std::string& key, const nlohmann::json& value);

// Polls `condition` until it holds or `timeout` passes; false on timeout.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace amqp::fakebroker::test
