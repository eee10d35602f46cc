#pragma once

#include <amqp/client/channel.hpp>
#include <amqp/client/queue_iterator.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace amqp::client {

// A queue on a channel (aio-pika's Queue).
class queue {
public:
    queue() = default;
    queue(client::channel ch, std::string name, std::uint32_t message_count = 0, std::uint32_t consumer_count = 0)
        : channel_(std::move(ch)),
          name_(std::move(name)),
          message_count_(message_count),
          consumer_count_(consumer_count)
    {}

    // For a server-named queue, the name the broker chose.
    const std::string& name() const noexcept { return name_; }
    // What queue.declare-ok reported.
    std::uint32_t declared_message_count() const noexcept { return message_count_; }
    std::uint32_t declared_consumer_count() const noexcept { return consumer_count_; }
    const client::channel& channel() const noexcept { return channel_; }

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto bind(std::string exchange, std::string routing_key = {}, field_table arguments = {}, Token&& token = {})
    {
        auto ch = channel_;
        // An empty routing key binds with the queue name, as aio-pika does.
        if (routing_key.empty()) routing_key = name_;
        return ch.queue_bind(name_, std::move(exchange), std::move(routing_key), std::move(arguments),
                             std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto unbind(std::string exchange, std::string routing_key = {}, field_table arguments = {}, Token&& token = {})
    {
        auto ch = channel_;
        if (routing_key.empty()) routing_key = name_;
        return ch.queue_unbind(name_, std::move(exchange), std::move(routing_key), std::move(arguments),
                               std::forward<Token>(token));
    }

    // Completion: void(std::error_code, std::string consumer_tag).
    template <class Token = use_awaitable_t>
    auto consume(std::function<void(incoming_message)> on_message, consume_options options = {}, Token&& token = {})
    {
        auto ch = channel_;
        return ch.basic_consume(name_, std::move(on_message), std::move(options), std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto cancel(std::string consumer_tag, Token&& token = {})
    {
        auto ch = channel_;
        return ch.basic_cancel(std::move(consumer_tag), std::forward<Token>(token));
    }

    // Completion: void(std::error_code, std::optional<incoming_message>).
    template <class Token = use_awaitable_t>
    auto get(bool no_ack = false, Token&& token = {})
    {
        auto ch = channel_;
        return ch.basic_get(name_, no_ack, std::forward<Token>(token));
    }

    // Completion: void(std::error_code, std::uint32_t purged).
    template <class Token = use_awaitable_t>
    auto purge(Token&& token = {})
    {
        auto ch = channel_;
        return ch.queue_purge(name_, std::forward<Token>(token));
    }

    // queue.delete (`delete` is a C++ keyword). Completion: void(std::error_code, std::uint32_t).
    template <class Token = use_awaitable_t>
    auto remove(bool if_unused = false, bool if_empty = false, Token&& token = {})
    {
        auto ch = channel_;
        return ch.queue_delete(name_, if_unused, if_empty, std::forward<Token>(token));
    }

    // Consumes into an iterator (aio-pika's `async with queue.iterator()`); the
    // consumer starts with the first next():
    //   auto it = q.iterator();
    //   while (auto m = co_await it.next()) { ...; m->ack(); }
    queue_iterator iterator(consume_options options = {}) const
    {
        return queue_iterator(channel_, name_, std::move(options));
    }

private:
    client::channel channel_;
    std::string name_;
    std::uint32_t message_count_ = 0;
    std::uint32_t consumer_count_ = 0;
};

}  // namespace amqp::client
