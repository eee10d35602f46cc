#include <amqp/runtime/clock.hpp>

#include <asio/steady_timer.hpp>

namespace amqp::runtime {

namespace {

class steady_timer final : public timer {
public:
    explicit steady_timer(const asio::any_io_executor& executor) : timer_(executor) {}

    void wait_until(time_point deadline, handler done) override
    {
        timer_.expires_at(deadline);
        timer_.async_wait(std::move(done));
    }
    void cancel() override { timer_.cancel(); }

private:
    asio::steady_timer timer_;
};

class steady_clock final : public clock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
    std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
    std::unique_ptr<timer> make_timer(const asio::any_io_executor& executor) override
    {
        return std::make_unique<steady_timer>(executor);
    }
};

}  // namespace

clock& system_clock()
{
    static steady_clock instance;
    return instance;
}

}  // namespace amqp::runtime
