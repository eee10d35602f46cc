#pragma once

#include <amqp/client/detail/completion.hpp>

#include <asio/async_result.hpp>

#include <system_error>
#include <utility>

namespace amqp::client::detail {

// The one shape of every initiating function in the library: `start` receives the
// type-erased completion and begins the work; the token decides what the caller
// gets (an awaitable, a future, a deferred operation, or a callback).
template <class... T, class Token, class Start>
auto initiate(Token&& token, const asio::any_io_executor& executor, Start&& start)
{
    return asio::async_initiate<Token, void(std::error_code, T...)>(
        [executor](auto handler, auto start) mutable {
            std::move(start)(make_completion<T...>(std::move(handler), executor));
        },
        token, std::forward<Start>(start));
}

}  // namespace amqp::client::detail
