#pragma once

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/event_log.hpp>
#include <amqp/runtime/clock.hpp>
#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>
#include <amqp/runtime/virtual_clock.hpp>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::harness {

// Where a world runs: over TCP against a broker on its own thread, in real time; or in
// a simulation, broker and client on one thread joined by memory pipes, on a virtual
// clock, so that every run is the same run.
enum class world_mode { tcp, simulation };

std::string_view to_string(world_mode mode) noexcept;
std::ostream& operator<<(std::ostream& os, world_mode mode);

class world;

struct world_options {
    world_mode mode = world_mode::simulation;
    // The fake broker's options. The world sets its clock and listen = false in a
    // simulation, its fault_log (fired faults go to the log, and to the fault_log given
    // here, if any) and its trace (see trace).
    // nullopt: no fake broker; connections reach only what pipes() serves, in a
    // simulation.
    std::optional<fakebroker::broker_options> broker = fakebroker::broker_options{};
    // When set, gets every frame the fake broker sends or receives, one line each, on
    // the world's thread.
    std::function<void(world&, std::string_view line)> trace;
    // Splits the reads on the pipes to the fake broker (a simulation only).
    runtime::read_limit read_limit;
    // Whether the log records; when false, say() and log().note() cost nothing.
    bool log = true;
    // Gets each stamped line of the log as it is said.
    std::function<void(std::string_view)> on_line;
};

// One io_context, the time it runs on, the fake broker (or a server of the caller's on
// memory pipes), a client environment that reaches it, and a log of what happened
// stamped with the world's time. Single-threaded: use it from the thread that runs it
// (run(), run_until()); over TCP the broker has its own thread, and what it logs is
// posted to the world's.
class world {
public:
    // Throws std::invalid_argument for a world over TCP without the fake broker.
    explicit world(world_options options = {});
    ~world();
    world(const world&) = delete;
    world& operator=(const world&) = delete;

    world_mode mode() const noexcept { return mode_; }
    asio::io_context& io() noexcept { return io_; }
    runtime::clock& clock() noexcept { return *clock_; }
    // How much of the world's time passed since it began.
    runtime::duration elapsed() const { return clock_->now() - start_; }

    // The fake broker; only for a world that has one.
    fakebroker::broker& broker() noexcept { return *broker_; }
    // Reaches the fake broker: a fresh memory pipe attached to it per connection
    // attempt ("pipe:N") in a simulation, TCP otherwise. Without a fake broker, pipes
    // nobody serves.
    const client::environment& environment() const noexcept { return environment_; }
    // An environment whose every connection attempt opens a fresh memory pipe, reads
    // on it split by `limit`: the client gets one end, `serve` the other. With `serve`
    // empty the world keeps that end open, unserved.
    client::environment pipes(std::function<void(std::shared_ptr<runtime::pipe_end>)> serve,
                              runtime::read_limit limit = {});

    // Options for a connection named `name` (what fault rules match) to the fake
    // broker, with a short reconnect interval.
    client::connection_options options(const std::string& name = "app") const;
    // A robust connection named "app"; `heartbeat` overrides the broker's proposal.
    asio::awaitable<client::robust_connection> connect_robust(client::recovery_options recovery = {},
                                                              std::optional<std::uint16_t> heartbeat = {});
    // A robust connection with options of the caller's (options() with changes).
    asio::awaitable<client::robust_connection> connect_robust(client::connection_options options,
                                                              client::recovery_options recovery);
    asio::awaitable<client::connection> connect_plain(std::string name = "helper");

    // Runs `body`; false (with why in the log) when it threw or ran past `limit`.
    bool run(const std::function<asio::awaitable<void>(world&)>& body, std::chrono::seconds limit);
    // Runs the world's handlers until `until()` holds (checked after each), at most
    // `limit` of its time. Over TCP the end is done or time_limit.
    runtime::simulation_end run_until(const std::function<bool()>& until, runtime::duration limit);
    // Runs the world's handlers while `d` of its time passes; in a simulation its clock
    // is then exactly `d` later, whatever was due.
    void run_for(runtime::duration d);
    // Inside a body: waits until `condition` holds, looking every millisecond of the
    // world's time; false after `timeout`.
    asio::awaitable<bool> until(std::function<bool()> condition,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Inside a body: lets `d` of the world's time pass.
    asio::awaitable<void> pause(std::chrono::milliseconds d);

    event_log& log() noexcept { return log_; }
    const event_log& log() const noexcept { return log_; }
    // One line of the story.
    void say(std::string_view line) { log_.add(line); }

    // Stops the fake broker (its connections are closed) and runs what that left ready.
    // The destructor does it when nobody did.
    void stop();

private:
    world_mode mode_;
    // Declared in this order so that the io_context outlives everything that posts to
    // it, and the clock every timer.
    asio::io_context io_;
    std::unique_ptr<runtime::virtual_clock> virtual_clock_;
    runtime::clock* clock_;
    event_log log_;
    runtime::time_point start_;
    std::unique_ptr<fakebroker::broker> broker_;
    client::environment environment_;
    std::vector<std::shared_ptr<runtime::pipe_end>> unserved_;
    int pipes_ = 0;
    bool stopped_ = false;
};

}  // namespace amqp::harness
