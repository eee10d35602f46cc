#pragma once

#include <amqp/client/channel.hpp>

#include <string>

namespace amqp::client {

// An exchange on a channel (aio-pika's Exchange).
class exchange {
public:
    exchange() = default;
    exchange(client::channel ch, std::string name) : channel_(std::move(ch)), name_(std::move(name)) {}

    const std::string& name() const noexcept { return name_; }
    const client::channel& channel() const noexcept { return channel_; }

    // See channel::basic_publish. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto publish(message m, std::string routing_key, bool mandatory = false, Token&& token = {})
    {
        auto ch = channel_;
        return ch.basic_publish(name_, std::move(routing_key), std::move(m), mandatory, std::forward<Token>(token));
    }

    // Binds this exchange to `source`: messages routed by source with a matching key
    // flow here. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto bind(std::string source, std::string routing_key = {}, field_table arguments = {}, Token&& token = {})
    {
        auto ch = channel_;
        return ch.exchange_bind(name_, std::move(source), std::move(routing_key), std::move(arguments),
                                std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto unbind(std::string source, std::string routing_key = {}, field_table arguments = {}, Token&& token = {})
    {
        auto ch = channel_;
        return ch.exchange_unbind(name_, std::move(source), std::move(routing_key), std::move(arguments),
                                  std::forward<Token>(token));
    }

    // exchange.delete (`delete` is a C++ keyword). Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto remove(bool if_unused = false, Token&& token = {})
    {
        auto ch = channel_;
        return ch.exchange_delete(name_, if_unused, std::forward<Token>(token));
    }

private:
    client::channel channel_;
    std::string name_;
};

}  // namespace amqp::client
