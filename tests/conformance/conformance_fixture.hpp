#pragma once

#include "amqp_driver.hpp"
#include "permission_rows.hpp"
#include "requests.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::test {

// Gives each test an AMQP URL: AMQP_URL from the environment when set (a real
// RabbitMQ), otherwise a fresh embedded broker started for the test. Without either
// the test is skipped.
//
// A real broker's state is shared between tests and between runs, so names come
// from queue_name()/exchange_name() (test name plus a random suffix) and, on a
// broker named by AMQP_URL, whatever they name is deleted after the test, whether
// it passed or not. (An embedded broker is thrown away whole.)
class conformance : public ::testing::Test {
protected:
    conformance();
    ~conformance() override;

    void SetUp() override;
    void TearDown() override;

    const std::string& url() const noexcept { return url_; }
    // True when the tests run against a broker named by AMQP_URL.
    bool external_broker() const noexcept { return external_; }

    // A driver connected with the options (handshake done, no channel open).
    amqp_driver connect(const connect_options& options = {}) const;
    // A driver connected with channel 1 open: what most tests start from.
    amqp_driver connect_channel(const connect_options& options = {}) const;
    // The same, as a permission user (limited_user, unprivileged_user): the URL with
    // its name and password. The embedded broker has them; scripts/rabbitmq.sh gives
    // them to RabbitMQ.
    amqp_driver connect_channel_as(const permission_user& user) const;

    // Unique names, "<suite>.<test>.<what>.<random>". Queues and exchanges named by
    // the first two are deleted after the test; unique_name() is for names that need
    // no cleanup (exclusive queues, vhosts that do not exist).
    std::string queue_name(std::string_view what = "q");
    std::string exchange_name(std::string_view what = "x");
    std::string unique_name(std::string_view what) const;
    // Deletes a queue or exchange named otherwise after the test, as the two above.
    std::string delete_queue_after_test(std::string name);
    std::string delete_exchange_after_test(std::string name);
    // "<what>.<random>", for tests that need a whole reply text to fit in 255 bytes.
    std::string short_unique_name(std::string_view what) const { return std::string(what) + "." + suffix_; }
    // The random part of the names above, one per test.
    const std::string& unique_suffix() const noexcept { return suffix_; }
    // Polls `condition` until it holds or the timeout passes, pausing briefly
    // between checks; false on timeout. For what no protocol reply signals (a TTL
    // expiring, an exclusive queue going with its connection).
    static bool eventually(const std::function<bool()>& condition,
                           std::chrono::milliseconds timeout = amqp_driver::default_timeout);

private:
    struct embedded;

    void delete_entities();

    std::string url_;
    bool external_ = false;
    std::unique_ptr<embedded> embedded_;
    std::string suffix_;
    std::vector<std::string> queues_;
    std::vector<std::string> exchanges_;
};

// Exchanges many tests have.
//   queue_state: passive queue.declare, for the ready message and consumer counts.
//   queue_exists: the same, but a 404 (which closes the channel) gives false and the
//                 channel is opened again.
//   get:          basic.get; nullopt for get-empty.
protocol::queue_declare_ok queue_state(amqp_driver& d, std::uint16_t channel, const std::string& queue);
bool queue_exists(amqp_driver& d, std::uint16_t channel, const std::string& queue);
std::optional<message<protocol::basic_get_ok>> get(amqp_driver& d, std::uint16_t channel, const std::string& queue,
                                                   bool no_ack = false);

// Publishes `count` messages with the bodies "<body>0", "<body>1", ... on a channel
// that is already in confirm mode and whose last confirmed tag was `first_tag - 1`,
// and waits for the broker to confirm them all: the way to know they are in their
// queues. (RabbitMQ answers a queue.declare's counts ahead of publishes it has not
// processed yet, so a publish followed by a declare is no such signal.)
void publish_confirmed(amqp_driver& d, std::uint16_t channel, const protocol::basic_publish& publish,
                       std::string_view body, int count = 1, std::uint64_t first_tag = 1);
// Reads basic.ack from a channel in confirm mode until `tag` is confirmed (one by
// one or with multiple set); a basic.nack fails.
void wait_for_confirms(amqp_driver& d, std::uint16_t channel, std::uint64_t tag);

// RabbitMQ cuts a reply text longer than a short string can carry to its first
// 252 bytes and "...".
std::string rabbit_truncated(std::string text);

}  // namespace amqp::test
