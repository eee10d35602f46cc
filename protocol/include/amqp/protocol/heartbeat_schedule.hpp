#pragma once

#include <chrono>
#include <cstdint>

namespace amqp::protocol {

// When a peer gives up on a silent other side. The two rules in use differ, and both
// sides of this project keep theirs exactly:
//  - more_than_three_intervals: the broker's, after RabbitMQ's receiver, which gives
//    up after two silent checks made once per interval (between two and three
//    intervals of silence); looking every half interval, the broker takes the upper
//    bound: dead when silent for more than three intervals.
//  - two_intervals: the client libraries' rule (pika, our client): dead once silent
//    for two whole intervals.
enum class heartbeat_timeout { more_than_three_intervals, two_intervals };

// The heartbeat timetable for a negotiated interval, in milliseconds so that half of
// a one-second interval is 500 ms and not zero. A peer sends a heartbeat when it has
// sent nothing for half an interval, and should look that often (tick()). An
// interval of zero turns heartbeats off: nothing is ever due and no peer is dead.
class heartbeat_schedule {
public:
    constexpr heartbeat_schedule() noexcept = default;
    constexpr heartbeat_schedule(std::chrono::milliseconds interval, heartbeat_timeout timeout) noexcept
        : interval_(interval), timeout_(timeout)
    {}
    // From connection.tune's heartbeat, which is in seconds.
    static constexpr heartbeat_schedule from_seconds(std::uint16_t heartbeat, heartbeat_timeout timeout) noexcept
    {
        return {std::chrono::seconds(heartbeat), timeout};
    }

    constexpr bool enabled() const noexcept { return interval_.count() > 0; }
    constexpr std::chrono::milliseconds interval() const noexcept { return interval_; }
    constexpr heartbeat_timeout timeout() const noexcept { return timeout_; }

    // How long we may stay quiet before a heartbeat is due, and so how often to look.
    constexpr std::chrono::milliseconds send_after() const noexcept { return interval_ / 2; }
    constexpr std::chrono::milliseconds tick() const noexcept { return interval_ / 2; }

    // The silence the timeout rule is measured against: the peer is dead after more
    // than this (more_than_three_intervals) or after this much (two_intervals).
    constexpr std::chrono::milliseconds peer_silence_limit() const noexcept
    {
        return timeout_ == heartbeat_timeout::more_than_three_intervals ? 3 * interval_ : 2 * interval_;
    }

    // Whether to send a heartbeat now, having last sent anything at last_sent.
    template <class Clock, class Duration>
    constexpr bool send_due(std::chrono::time_point<Clock, Duration> last_sent,
                            std::chrono::time_point<Clock, Duration> now) const noexcept
    {
        return enabled() && now - last_sent >= send_after();
    }

    // Whether the peer, last heard from at last_received, is to be taken for dead.
    template <class Clock, class Duration>
    constexpr bool peer_dead(std::chrono::time_point<Clock, Duration> last_received,
                             std::chrono::time_point<Clock, Duration> now) const noexcept
    {
        if (!enabled()) return false;
        const auto silent = now - last_received;
        return timeout_ == heartbeat_timeout::more_than_three_intervals ? silent > peer_silence_limit()
                                                                        : silent >= peer_silence_limit();
    }

    constexpr bool operator==(const heartbeat_schedule&) const noexcept = default;

private:
    std::chrono::milliseconds interval_{0};
    heartbeat_timeout timeout_ = heartbeat_timeout::two_intervals;
};

}  // namespace amqp::protocol
