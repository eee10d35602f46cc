#pragma once

#include "faults/fault_engine.hpp"
#include "message.hpp"
#include "permissions.hpp"
#include "vhost.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace amqp::fakebroker {

class server_channel;
class server_connection;

// A line for broker_options' trace or fault_log, kept until the host hands it over.
struct log_line {
    enum class sink { trace, fault_log };
    sink to;
    std::string text;
};

// Direct reply-to: the pseudo-queue clients consume for RPC replies.
inline constexpr std::string_view reply_to_queue = "amq.rabbitmq.reply-to";

// Everything the broker knows, without sockets: users, vhosts, connections. The
// asio server feeds it; tests can drive it directly.
class broker_state {
public:
    // Throws std::invalid_argument when a user's permission is not a regular expression.
    explicit broker_state(broker_options options);

    const broker_options& options() const noexcept { return options_; }

    // The broker's time, as its host last set it: every entry into the model (input, a
    // tick, an inspection call) passes the time in, so the model reads no clock itself.
    clock::time_point now() const noexcept { return now_; }
    void set_time(clock::time_point now) noexcept { now_ = now; }
    // The calendar time matching now(), for x-death timestamps.
    std::chrono::system_clock::time_point wall_clock() const noexcept { return wall_origin_ + (now_ - steady_origin_); }
    // Which calendar time the steady time `steady` is, as the host's clock tells.
    void set_wall_clock(std::chrono::system_clock::time_point wall, clock::time_point steady) noexcept
    {
        wall_origin_ = wall;
        steady_origin_ = steady;
    }

    vhost* find_vhost(std::string_view name);
    const std::map<std::string, std::unique_ptr<vhost>, std::less<>>& vhosts() const noexcept { return vhosts_; }
    const user* find_user(std::string_view name) const;
    // What each user may do in each vhost, compiled once.
    const permission_table& permissions() const noexcept { return permissions_; }

    std::uint64_t register_connection(server_connection* c);
    void unregister_connection(std::uint64_t id);
    const std::map<std::uint64_t, server_connection*>& connections() const noexcept { return connections_; }

    // "amq.gen-..." and "amq.ctag-..." names: a prefix and 22 URL-safe base64 characters.
    std::string generate_name(std::string_view prefix);

    // Direct reply-to consumers by the token in "amq.rabbitmq.reply-to.<token>".
    void register_reply_consumer(const std::string& token, server_channel* channel)
    {
        reply_consumers_[token] = channel;
    }
    void unregister_reply_consumer(const std::string& token) { reply_consumers_.erase(token); }
    server_channel* find_reply_consumer(std::string_view token) const
    {
        auto it = reply_consumers_.find(token);
        return it == reply_consumers_.end() ? nullptr : it->second;
    }

    // After every connection was dropped: keep durable exchanges, queues, bindings
    // and persistent messages in durable queues; forget the rest.
    void restart();

    // Runs the timers of every vhost; the next time something is due.
    std::optional<clock::time_point> on_timer();

    // Fault injection: the rules, and the one flag every hook checks first.
    fault_engine& faults() noexcept { return faults_; }
    bool faults_active() const noexcept { return faults_.active(); }
    // Connections whose output or actions appeared since the host last asked: a delivery
    // or a fault may give another connection something to do. The host takes the list
    // after each entry into the model and serves each connection in it.
    void mark_ready(std::uint64_t connection) { ready_.push_back(connection); }
    std::vector<std::uint64_t> take_ready() { return std::exchange(ready_, {}); }
    // The resource alarm in effect (its reason), if any: connections opened meanwhile
    // are blocked from the start, as RabbitMQ blocks them.
    const std::optional<std::string>& alarm() const noexcept { return alarm_; }
    void set_alarm(std::optional<std::string> reason) { alarm_ = std::move(reason); }
    // Seen by each connection at its next tick.
    void set_consumer_timeout(std::optional<std::chrono::milliseconds> timeout) { options_.consumer_timeout = timeout; }
    // Reseeds server-generated names, so that a seeded run repeats name for name.
    void seed_names(std::uint64_t seed) { names_.seed(seed); }

    // The trace (a frame sent or received) and the fault log (a fault fired; to the
    // trace when there is no fault log), in the order they happened. The model calls
    // neither function: the host takes the lines after each entry and hands them over.
    bool tracing() const noexcept { return static_cast<bool>(options_.trace); }
    void trace(std::string line) { lines_.push_back({log_line::sink::trace, std::move(line)}); }
    std::vector<log_line> take_lines() { return std::exchange(lines_, {}); }

private:
    broker_options options_;
    permission_table permissions_;
    clock::time_point now_ = clock::time_point{} + std::chrono::hours(24);
    std::chrono::system_clock::time_point wall_origin_{std::chrono::seconds(1704067200)};  // 2024-01-01
    clock::time_point steady_origin_ = now_;
    std::map<std::string, std::unique_ptr<vhost>, std::less<>> vhosts_;
    std::map<std::uint64_t, server_connection*> connections_;
    std::map<std::string, server_channel*, std::less<>> reply_consumers_;
    std::uint64_t next_connection_id_ = 1;
    std::mt19937_64 names_;
    fault_engine faults_;
    std::vector<std::uint64_t> ready_;
    std::vector<log_line> lines_;
    std::optional<std::string> alarm_;
};

}  // namespace amqp::fakebroker
