#pragma once

#include <amqp/client/channel.hpp>
#include <amqp/client/connection_options.hpp>
#include <amqp/client/detail/initiate.hpp>
#include <amqp/client/environment.hpp>
#include <amqp/client/error.hpp>
#include <amqp/client/options.hpp>
#include <amqp/client/use_awaitable.hpp>

#include <asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace amqp::client {

namespace detail {
class connection_state;
}

// What connection.tune settled on.
struct connection_tuning {
    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;  // seconds; 0: no heartbeats
};

// An open AMQP connection (aio-pika's Connection). Move-only: destroying the last
// handle drops the socket without the close handshake, so close() it when done.
// Use it from the thread running its executor.
class connection {
public:
    connection() = default;
    ~connection();
    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Connects to the first endpoint that accepts, in order, for
    // options.connection_attempts rounds. Completion: void(std::error_code, connection).
    // Errors: errc::authentication_refused, errc::vhost_refused (with the broker's
    // text), errc::connection_timeout, errc::handshake_failed, or the socket's error.
    // Over TCP (TLS for amqps) on the steady clock; see the overload with an environment.
    template <class Token = use_awaitable_t>
    requires(!std::is_same_v<std::decay_t<Token>, client::environment>) static auto connect(
        asio::any_io_executor executor, connection_options options, Token&& token = {})
    {
        return connect(std::move(executor), std::move(options), client::environment{}, std::forward<Token>(token));
    }

    // The same over the environment's transport and clock (environment.hpp): what a
    // simulation uses. The connection, and everything made from it, keeps the environment.
    template <class Token = use_awaitable_t>
    static auto connect(asio::any_io_executor executor, connection_options options, client::environment env,
                        Token&& token = {})
    {
        auto ex = executor;
        return detail::initiate<connection>(std::forward<Token>(token), ex,
                                            [executor = std::move(executor), options = std::move(options),
                                             env = std::move(env)](detail::completion<connection> done) mutable {
                                                start_connect(std::move(executor), std::move(options), std::move(env),
                                                              std::move(done));
                                            });
    }

    // The same from an AMQP URL (see parse_url); a bad URL fails with
    // errc::invalid_argument and the parser's message as close_info text.
    template <class Token = use_awaitable_t>
    requires(!std::is_same_v<std::decay_t<Token>, client::environment>) static auto connect(
        asio::any_io_executor executor, std::string_view url, Token&& token = {})
    {
        return connect(std::move(executor), url, client::environment{}, std::forward<Token>(token));
    }

    template <class Token = use_awaitable_t>
    static auto connect(asio::any_io_executor executor, std::string_view url, client::environment env,
                        Token&& token = {})
    {
        auto ex = executor;
        return detail::initiate<connection>(std::forward<Token>(token), ex,
                                            [executor = std::move(executor), url = std::string(url),
                                             env = std::move(env)](detail::completion<connection> done) mutable {
                                                start_connect_url(std::move(executor), url, std::move(env),
                                                                  std::move(done));
                                            });
    }

    // Opens a channel. Completion: void(std::error_code, channel).
    template <class Token = use_awaitable_t>
    auto channel(channel_options options = {}, Token&& token = {})
    {
        return detail::initiate<client::channel>(
            std::forward<Token>(token), get_executor(),
            [self = state_, options](detail::completion<client::channel> done) mutable {
                start_channel(self, options, std::move(done));
            });
    }

    // connection.close with 200 and waits for close-ok. Completion: void(std::error_code).
    // Every channel fails its pending operations with errc::connection_closed.
    template <class Token = use_awaitable_t>
    auto close(Token&& token = {})
    {
        return detail::initiate<>(
            std::forward<Token>(token), get_executor(),
            [self = state_](detail::completion<> done) mutable { start_close(self, std::move(done)); });
    }

    bool is_open() const noexcept;
    asio::any_io_executor get_executor() const;
    const connection_options& options() const;
    // The transport opener and clock it was connected with (to reconnect the same way).
    const client::environment& environment() const;
    connection_tuning tuning() const;
    // connection.start's server_properties (product, version, capabilities, ...).
    const field_table& server_properties() const;
    // Why the connection closed (the broker's connection.close, or what we saw).
    const close_info& close_reason() const;

    // Called once when the connection closes, for whatever reason.
    void on_close(std::function<void(const close_info&)> handler);
    // connection.blocked (true, with the broker's reason) and connection.unblocked (false).
    void on_blocked(std::function<void(bool blocked, const std::string& reason)> handler);

private:
    explicit connection(std::shared_ptr<detail::connection_state> state);

    static void start_connect(asio::any_io_executor executor, connection_options options, client::environment env,
                              detail::completion<connection> done);
    static void start_connect_url(asio::any_io_executor executor, const std::string& url, client::environment env,
                                  detail::completion<connection> done);
    static void start_channel(const std::shared_ptr<detail::connection_state>& state, channel_options options,
                              detail::completion<client::channel> done);
    static void start_close(const std::shared_ptr<detail::connection_state>& state, detail::completion<> done);

    std::shared_ptr<detail::connection_state> state_;
};

// connect(executor, url or options[, environment]): shorthand for connection::connect.
template <class Token = use_awaitable_t>
requires(!std::is_same_v<std::decay_t<Token>, environment>) auto connect(asio::any_io_executor executor,
                                                                         std::string_view url, Token&& token = {})
{
    return connection::connect(std::move(executor), url, std::forward<Token>(token));
}

template <class Token = use_awaitable_t>
auto connect(asio::any_io_executor executor, std::string_view url, environment env, Token&& token = {})
{
    return connection::connect(std::move(executor), url, std::move(env), std::forward<Token>(token));
}

template <class Token = use_awaitable_t>
auto connect(asio::any_io_executor executor, connection_options options, environment env, Token&& token = {})
{
    return connection::connect(std::move(executor), std::move(options), std::move(env), std::forward<Token>(token));
}

}  // namespace amqp::client
