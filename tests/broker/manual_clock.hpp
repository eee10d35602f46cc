#pragma once

#include "model/broker_state.hpp"

#include <chrono>

namespace amqp::fakebroker::test {

// A broker whose clock only moves when the test says so.
class manual_clock {
public:
    clock::time_point now = clock::time_point{} + std::chrono::hours(1);

    void attach(broker_state& broker)
    {
        broker_ = &broker;
        broker.set_time(now);
    }
    void advance(std::chrono::milliseconds d) { set(now + d); }
    void set(clock::time_point t)
    {
        now = t;
        if (broker_) broker_->set_time(now);
    }

private:
    broker_state* broker_ = nullptr;
};

}  // namespace amqp::fakebroker::test
