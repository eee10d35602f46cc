#pragma once

#include <amqp/client.hpp>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::scenarios {

// What a scenario runs with: the io_context everything runs on (one thread), the
// broker's URL, and where the programs' terminal output goes.
struct context {
    asio::io_context& io;
    std::string url;
    std::ostream& out;

    // One line of a program's output, tagged with the program ("send", "worker 1", ...)
    // as if each ran in its own terminal.
    void say(std::string_view program, std::string_view line) const;
    asio::awaitable<client::connection> connect() const;
};

// A scenario checks what the tutorial promises and throws when it does not happen.
struct scenario_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void expect(bool condition, const std::string& what)
{
    if (!condition) throw scenario_failure(what);
}

// Completion token for `auto [ec, value] = co_await ...`: errors as values, not exceptions.
inline constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// How long a consumer waits for a message the scenario knows is coming.
inline constexpr std::chrono::seconds message_timeout{5};

// The programs of a scenario that run side by side (workers, subscribers, servers):
// spawn them, then wait until all finished, rethrowing the first failure.
class program_group {
public:
    explicit program_group(asio::io_context& io);
    void spawn(asio::awaitable<void> program);
    // False when the timeout passed first.
    asio::awaitable<bool> wait(std::chrono::milliseconds timeout);

private:
    asio::io_context& io_;
    asio::steady_timer all_done_;
    std::size_t running_ = 0;
    std::exception_ptr failure_;
};

// A log subscriber of tutorials 4 and 5: prints each log, checks that exactly the
// `expected` routing keys arrived, in order, and nothing after them.
asio::awaitable<void> receive_logs(const context& ctx, std::string name, client::queue_iterator messages,
                                   std::vector<std::string> expected);

struct scenario {
    std::string_view name;
    std::string_view title;
    asio::awaitable<void> (*run)(const context&);
};

const std::vector<scenario>& all_scenarios();

asio::awaitable<void> hello_world(const context& ctx);
asio::awaitable<void> work_queues(const context& ctx);
asio::awaitable<void> publish_subscribe(const context& ctx);
asio::awaitable<void> routing(const context& ctx);
asio::awaitable<void> topics(const context& ctx);
asio::awaitable<void> rpc(const context& ctx);
asio::awaitable<void> publisher_confirms(const context& ctx);

}  // namespace amqp::scenarios
