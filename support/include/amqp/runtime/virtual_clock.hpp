#pragma once

#include <amqp/runtime/clock.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace amqp::runtime {

// Simulated time: it stands still until advanced, and then fires the timers that fell
// due, in deadline order (ties in the order they were armed), by posting their handlers.
// A simulation runs hours of heartbeats, TTLs and reconnect pauses in microseconds, and
// in the same order every time. Single-threaded, like the io_context it serves.
class virtual_clock final : public clock {
public:
    // Starts far from the steady clock's epoch, so that "now minus an interval" is valid.
    // Its calendar time starts at `wall_start` and moves with it, so that a seeded run
    // stamps the same times.
    explicit virtual_clock(time_point start = time_point{} + std::chrono::hours(24 * 365),
                           std::chrono::system_clock::time_point wall_start = default_wall_start());
    ~virtual_clock() override;
    virtual_clock(const virtual_clock&) = delete;
    virtual_clock& operator=(const virtual_clock&) = delete;

    time_point now() const override { return now_; }
    std::chrono::system_clock::time_point wall_now() const override { return wall_start_ + (now_ - start_); }
    std::unique_ptr<timer> make_timer(const asio::any_io_executor& executor) override;

    // The earliest deadline of a waiting timer; nullopt when none waits.
    std::optional<time_point> next_deadline() const;
    // Moves time forward to `t` (never back) and fires every timer due by then.
    void advance_to(time_point t);
    void advance(duration d) { advance_to(now_ + d); }
    // How many timers are waiting.
    std::size_t waiting() const noexcept { return waiting_.size(); }

    // 2024-01-01 00:00:00 UTC.
    static constexpr std::chrono::system_clock::time_point default_wall_start()
    {
        return std::chrono::system_clock::time_point{std::chrono::seconds(1704067200)};
    }

private:
    class virtual_timer;
    using key = std::pair<time_point, std::uint64_t>;

    key schedule(time_point deadline, virtual_timer* t);
    void unschedule(const key& k) { waiting_.erase(k); }

    time_point now_;
    time_point start_;
    std::chrono::system_clock::time_point wall_start_;
    std::uint64_t sequence_ = 0;
    std::map<key, virtual_timer*> waiting_;
    std::set<virtual_timer*> timers_;
};

}  // namespace amqp::runtime
