#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace amqp::runtime {

// A move-only std::function (std::move_only_function is C++23): completion handlers
// such as asio's awaitable handlers cannot be copied.
template <class Signature>
class unique_function;

template <class R, class... Args>
class unique_function<R(Args...)> {
public:
    unique_function() = default;
    template <class F>
    requires(!std::is_same_v<std::decay_t<F>, unique_function> && std::is_invocable_r_v<R, F&, Args...>)
        unique_function(F&& f)
        : callable_(std::make_unique<holder<std::decay_t<F>>>(std::forward<F>(f)))
    {}

    explicit operator bool() const noexcept { return callable_ != nullptr; }
    R operator()(Args... args) { return callable_->call(std::forward<Args>(args)...); }

private:
    struct callable {
        virtual ~callable() = default;
        virtual R call(Args... args) = 0;
    };
    template <class F>
    struct holder final : callable {
        explicit holder(F&& f) : f(std::move(f)) {}
        explicit holder(const F& f) : f(f) {}
        R call(Args... args) override { return f(std::forward<Args>(args)...); }
        F f;
    };

    std::unique_ptr<callable> callable_;
};

}  // namespace amqp::runtime
