#pragma once

#include <amqp/client/channel.hpp>
#include <amqp/client/detail/initiate.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/message.hpp>
#include <amqp/client/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>

namespace amqp::client {

namespace detail {
class rpc_state;
}

struct rpc_options {
    rpc_options() = default;
    // Replies through RabbitMQ's direct reply-to pseudo-queue (amq.rabbitmq.reply-to)
    // instead of an exclusive server-named queue.
    bool direct_reply_to = false;
    // Where requests are published; the default exchange routes by queue name.
    std::string exchange;
    // How long call() waits for its reply.
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// The tutorial 6 pattern: requests carry reply_to and a fresh correlation_id; the
// reply with that correlation_id completes the call. Calls fail with errc::timeout
// when no reply came in time, and with the channel's or connection's error when it
// closes first; replies nobody waits for (late, or unknown ids) are dropped.
class rpc_client {
public:
    rpc_client() = default;

    // Declares the reply queue (or uses direct reply-to) and starts consuming it.
    // Completion: void(std::error_code, rpc_client).
    template <class Token = use_awaitable_t>
    static auto create(const channel& ch, const rpc_options& options, Token&& token = {})
    {
        return detail::initiate<rpc_client>(
            std::forward<Token>(token), ch.get_executor(),
            [ch, options](detail::completion<rpc_client> done) { start_create(ch, options, std::move(done)); });
    }
    template <class Token = use_awaitable_t>
    requires(!std::is_same_v<std::decay_t<Token>, rpc_options>) static auto create(const channel& ch,
                                                                                   Token&& token = {})
    {
        return create(ch, rpc_options{}, std::forward<Token>(token));
    }

    // Sends `request` to `routing_key` and waits for the reply.
    // Completion: void(std::error_code, incoming_message).
    template <class Token = use_awaitable_t>
    auto call(std::string routing_key, message request, Token&& token = {})
    {
        return detail::initiate<incoming_message>(
            std::forward<Token>(token), get_executor(),
            [state = state_, routing_key = std::move(routing_key),
             request = std::move(request)](detail::completion<incoming_message> done) mutable {
                start_call(state, routing_key, std::move(request), std::move(done));
            });
    }

    // The queue replies come to (amq.rabbitmq.reply-to with direct reply-to).
    const std::string& reply_queue() const;
    // Calls waiting for their replies.
    std::size_t pending() const;
    asio::any_io_executor get_executor() const;

private:
    explicit rpc_client(std::shared_ptr<detail::rpc_state> state) : state_(std::move(state)) {}
    static void start_create(const channel& ch, const rpc_options& options, detail::completion<rpc_client> done);
    static void start_call(const std::shared_ptr<detail::rpc_state>& state, const std::string& routing_key,
                           message request, detail::completion<incoming_message> done);

    std::shared_ptr<detail::rpc_state> state_;
};

}  // namespace amqp::client
