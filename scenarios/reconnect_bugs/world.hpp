#pragma once

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/virtual_clock.hpp>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace amqp::scenarios {

// Where a reproduction runs: over TCP against a broker on its own thread, in real time;
// or in a simulation, broker and client on one thread joined by memory pipes, on a
// virtual clock, so that every run is the same run.
enum class world_mode { tcp, simulation };

std::string_view to_string(world_mode mode) noexcept;

// A broker, a client environment that reaches it, and the time both live in.
class world {
public:
    world(world_mode mode, std::ostream& out);
    ~world();
    world(const world&) = delete;
    world& operator=(const world&) = delete;

    world_mode mode() const noexcept { return mode_; }
    fakebroker::broker& broker() noexcept { return *broker_; }
    runtime::clock& clock() noexcept { return *environment_.clock; }
    const client::environment& environment() const noexcept { return environment_; }

    // Options for a connection named `name` (what fault rules match), with a short
    // reconnect interval.
    client::connection_options options(const std::string& name = "app") const;
    // A robust connection named "app"; `heartbeat` overrides the broker's proposal.
    asio::awaitable<client::robust_connection> connect_robust(client::recovery_options recovery = {},
                                                              std::optional<std::uint16_t> heartbeat = {});
    // A robust connection with options of the caller's (options() with changes).
    asio::awaitable<client::robust_connection> connect_robust(client::connection_options options,
                                                              client::recovery_options recovery);
    asio::awaitable<client::connection> connect_plain(std::string name = "helper");

    // Runs `body`; false (with why on `out`) when it failed or ran past `limit`.
    bool run(const std::function<asio::awaitable<void>(world&)>& body, std::chrono::seconds limit);
    // Waits until `condition` holds, looking every millisecond of the world's time;
    // false after `timeout`.
    asio::awaitable<bool> until(std::function<bool()> condition,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Lets `d` of the world's time pass.
    asio::awaitable<void> pause(std::chrono::milliseconds d);

    // One line of the story, stamped with the world's time since the start.
    void say(std::string_view line);

private:
    world_mode mode_;
    std::ostream& out_;
    asio::io_context io_;
    std::unique_ptr<runtime::virtual_clock> virtual_clock_;
    std::unique_ptr<fakebroker::broker> broker_;
    client::environment environment_;
    runtime::time_point start_;
    int pipes_ = 0;
};

// A reproduction checks the correct outcome and throws this when it does not happen.
struct reproduction_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void expect(bool condition, const std::string& what)
{
    if (!condition)
        throw reproduction_failed(what);
}
// For `expect(co_await ..., "text")`: GCC 12 cannot keep a std::string temporary made
// from a literal alive across the suspension ("array used as initializer").
inline void expect(bool condition, const char* what)
{
    if (!condition)
        throw reproduction_failed(what);
}

}  // namespace amqp::scenarios
