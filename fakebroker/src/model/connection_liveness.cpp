#include "connection_liveness.hpp"

#include <algorithm>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;

void connection_liveness::set_heartbeat(std::uint16_t seconds) noexcept
{
    schedule_ = proto::heartbeat_schedule::from_seconds(seconds, proto::heartbeat_timeout::more_than_three_intervals);
}

connection_liveness::heartbeat_step connection_liveness::heartbeat_tick(clock::time_point now) const noexcept
{
    heartbeat_step step;
    if (!heartbeats()) return step;
    step.send_heartbeat = schedule_.send_due(last_sent_, now);
    step.peer_dead = schedule_.peer_dead(last_received_, now);
    if (!step.peer_dead) step.next = now + schedule_.tick();
    return step;
}

void connection_liveness::start_closing(clock::time_point now) noexcept
{
    const std::chrono::milliseconds interval = schedule_.interval();
    closing_deadline_ =
        now + (heartbeats() && interval < closing_timeout ? interval : std::chrono::milliseconds(closing_timeout));
}

std::optional<clock::time_point> connection_liveness::closing_tick(clock::time_point now) const noexcept
{
    if (now >= closing_deadline_) return std::nullopt;
    return closing_deadline_;
}

connection_liveness::consumer_timeout_step connection_liveness::consumer_timeout_tick(
    clock::time_point now, std::chrono::milliseconds timeout, std::optional<clock::time_point> heartbeat_due,
    std::span<const unacked_since> oldest)
{
    consumer_timeout_step step;
    step.next = std::min(heartbeat_due.value_or(now + std::chrono::seconds(1)), now + timeout);
    for (const unacked_since& delivery : oldest) {
        if (now - delivery.since >= timeout) step.expired.push_back(delivery.channel);
        else step.next = std::min(step.next, delivery.since + timeout);
    }
    return step;
}

}  // namespace amqp::fakebroker
