#include "scenario.hpp"

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>

#include <iomanip>
#include <ostream>

namespace amqp::scenarios {

void context::say(std::string_view program, std::string_view line) const
{
    out << std::left << std::setw(12) << program << "| " << line << '\n';
}

asio::awaitable<client::connection> context::connect() const
{
    co_return co_await client::connect(io.get_executor(), url);
}

program_group::program_group(asio::io_context& io) : io_(io), all_done_(io) {}

void program_group::spawn(asio::awaitable<void> program)
{
    ++running_;
    asio::co_spawn(io_, std::move(program), [this](std::exception_ptr error) {
        if (error && !failure_) failure_ = error;
        if (--running_ == 0) all_done_.cancel();
    });
}

asio::awaitable<bool> program_group::wait(std::chrono::milliseconds timeout)
{
    if (running_ > 0) {
        // The last program to finish cancels the timer; expiry means the timeout passed.
        all_done_.expires_after(timeout);
        auto [ec] = co_await all_done_.async_wait(as_tuple);
        if (!ec && running_ > 0) co_return false;
    }
    if (failure_) std::rethrow_exception(failure_);
    co_return true;
}

asio::awaitable<void> receive_logs(const context& ctx, std::string name, client::queue_iterator messages,
                                   std::vector<std::string> expected)
{
    std::vector<std::string> got;
    while (got.size() < expected.size()) {
        auto log = co_await messages.next(message_timeout);
        expect(log.has_value(), name + " missed a log");
        ctx.say(name, " [x] " + log->routing_key + ":" + log->body);
        got.push_back(log->routing_key);
    }
    expect(got == expected, name + " got other logs than its patterns match");
    // Nothing more may come: the patterns matched exactly these.
    auto [ec, extra] = co_await messages.next(std::chrono::milliseconds(20), as_tuple);
    expect(ec == client::errc::timeout, name + " got a log its patterns do not match");
    co_await messages.close();
}

const std::vector<scenario>& all_scenarios()
{
    static const std::vector<scenario> scenarios{
        {"hello_world", "1. \"Hello World!\": one producer, one queue, one consumer", hello_world},
        {"work_queues", "2. Work queues: fair dispatch to two workers with acks and prefetch 1", work_queues},
        {"publish_subscribe", "3. Publish/Subscribe: a fanout exchange, every subscriber gets every log",
         publish_subscribe},
        {"routing", "4. Routing: a direct exchange, subscribers pick severities", routing},
        {"topics", "5. Topics: a topic exchange with * and # patterns", topics},
        {"rpc", "6. RPC: a Fibonacci server, requests with reply_to and correlation_id", rpc},
        {"publisher_confirms", "7. Publisher confirms: one at a time, in batches, and streaming", publisher_confirms},
    };
    return scenarios;
}

}  // namespace amqp::scenarios
