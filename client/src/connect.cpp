#include "connect.hpp"

#include "tcp_transport.hpp"
#include "tls_transport.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

namespace amqp::client::detail {
namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

using attempt_result = std::pair<failure, std::shared_ptr<connection_state>>;

failure failed(std::error_code ec, std::string text)
{
    return failure{ec, std::make_shared<const close_info>(close_info{0, std::move(text)}), nullptr};
}

bool is_final(const failure& f)
{
    return f.ec == errc::authentication_refused || f.ec == errc::vhost_refused;
}

asio::awaitable<attempt_result> attempt(asio::any_io_executor executor, const connection_options& options,
                                        const std::shared_ptr<asio::ssl::context>& tls, const endpoint& where)
{
    const std::string address = where.host + ":" + std::to_string(where.port);
    bool timed_out = false;
    asio::steady_timer deadline(executor);
    deadline.expires_after(options.connection_timeout);

    asio::ip::tcp::resolver resolver(executor);
    asio::ip::tcp::socket socket(executor);
    std::shared_ptr<connection_state> state;
    tls_transport* tls_stream = nullptr;
    deadline.async_wait([&](std::error_code ec) {
        if (ec)
            return;
        timed_out = true;
        resolver.cancel();
        std::error_code ignored;
        socket.close(ignored);
        if (tls_stream && !state)
            tls_stream->close();
        if (state)
            state->abort(failed(errc::connection_timeout, "no AMQP handshake with " + address + " within " +
                                                              std::to_string(options.connection_timeout.count()) +
                                                              " ms"));
    });

    auto [resolve_error, results] =
        co_await resolver.async_resolve(where.host, std::to_string(where.port), as_tuple_awaitable);
    if (resolve_error) {
        deadline.cancel();
        co_return attempt_result{failed(timed_out ? std::error_code(errc::connection_timeout) : resolve_error,
                                        "cannot resolve '" + where.host + "': " + resolve_error.message()),
                                 nullptr};
    }
    auto [connect_error, connected] = co_await asio::async_connect(socket, results, as_tuple_awaitable);
    (void)connected;
    if (connect_error) {
        deadline.cancel();
        co_return attempt_result{failed(timed_out ? std::error_code(errc::connection_timeout) : connect_error,
                                        "cannot connect to " + address + ": " +
                                            (timed_out ? std::string("timed out") : connect_error.message())),
                                 nullptr};
    }

    std::unique_ptr<transport> stream;
    if (tls) {
        auto secured = std::make_unique<tls_transport>(std::move(socket), tls);
        tls_stream = secured.get();
        auto [tls_error, ignored] = co_await asio::async_initiate<decltype(as_tuple_awaitable),
                                                                  void(std::error_code, std::size_t)>(
            [&](auto handler) { secured->async_handshake(where.host, options.tls_settings.verify, std::move(handler)); },
            as_tuple_awaitable);
        (void)ignored;
        if (tls_error) {
            deadline.cancel();
            co_return attempt_result{failed(timed_out ? std::error_code(errc::connection_timeout) : tls_error,
                                            "TLS handshake with " + address + " failed: " + tls_error.message()),
                                     nullptr};
        }
        stream = std::move(secured);
    } else {
        stream = std::make_unique<tcp_transport>(std::move(socket));
    }

    state = std::make_shared<connection_state>(executor, options);
    auto [handshake] = co_await asio::async_initiate<decltype(as_tuple_awaitable), void(failure)>(
        [&](auto handler) {
            state->start(std::move(stream),
                         [handler = std::move(handler), executor](const failure& f) mutable {
                             // Resume the coroutine outside the connection's read handler.
                             asio::post(executor, [handler = std::move(handler), f]() mutable { std::move(handler)(f); });
                         });
        },
        as_tuple_awaitable);
    deadline.cancel();
    if (handshake)
        co_return attempt_result{handshake, nullptr};
    co_return attempt_result{failure{}, state};
}

asio::awaitable<attempt_result> connect_all(asio::any_io_executor executor, connection_options options)
{
    std::shared_ptr<asio::ssl::context> tls;
    if (options.tls) {
        std::string error;
        tls = make_tls_context(options.tls_settings, error);
        if (!tls)
            co_return attempt_result{failed(errc::invalid_argument, error), nullptr};
    }
    failure last = failed(errc::invalid_argument, "no endpoint to connect to");
    const unsigned rounds = std::max(1u, options.connection_attempts);
    for (unsigned round = 0; round < rounds; ++round) {
        if (round > 0) {
            asio::steady_timer pause(executor, options.retry_delay);
            co_await pause.async_wait(as_tuple_awaitable);
        }
        for (const auto& where : options.endpoints) {
            auto [outcome, state] = co_await attempt(executor, options, tls, where);
            if (!outcome)
                co_return attempt_result{failure{}, state};
            last = outcome;
            if (is_final(outcome))
                co_return attempt_result{last, nullptr};
        }
    }
    co_return attempt_result{last, nullptr};
}

}  // namespace

void connect(asio::any_io_executor executor, connection_options options,
             completion<std::shared_ptr<connection_state>> done)
{
    asio::co_spawn(executor, connect_all(executor, std::move(options)),
                   [done = std::move(done)](std::exception_ptr error, attempt_result result) mutable {
                       if (error) {
                           try {
                               std::rethrow_exception(error);
                           } catch (const std::exception& e) {
                               done(failed(errc::handshake_failed, e.what()), nullptr);
                           }
                           return;
                       }
                       done(result.first, std::move(result.second));
                   });
}

}  // namespace amqp::client::detail
