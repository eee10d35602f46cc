#include "connect.hpp"

#include "tcp_transport.hpp"
#include "tls_transport.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <functional>

namespace amqp::client::detail {
namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

using attempt_result = std::pair<failure, std::shared_ptr<connection_state>>;
using open_result = std::pair<failure, std::unique_ptr<transport>>;

failure failed(std::error_code ec, std::string text)
{
    return failure{ec, std::make_shared<const close_info>(close_info{0, std::move(text)}), nullptr};
}

bool is_final(const failure& f) { return f.ec == errc::authentication_refused || f.ec == errc::vhost_refused; }

std::string address_of(const endpoint& where) { return where.host + ":" + std::to_string(where.port); }

// The connect timeout of one attempt. The timer's handler holds it, not references into
// the coroutine: the handler may run after the attempt ended (the deadline fell just as
// the attempt finished), and then finds nothing left to interrupt.
struct attempt_deadline {
    bool expired = false;
    // Stops what the attempt waits for now (the resolver, the socket, the opener, the
    // handshake); empty between waits.
    std::function<void()> interrupt;
};

// Empties the deadline's interrupt when the wait that set it is over, whichever way.
class interrupt_guard {
public:
    explicit interrupt_guard(attempt_deadline& deadline) : deadline_(deadline) {}
    ~interrupt_guard() { deadline_.interrupt = nullptr; }
    interrupt_guard(const interrupt_guard&) = delete;
    interrupt_guard& operator=(const interrupt_guard&) = delete;

private:
    attempt_deadline& deadline_;
};

// The default transport: TCP, then TLS for amqps. The deadline cancels the resolver,
// the connect or the TLS handshake.
asio::awaitable<open_result> open_tcp(asio::any_io_executor executor, const connection_options& options,
                                      const std::shared_ptr<asio::ssl::context>& tls, const endpoint& where,
                                      std::shared_ptr<attempt_deadline> deadline)
{
    const std::string address = address_of(where);
    asio::ip::tcp::resolver resolver(executor);
    asio::ip::tcp::socket socket(executor);
    std::unique_ptr<tls_transport> secured;
    const interrupt_guard guard(*deadline);
    deadline->interrupt = [&] {
        resolver.cancel();
        std::error_code ignored;
        socket.close(ignored);
        if (secured) secured->close();
    };

    auto [resolve_error, results] =
        co_await resolver.async_resolve(where.host, std::to_string(where.port), as_tuple_awaitable);
    if (resolve_error || deadline->expired) {
        const std::string why = resolve_error ? resolve_error.message() : std::string("timed out");
        co_return open_result{failed(deadline->expired ? std::error_code(errc::connection_timeout) : resolve_error,
                                     "cannot resolve '" + where.host + "': " + why),
                              nullptr};
    }
    auto [connect_error, connected] = co_await asio::async_connect(socket, results, as_tuple_awaitable);
    (void)connected;
    if (connect_error || deadline->expired) {
        co_return open_result{failed(deadline->expired ? std::error_code(errc::connection_timeout) : connect_error,
                                     "cannot connect to " + address + ": " +
                                         (deadline->expired ? std::string("timed out") : connect_error.message())),
                              nullptr};
    }
    if (!tls) co_return open_result{failure{}, std::make_unique<tcp_transport>(std::move(socket))};

    secured = std::make_unique<tls_transport>(std::move(socket), tls);
    auto [tls_error, ignored] =
        co_await asio::async_initiate<decltype(as_tuple_awaitable), void(std::error_code, std::size_t)>(
            [&](auto handler) {
                secured->async_handshake(where.host, options.tls_settings.verify, std::move(handler));
            },
            as_tuple_awaitable);
    (void)ignored;
    if (tls_error || deadline->expired) {
        const std::string why = tls_error ? tls_error.message() : std::string("timed out");
        co_return open_result{failed(deadline->expired ? std::error_code(errc::connection_timeout) : tls_error,
                                     "TLS handshake with " + address + " failed: " + why),
                              nullptr};
    }
    co_return open_result{failure{}, std::move(secured)};
}

// The environment's transport. The deadline ends the wait without telling the opener;
// a transport that comes after it is closed and dropped.
asio::awaitable<open_result> open_custom(asio::any_io_executor executor, const client::environment& env,
                                         const endpoint& where, std::shared_ptr<attempt_deadline> deadline)
{
    const std::string address = address_of(where);
    // Whichever comes first, the opener or the deadline, resumes the attempt.
    struct waiter {
        client::environment::transport_handler resume;
    };
    auto w = std::make_shared<waiter>();
    const interrupt_guard guard(*deadline);
    auto [ec, stream] =
        co_await asio::async_initiate<decltype(as_tuple_awaitable), void(std::error_code, std::unique_ptr<transport>)>(
            [&](auto handler) {
                // Resumed by post: never inside the opener's or the timer's frame.
                w->resume = [executor, handler = std::move(handler)](std::error_code ec,
                                                                     std::unique_ptr<transport> t) mutable {
                    asio::post(executor, [handler = std::move(handler), ec, t = std::move(t)]() mutable {
                        std::move(handler)(ec, std::move(t));
                    });
                };
                deadline->interrupt = [w] {
                    if (w->resume) std::exchange(w->resume, {})(errc::connection_timeout, nullptr);
                };
                env.open_transport(where, executor, [w](std::error_code ec, std::unique_ptr<transport> t) {
                    if (!w->resume) {
                        if (t) t->close();
                        return;
                    }
                    std::exchange(w->resume, {})(ec, std::move(t));
                });
            },
            as_tuple_awaitable);
    if (deadline->expired) {
        if (stream) stream->close();
        co_return open_result{failed(errc::connection_timeout, "cannot connect to " + address + ": timed out"),
                              nullptr};
    }
    if (ec || !stream) {
        const std::error_code why = ec ? ec : std::make_error_code(std::errc::not_connected);
        co_return open_result{failed(why, "cannot connect to " + address + ": " + why.message()), nullptr};
    }
    co_return open_result{failure{}, std::move(stream)};
}

asio::awaitable<attempt_result> attempt(asio::any_io_executor executor, const connection_options& options,
                                        const client::environment& env, const std::shared_ptr<asio::ssl::context>& tls,
                                        const endpoint& where)
{
    const std::string address = address_of(where);
    auto deadline = std::make_shared<attempt_deadline>();
    const auto timer = env.clock->make_timer(executor);
    timer->wait_until(env.clock->now() + options.connection_timeout, [deadline](std::error_code ec) {
        if (ec || deadline->expired) return;
        deadline->expired = true;
        if (deadline->interrupt) deadline->interrupt();
    });

    open_result opened;
    if (env.open_transport) opened = co_await open_custom(executor, env, where, deadline);
    else opened = co_await open_tcp(executor, options, tls, where, deadline);
    if (opened.first) {
        timer->cancel();
        co_return attempt_result{opened.first, nullptr};
    }

    auto state = std::make_shared<connection_state>(executor, options, env);
    const interrupt_guard guard(*deadline);
    deadline->interrupt = [&] {
        state->abort(failed(errc::connection_timeout, "no AMQP handshake with " + address + " within " +
                                                          std::to_string(options.connection_timeout.count()) + " ms"));
    };
    auto [handshake] = co_await asio::async_initiate<decltype(as_tuple_awaitable), void(failure)>(
        [&](auto handler) {
            state->start(std::move(opened.second), [handler = std::move(handler), executor](const failure& f) mutable {
                // Resume the coroutine outside the connection's read handler.
                asio::post(executor, [handler = std::move(handler), f]() mutable { std::move(handler)(f); });
            });
        },
        as_tuple_awaitable);
    timer->cancel();
    // The deadline may have fallen after open-ok, before this coroutine resumed.
    if (!handshake && !state->is_open()) handshake = state->closed_failure();
    if (handshake) co_return attempt_result{handshake, nullptr};
    co_return attempt_result{failure{}, state};
}

asio::awaitable<attempt_result> connect_all(asio::any_io_executor executor, connection_options options,
                                            client::environment env)
{
    std::shared_ptr<asio::ssl::context> tls;
    if (options.tls && !env.open_transport) {
        std::string error;
        tls = make_tls_context(options.tls_settings, error);
        if (!tls) co_return attempt_result{failed(errc::invalid_argument, error), nullptr};
    }
    failure last = failed(errc::invalid_argument, "no endpoint to connect to");
    const unsigned rounds = std::max(1u, options.connection_attempts);
    for (unsigned round = 0; round < rounds; ++round) {
        if (round > 0) {
            const auto pause = env.clock->make_timer(executor);
            const runtime::time_point until = env.clock->now() + options.retry_delay;
            co_await runtime::async_wait_until(*pause, until, as_tuple_awaitable);
        }
        for (const auto& where : options.endpoints) {
            auto [outcome, state] = co_await attempt(executor, options, env, tls, where);
            if (!outcome) co_return attempt_result{failure{}, state};
            last = outcome;
            if (is_final(outcome)) co_return attempt_result{last, nullptr};
        }
    }
    co_return attempt_result{last, nullptr};
}

}  // namespace

void connect(asio::any_io_executor executor, connection_options options, client::environment env,
             completion<std::shared_ptr<connection_state>> done)
{
    asio::co_spawn(executor, connect_all(executor, std::move(options), std::move(env)),
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
