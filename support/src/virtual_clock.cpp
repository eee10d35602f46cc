#include <amqp/runtime/virtual_clock.hpp>

#include <asio/error.hpp>
#include <asio/post.hpp>

#include <vector>

namespace amqp::runtime {

class virtual_clock::virtual_timer final : public timer {
public:
    virtual_timer(virtual_clock& clock, asio::any_io_executor executor) : clock_(&clock), executor_(std::move(executor))
    {
        clock_->timers_.insert(this);
    }
    ~virtual_timer() override
    {
        cancel();
        if (clock_) clock_->timers_.erase(this);
    }

    void wait_until(time_point deadline, handler done) override
    {
        cancel();
        if (!clock_) {
            // The clock is gone: nothing will ever fire.
            complete(std::move(done), asio::error::operation_aborted);
            return;
        }
        done_ = std::move(done);
        key_ = clock_->schedule(deadline, this);
    }

    void cancel() override
    {
        if (!done_) return;
        if (clock_) clock_->unschedule(key_);
        complete(std::exchange(done_, {}), asio::error::operation_aborted);
    }

    // Called by the clock, which has already forgotten this wait.
    void fire() { complete(std::exchange(done_, {}), {}); }
    void detach() noexcept { clock_ = nullptr; }

private:
    void complete(handler done, std::error_code ec)
    {
        asio::post(executor_, [done = std::move(done), ec]() mutable { done(ec); });
    }

    virtual_clock* clock_;
    asio::any_io_executor executor_;
    handler done_;
    key key_{};
};

virtual_clock::virtual_clock(time_point start, std::chrono::system_clock::time_point wall_start)
    : now_(start), start_(start), wall_start_(wall_start)
{}

virtual_clock::~virtual_clock()
{
    // Timers may outlive the clock; they then never fire.
    for (virtual_timer* t : timers_) t->detach();
}

std::unique_ptr<timer> virtual_clock::make_timer(const asio::any_io_executor& executor)
{
    return std::make_unique<virtual_timer>(*this, executor);
}

virtual_clock::key virtual_clock::schedule(time_point deadline, virtual_timer* t)
{
    const key k{deadline, sequence_++};
    waiting_.emplace(k, t);
    return k;
}

std::optional<time_point> virtual_clock::next_deadline() const
{
    if (waiting_.empty()) return std::nullopt;
    return waiting_.begin()->first.first;
}

void virtual_clock::advance_to(time_point t)
{
    if (t > now_) now_ = t;
    std::vector<virtual_timer*> due;
    while (!waiting_.empty() && waiting_.begin()->first.first <= now_) {
        due.push_back(waiting_.begin()->second);
        waiting_.erase(waiting_.begin());
    }
    for (virtual_timer* timer : due) timer->fire();
}

}  // namespace amqp::runtime
