#pragma once

#include <amqp/client/connection.hpp>
#include <amqp/client/environment.hpp>
#include <amqp/client/robust_channel.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace amqp::client {

namespace detail {
class robust_connection_state;
}

// What a robust channel does with an operation (a publish, a declare, ...) asked for
// while the connection is down or being recovered.
enum class while_disconnected {
    wait,  // hold it until recovery, up to recovery_options::operation_timeout (errc::timeout)
    fail,  // fail it at once with errc::connection_closed
};

// How a robust connection recovers. The first pause before reconnecting is
// connection_options::reconnect_interval; connection_options::fail_fast decides
// whether the first connection failing is an error (true) or is retried (false).
struct recovery_options {
    // Each failed attempt multiplies the pause by this (1: a fixed interval), up to max_interval.
    double backoff_multiplier = 1.0;
    std::chrono::milliseconds max_interval{60000};
    // Each pause is scaled by a factor drawn from [1 - jitter, 1 + jitter] (0: none), from
    // a generator seeded with `seed`, so that a run can be replayed.
    double jitter = 0.0;
    std::uint64_t seed = 0;

    client::while_disconnected while_disconnected = client::while_disconnected::wait;
    std::chrono::milliseconds operation_timeout{30000};
    // Publishes whose confirm was pending when the connection dropped are sent again after
    // recovery (at-least-once) instead of failing with errc::connection_closed.
    bool republish_unconfirmed = false;
    // A channel the broker closed with a soft error (404, 405, 406, ...) while the
    // connection stayed up is opened again and restored (qos, confirms, consumers);
    // otherwise it stays closed and its close handlers run.
    bool reopen_closed_channels = false;
    // 405 RESOURCE_LOCKED while redeclaring an exclusive queue (the broker has not yet
    // released the old connection's): retried this often, this far apart.
    unsigned locked_retries = 20;
    std::chrono::milliseconds locked_retry_delay{100};
};

// Something recovery could not restore; the rest was restored regardless.
struct recovery_failure {
    std::string what;  // "queue 'orders'", "binding of queue 'q' to exchange 'x'", ...
    std::error_code error;
    close_info info;  // the broker's reply code and text, when it refused
};

// A connection that reconnects by itself and restores what the application set up
// (aio-pika's connect_robust, the Java client's automatic recovery): its channels with
// their numbers, qos, confirm and tx modes; exchanges, queues, bindings and consumers,
// in dependency order. Server-named queues get new names that bindings and consumers
// follow. What the application deleted is not brought back. Move-only; use it from
// the thread running its executor.
class robust_connection {
public:
    robust_connection() = default;
    ~robust_connection();
    robust_connection(robust_connection&&) noexcept = default;
    robust_connection& operator=(robust_connection&&) noexcept;
    robust_connection(const robust_connection&) = delete;
    robust_connection& operator=(const robust_connection&) = delete;

    // Connects (see connection::connect), retrying first failures unless
    // options.fail_fast. Completion: void(std::error_code, robust_connection).
    template <class Token = use_awaitable_t>
    static auto connect(asio::any_io_executor executor, connection_options options, recovery_options recovery = {},
                        environment env = {}, Token&& token = {})
    {
        auto ex = executor;
        return detail::initiate<robust_connection>(
            std::forward<Token>(token), ex,
            [executor = std::move(executor), options = std::move(options), recovery,
             env = std::move(env)](detail::completion<robust_connection> done) mutable {
                start_connect(std::move(executor), std::move(options), recovery, std::move(env), std::move(done));
            });
    }

    // Opens a channel that is restored after each reconnect. Completion:
    // void(std::error_code, robust_channel).
    template <class Token = use_awaitable_t>
    auto channel(channel_options options = {}, Token&& token = {})
    {
        return detail::initiate<robust_channel>(std::forward<Token>(token), get_executor(),
                                                [self = state_, options](detail::completion<robust_channel> done) {
                                                    start_channel(self, options, std::move(done));
                                                });
    }

    // Stops recovering and closes the connection. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto close(Token&& token = {})
    {
        return detail::initiate<>(std::forward<Token>(token), get_executor(),
                                  [self = state_](detail::completion<> done) { start_close(self, std::move(done)); });
    }

    // Connected, and not recovering.
    bool is_connected() const noexcept;
    // Closed by close(); it never reconnects again.
    bool is_closed() const noexcept;
    // How many times it reconnected.
    std::uint64_t reconnects() const noexcept;
    asio::any_io_executor get_executor() const;
    // The connection of the moment (closed while recovering).
    const connection& current() const;

    // The connection dropped (why: the broker's close, or what was seen); recovery starts.
    void on_connection_lost(std::function<void(const close_info&)> handler);
    // Reconnected, and everything restorable was restored.
    void on_reconnected(std::function<void()> handler);
    // A channel was restored (after a reconnect, or reopened after a broker close).
    void on_channel_restored(std::function<void(std::uint16_t number)> handler);
    // One thing could not be restored (recovery goes on with the rest).
    void on_recovery_failed(std::function<void(const recovery_failure&)> handler);
    // The broker cancelled a consumer (its queue was deleted). The consumer comes back
    // when the queue does: declared again by the application, or by recovery.
    void on_consumer_cancelled(std::function<void(const std::string& tag, const std::string& queue)> handler);
    // A server-named queue was declared again under a new name.
    void on_queue_renamed(std::function<void(const std::string& old_name, const std::string& new_name)> handler);
    // connection.blocked / unblocked, from whichever connection is current.
    void on_blocked(std::function<void(bool blocked, const std::string& reason)> handler);

private:
    explicit robust_connection(std::shared_ptr<detail::robust_connection_state> state);

    static void start_connect(asio::any_io_executor executor, connection_options options, recovery_options recovery,
                              environment env, detail::completion<robust_connection> done);
    static void start_channel(const std::shared_ptr<detail::robust_connection_state>& state, channel_options options,
                              detail::completion<robust_channel> done);
    static void start_close(const std::shared_ptr<detail::robust_connection_state>& state, detail::completion<> done);

    std::shared_ptr<detail::robust_connection_state> state_;
};

// True for the errors that a retry after recovery may cure (the connection or channel
// dropped under the operation, or it timed out waiting for recovery).
bool is_retriable(std::error_code ec) noexcept;

}  // namespace amqp::client
