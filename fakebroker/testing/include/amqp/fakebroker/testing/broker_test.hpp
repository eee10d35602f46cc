#pragma once

#include <amqp/fakebroker/broker.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace amqp::fakebroker::testing {

// A GoogleTest fixture that gives every test case a fresh broker on an ephemeral
// loopback port:
//
//   class orders : public amqp::fakebroker::testing::broker_test {};
//   TEST_F(orders, are_queued) {
//       my_service service(url());
//       service.place_order("book");
//       EXPECT_THAT(broker().queue("orders"), Optional(has_ready(1)));
//   }
//
// Override options() to change users, vhosts or tuning.
class broker_test : public ::testing::Test {
protected:
    virtual broker_options options() const { return {}; }

    void SetUp() override
    {
        broker_.emplace(options());
        broker_->start();
    }
    void TearDown() override { broker_.reset(); }

    fakebroker::broker& broker() { return *broker_; }
    // amqp://guest:guest@127.0.0.1:PORT/
    std::string url() const { return broker_->url(); }

private:
    std::optional<fakebroker::broker> broker_;
};

}  // namespace amqp::fakebroker::testing
