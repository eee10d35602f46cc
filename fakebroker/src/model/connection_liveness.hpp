#pragma once

#include "message.hpp"

#include <amqp/protocol/heartbeat_schedule.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace amqp::fakebroker {

// A channel's oldest delivery still waiting for its ack, and when it went out.
struct unacked_since {
    std::uint16_t channel;
    clock::time_point since;
};

// The broker's watch on one connection's peer: when it was last heard from and last
// written to, and what that means at a given time (a heartbeat is due, the peer is
// taken for dead, a closing connection has waited long enough for close-ok, a delivery
// has waited too long for its ack). It holds times only: the connection says what
// happened, asks at each tick what is due, and carries the answer out itself.
class connection_liveness {
public:
    // Heard from and written to at `now`, the connection's start; no heartbeats yet.
    explicit connection_liveness(clock::time_point now) noexcept : last_received_(now), last_sent_(now) {}

    // The interval connection.tune-ok settled, in seconds; 0 turns heartbeats off.
    void set_heartbeat(std::uint16_t seconds) noexcept;
    bool heartbeats() const noexcept { return schedule_.enabled(); }

    // Bytes arrived. Also said of a publisher whose input the broker holds back:
    // its silence is the broker's doing, not a sign of death.
    void heard(clock::time_point now) noexcept { last_received_ = now; }
    void wrote(clock::time_point now) noexcept { last_sent_ = now; }

    struct heartbeat_step {
        // Nothing written for half an interval: a heartbeat frame is due (the
        // connection sends it only when no other output waits to go).
        bool send_heartbeat = false;
        // Silent for more than three intervals (RabbitMQ's receiver gives up after
        // two silent checks, one per interval): close the socket without a word.
        bool peer_dead = false;
        // When to look again; nothing when heartbeats are off or the peer is dead.
        std::optional<clock::time_point> next;
    };
    heartbeat_step heartbeat_tick(clock::time_point now) const noexcept;

    // The connection sent or answered connection.close at `now`. As RabbitMQ's, it then
    // waits for the client's close-ok or the end of the stream for one heartbeat
    // interval, and never longer than ?CLOSING_TIMEOUT (30 s; also without heartbeats).
    void start_closing(clock::time_point now) noexcept;
    // While closing: the deadline, or nothing once it has come (give up on the peer).
    std::optional<clock::time_point> closing_tick(clock::time_point now) const noexcept;

    struct consumer_timeout_step {
        // The channels to close with 406, in the order given.
        std::vector<std::uint16_t> expired;
        // When to look again.
        clock::time_point next;
    };
    // RabbitMQ's consumer_timeout over the oldest unacknowledged delivery of each
    // channel, given the heartbeat tick's next look (if heartbeats are on). Ticks come
    // at least once a second, and always within one timeout, so that a delivery made
    // after this tick is seen before it is due and the tick after lands on its deadline.
    static consumer_timeout_step consumer_timeout_tick(clock::time_point now, std::chrono::milliseconds timeout,
                                                       std::optional<clock::time_point> heartbeat_due,
                                                       std::span<const unacked_since> oldest);

private:
    // RabbitMQ's ?CLOSING_TIMEOUT.
    static constexpr std::chrono::seconds closing_timeout{30};

    protocol::heartbeat_schedule schedule_;
    clock::time_point last_received_;
    clock::time_point last_sent_;
    clock::time_point closing_deadline_{};
};

}  // namespace amqp::fakebroker
