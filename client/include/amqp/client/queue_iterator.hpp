#pragma once

#include <amqp/client/detail/initiate.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/options.hpp>
#include <amqp/client/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace amqp::client {

class channel;

namespace detail {
class iterator_state;
}

// The deliveries of one consumer, taken one at a time; the first next() starts the
// consumer (basic.consume). next() completes with the
// next message; with std::nullopt once the iterator was closed; with
// errc::consumer_cancelled when the broker cancelled the consumer; with the
// channel's error when it closed; with errc::timeout when a timeout was given and
// nothing came. Messages buffered but not taken when it closes are rejected with
// requeue (the broker keeps them).
class queue_iterator {
public:
    queue_iterator() = default;
    queue_iterator(const channel& ch, std::string queue, consume_options options);

    // Empty until the consumer started.
    const std::string& consumer_tag() const;

    // Completion: void(std::error_code, std::optional<incoming_message>).
    template <class Token = use_awaitable_t>
    auto next(std::chrono::milliseconds timeout = std::chrono::milliseconds::zero(), Token&& token = {})
    {
        return detail::initiate<std::optional<incoming_message>>(
            std::forward<Token>(token), get_executor(),
            [self = state_, timeout](detail::completion<std::optional<incoming_message>> done) mutable {
                start_next(self, timeout, std::move(done));
            });
    }

    // Cancels the consumer. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto close(Token&& token = {})
    {
        return detail::initiate<>(
            std::forward<Token>(token), get_executor(),
            [self = state_](detail::completion<> done) mutable { start_close(self, std::move(done)); });
    }

    asio::any_io_executor get_executor() const;

private:
    static void start_next(const std::shared_ptr<detail::iterator_state>& state, std::chrono::milliseconds timeout,
                           detail::completion<std::optional<incoming_message>> done);
    static void start_close(const std::shared_ptr<detail::iterator_state>& state, detail::completion<> done);

    std::shared_ptr<detail::iterator_state> state_;
};

}  // namespace amqp::client
