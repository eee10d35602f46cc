#pragma once

#include <amqp/runtime/unique_function.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>

#include <chrono>
#include <memory>
#include <system_error>

namespace amqp::runtime {

using time_point = std::chrono::steady_clock::time_point;
using duration = std::chrono::steady_clock::duration;

// A one-shot timer. wait_until() calls the handler once, on the timer's executor: with
// no error at the deadline, or with asio::error::operation_aborted when the wait is
// cancelled, replaced by another wait, or the timer is destroyed first.
class timer {
public:
    using handler = unique_function<void(std::error_code)>;

    virtual ~timer() = default;
    virtual void wait_until(time_point deadline, handler done) = 0;
    virtual void cancel() = 0;
};

// Where time comes from: the steady clock with asio's timers, or a virtual clock that a
// simulation moves forward. Code that tells time or waits takes a clock and never asks
// std::chrono directly, so the same code runs on real and on virtual time.
class clock {
public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
    // The calendar time matching now(), for timestamps a peer sees (x-death's "time").
    virtual std::chrono::system_clock::time_point wall_now() const = 0;
    virtual std::unique_ptr<timer> make_timer(const asio::any_io_executor& executor) = 0;
};

// The real clock: std::chrono::steady_clock and asio::steady_timer. Stateless, shared.
clock& system_clock();

// timer::wait_until as an asio initiating function (co_await, callbacks, futures).
template <class Token>
auto async_wait_until(timer& t, time_point deadline, Token&& token)
{
    return asio::async_initiate<Token, void(std::error_code)>(
        [&t, deadline](auto handler) { t.wait_until(deadline, std::move(handler)); }, token);
}

}  // namespace amqp::runtime
