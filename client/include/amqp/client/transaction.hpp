#pragma once

#include <amqp/client/channel.hpp>

#include <utility>

namespace amqp::client {

// aio-pika's `async with channel.transaction()`: channel::transaction() runs tx.select
// and hands this out; commit() or rollback() ends it. Destroyed while neither ran (an
// exception left the scope), it rolls back: the tx.rollback is sent without waiting,
// since a destructor cannot await. The channel stays transactional afterwards, as
// AMQP has it: the next publishes belong to the next transaction.
class transaction {
public:
    transaction() = default;
    explicit transaction(client::channel ch) : channel_(std::move(ch)), active_(true) {}
    ~transaction();
    transaction(transaction&& other) noexcept
        : channel_(std::move(other.channel_)), active_(std::exchange(other.active_, false))
    {}
    transaction& operator=(transaction&& other) noexcept;
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    bool active() const noexcept { return active_; }

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto commit(Token&& token = {})
    {
        active_ = false;
        return channel_.tx_commit(std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto rollback(Token&& token = {})
    {
        active_ = false;
        return channel_.tx_rollback(std::forward<Token>(token));
    }

private:
    client::channel channel_;
    bool active_ = false;
};

}  // namespace amqp::client
