#pragma once

#include <amqp/client/detail/unique_function.hpp>
#include <amqp/client/error.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_allocator.hpp>
#include <asio/associated_executor.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>

#include <exception>
#include <memory>
#include <system_error>
#include <tuple>
#include <utility>

namespace amqp::client::detail {

// How an operation ended: an error code, and what the broker said when it caused it.
struct failure {
    std::error_code ec;
    std::shared_ptr<const close_info> info;
    std::shared_ptr<const returned_message> returned;

    explicit operator bool() const noexcept { return static_cast<bool>(ec); }
};

// The type-erased end of an operation, called once on the connection's executor.
template <class... T>
using completion = unique_function<void(const failure&, T...)>;

// Marks a handler that wants an exception_ptr instead of an error code: the
// awaitable path of amqp::client::use_awaitable (typed exceptions with close info).
// It also completes asio's own operations (a timer's wait), so the token works for both.
template <class Handler>
struct throwing_handler {
    Handler inner;

    template <class... Values>
    void operator()(std::error_code ec, Values&&... values)
    {
        std::move(inner)(ec ? make_exception(ec, nullptr) : nullptr, std::forward<Values>(values)...);
    }
};

template <class H>
inline constexpr bool is_throwing_handler = false;
template <class H>
inline constexpr bool is_throwing_handler<throwing_handler<H>> = true;

template <class Handler>
const auto& handler_of(const Handler& h)
{
    if constexpr (is_throwing_handler<Handler>) return h.inner;
    else return h;
}

// Wraps a completion handler so that the library can complete it from its own code:
// the handler runs on its associated executor (by post, never inside the caller's
// frame), and the executor is kept busy until then.
template <class... T, class Handler>
completion<T...> make_completion(Handler handler, const asio::any_io_executor& io_executor)
{
    auto executor = asio::get_associated_executor(handler_of(handler), io_executor);
    auto work = asio::prefer(executor, asio::execution::outstanding_work.tracked);
    return [handler = std::move(handler), work = std::move(work)](const failure& f, T... values) mutable {
        asio::post(work, [handler = std::move(handler), f, ... values = std::move(values)]() mutable {
            if constexpr (is_throwing_handler<Handler>) {
                std::exception_ptr error;
                if (f.ec) error = make_exception(f.ec, f.info.get(), f.returned);
                std::move(handler.inner)(std::move(error), std::move(values)...);
            } else {
                std::move(handler)(f.ec, std::move(values)...);
            }
        });
    };
}

}  // namespace amqp::client::detail

// asio runs a handler on its associated executor: the awaiting coroutine's.
template <class Handler, class Executor>
struct asio::associated_executor<amqp::client::detail::throwing_handler<Handler>, Executor> {
    using type = asio::associated_executor_t<Handler, Executor>;
    static type get(const amqp::client::detail::throwing_handler<Handler>& h, const Executor& ex = Executor()) noexcept
    {
        return asio::get_associated_executor(h.inner, ex);
    }
};

template <class Handler, class Allocator>
struct asio::associated_allocator<amqp::client::detail::throwing_handler<Handler>, Allocator> {
    using type = asio::associated_allocator_t<Handler, Allocator>;
    static type get(const amqp::client::detail::throwing_handler<Handler>& h, const Allocator& a = Allocator()) noexcept
    {
        return asio::get_associated_allocator(h.inner, a);
    }
};
