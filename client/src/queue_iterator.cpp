#include <amqp/client/channel.hpp>
#include <amqp/client/queue_iterator.hpp>

#include "channel_state.hpp"
#include "connection_state.hpp"

#include <amqp/runtime/clock.hpp>

#include <cstdint>
#include <deque>

namespace amqp::client {
namespace detail {

// The consumer behind a queue_iterator: deliveries wait in a buffer (bounded by the
// channel's prefetch) until next() takes them.
class iterator_state : public std::enable_shared_from_this<iterator_state> {
public:
    iterator_state(std::shared_ptr<channel_state> channel, std::string queue, consume_options options)
        : channel_(std::move(channel)),
          queue_(std::move(queue)),
          options_(std::move(options)),
          timer_(channel_->connection().clock().make_timer(channel_->executor()))
    {}

    void on_message(incoming_message m)
    {
        if (waiter_) {
            timer_->cancel();
            std::exchange(waiter_, {})(failure{}, std::move(m));
            return;
        }
        buffered_.push_back(std::move(m));
    }

    void on_cancel(const failure& why)
    {
        if (ended_) return;
        ended_ = true;
        end_reason_ = why;
        if (waiter_) {
            timer_->cancel();
            std::exchange(waiter_, {})(why, std::nullopt);
        }
    }

    void next(std::chrono::milliseconds timeout, completion<std::optional<incoming_message>> done)
    {
        if (!started_) {
            start(timeout, std::move(done));
            return;
        }
        if (!buffered_.empty()) {
            auto m = std::move(buffered_.front());
            buffered_.pop_front();
            done(failure{}, std::move(m));
            return;
        }
        if (ended_) {
            done(closed_by_us_ ? failure{} : end_reason_, std::nullopt);
            return;
        }
        if (waiter_) {
            done(failure{errc::invalid_argument,
                         std::make_shared<const close_info>(close_info{0, "next() is already waiting"}), nullptr},
                 std::nullopt);
            return;
        }
        waiter_ = std::move(done);
        ++wait_;
        if (timeout > std::chrono::milliseconds::zero()) {
            // A deadline that fell just as a message completed this wait must not end the next one.
            const auto deadline = channel_->connection().clock().now() + timeout;
            timer_->wait_until(deadline, [weak = weak_from_this(), wait = wait_](std::error_code ec) {
                auto self = weak.lock();
                if (ec || !self || !self->waiter_ || self->wait_ != wait) return;
                std::exchange(self->waiter_, {})(failure{errc::timeout, nullptr, nullptr}, std::nullopt);
            });
        }
    }

    void close(completion<> done)
    {
        if (!started_ || ended_) {
            ended_ = true;
            closed_by_us_ = true;
            done(failure{});
            return;
        }
        closed_by_us_ = true;
        channel_->cancel(tag, [self = shared_from_this(), done = std::move(done)](const failure& f) mutable {
            self->ended_ = true;
            // What the application never took goes back to the queue.
            for (auto& m : self->buffered_) (void)m.reject(true);
            self->buffered_.clear();
            if (self->waiter_) {
                self->timer_->cancel();
                std::exchange(self->waiter_, {})(failure{}, std::nullopt);
            }
            done(f);
        });
    }

    std::shared_ptr<channel_state> channel_;
    std::string tag;

private:
    // basic.consume, then the wait for the first message.
    void start(std::chrono::milliseconds timeout, completion<std::optional<incoming_message>> done)
    {
        started_ = true;
        std::weak_ptr<iterator_state> weak = weak_from_this();
        consumer_callbacks callbacks{[weak](incoming_message m) {
                                         if (auto self = weak.lock()) self->on_message(std::move(m));
                                         else (void)m.reject(true);
                                     },
                                     [weak](const failure& why) {
                                         if (auto self = weak.lock()) self->on_cancel(why);
                                     }};
        channel_->consume(
            queue_, options_, std::move(callbacks),
            [self = shared_from_this(), timeout, done = std::move(done)](const failure& f, std::string tag) mutable {
                if (f) {
                    self->ended_ = true;
                    self->end_reason_ = f;
                    done(f, std::nullopt);
                    return;
                }
                self->tag = std::move(tag);
                self->next(timeout, std::move(done));
            });
    }

    std::string queue_;
    consume_options options_;
    bool started_ = false;
    std::unique_ptr<runtime::timer> timer_;
    std::uint64_t wait_ = 0;  // which next() the timer is for
    std::deque<incoming_message> buffered_;
    completion<std::optional<incoming_message>> waiter_;
    bool ended_ = false;
    bool closed_by_us_ = false;
    failure end_reason_;
};

}  // namespace detail

const std::string& queue_iterator::consumer_tag() const { return state_->tag; }

asio::any_io_executor queue_iterator::get_executor() const { return state_->channel_->executor(); }

queue_iterator::queue_iterator(const channel& ch, std::string queue, consume_options options)
    : state_(std::make_shared<detail::iterator_state>(ch.state(), std::move(queue), std::move(options)))
{}

void queue_iterator::start_next(const std::shared_ptr<detail::iterator_state>& state, std::chrono::milliseconds timeout,
                                detail::completion<std::optional<incoming_message>> done)
{
    state->next(timeout, std::move(done));
}

void queue_iterator::start_close(const std::shared_ptr<detail::iterator_state>& state, detail::completion<> done)
{
    state->close(std::move(done));
}

}  // namespace amqp::client
