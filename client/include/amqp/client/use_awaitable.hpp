#pragma once

#include <amqp/client/detail/completion.hpp>

#include <asio/async_result.hpp>
#include <asio/use_awaitable.hpp>

#include <exception>
#include <system_error>
#include <utility>

namespace amqp::client {

// The default completion token: `co_await ch.declare_queue("hello")`. It is asio's
// use_awaitable, except that failures throw the library's typed exceptions
// (channel_closed_error with the broker's reply code and text, delivery_error with the
// returned message, ...) instead of a bare std::system_error.
struct use_awaitable_t {
    constexpr use_awaitable_t() = default;
};
inline constexpr use_awaitable_t use_awaitable;

}  // namespace amqp::client

template <class... Ts>
struct asio::async_result<amqp::client::use_awaitable_t, void(std::error_code, Ts...)> {
    template <class Initiation, class... Args>
    static auto initiate(Initiation&& initiation, amqp::client::use_awaitable_t, Args&&... args)
    {
        return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, Ts...)>(
            [initiation = std::forward<Initiation>(initiation)](auto handler, auto&&... forwarded) mutable {
                using handler_type = decltype(handler);
                std::move(initiation)(amqp::client::detail::throwing_handler<handler_type>{std::move(handler)},
                                      std::forward<decltype(forwarded)>(forwarded)...);
            },
            asio::use_awaitable, std::forward<Args>(args)...);
    }
};
