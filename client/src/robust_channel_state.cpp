#include "robust_state.hpp"

#include <amqp/runtime/clock.hpp>

#include <asio/post.hpp>

namespace amqp::client::detail {

robust_channel_state::robust_channel_state(std::weak_ptr<robust_connection_state> owner, asio::any_io_executor executor,
                                           channel_options options)
    : owner_(std::move(owner)), executor_(std::move(executor)), options_(options)
{}

void robust_channel_state::when_ready(ready_handler op)
{
    // The underlying channel may be closing under us (its close handlers not yet run):
    // wait for whatever comes next, reopened or closed for good.
    if (status_ == status::ready && !current_.is_open()) status_ = status::recovering;
    if (status_ == status::ready) {
        op(failure{}, &current_);
        return;
    }
    if (status_ == status::closed) {
        op(failure{errc::channel_closed, nullptr, nullptr}, nullptr);
        return;
    }
    auto owner = owner_.lock();
    if (!owner || owner->is_closed()) {
        op(failure{errc::connection_closed, nullptr, nullptr}, nullptr);
        return;
    }
    const auto& recovery = owner->recovery();
    if (recovery.while_disconnected == while_disconnected::fail) {
        op(failure{errc::connection_closed,
                   std::make_shared<const close_info>(close_info{0, "the connection is recovering"}), nullptr},
           nullptr);
        return;
    }
    waiting_.add(std::move(op), owner->clock(), executor_, recovery.operation_timeout);
}

void robust_channel_state::attach(client::channel underlying, std::uint64_t incarnation, std::uint64_t generation)
{
    current_ = std::move(underlying);
    incarnation_ = incarnation;
    generation_ = generation;
    options_.number = current_.number();
    std::weak_ptr<robust_channel_state> weak = shared_from_this();
    current_.on_close([weak, incarnation](const close_info& why) {
        if (auto self = weak.lock()) self->underlying_closed(incarnation, why);
    });
    if (!current_.is_open()) {
        // Closed before anyone listened (the open's completion was posted): its close
        // handlers have run already, so tell ourselves.
        asio::post(executor_, [weak, incarnation] {
            if (auto self = weak.lock()) self->underlying_closed(incarnation, self->underlying_close_reason());
        });
    }
    current_.on_return([weak](const returned_message& m) {
        if (auto self = weak.lock()) {
            auto handlers = self->return_handlers_;
            for (auto& h : handlers) h(m);
        }
    });
}

close_info robust_channel_state::underlying_close_reason() const
{
    return current_.state() ? current_.close_reason() : close_info{};
}

void robust_channel_state::underlying_closed(std::uint64_t incarnation, const close_info& why)
{
    if (incarnation != incarnation_ || status_ == status::closed || app_closing_)
        return;  // an earlier underlying channel, or a close we asked for
    set_recovering();
    if (auto owner = owner_.lock()) owner->channel_closed_by_broker(shared_from_this(), why);
}

void robust_channel_state::set_recovering()
{
    if (status_ == status::ready) status_ = status::recovering;
}

void robust_channel_state::set_ready()
{
    if (status_ == status::closed) return;
    status_ = status::ready;
    // In the order they were asked for; each may find the channel gone again.
    for (auto& op : waiting_.take_all()) when_ready(std::move(op));
}

void robust_channel_state::close_for_good(const close_info& why, const failure& waiting_failure)
{
    if (status_ == status::closed) return;
    status_ = status::closed;
    for (auto& op : waiting_.take_all()) op(waiting_failure, nullptr);
    return_handlers_.clear();
    auto handlers = std::exchange(close_handlers_, {});
    for (auto& h : handlers) h(why);
}

void robust_channel_state::add_close_handler(std::function<void(const close_info&)> handler)
{
    close_handlers_.push_back(std::move(handler));
}

void robust_channel_state::add_return_handler(std::function<void(const returned_message&)> handler)
{
    return_handlers_.push_back(std::move(handler));
}

}  // namespace amqp::client::detail
