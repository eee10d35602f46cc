// Tutorial 3: emit_log.py publishes to the fanout exchange "logs"; each
// receive_logs.py binds its own exclusive, server-named queue and gets every message.
#include "scenario.hpp"

namespace amqp::scenarios {
namespace {

asio::awaitable<void> receive_logs(const context& ctx, std::string name, client::queue_iterator messages,
                                   std::size_t expected)
{
    for (std::size_t i = 0; i < expected; ++i) {
        auto log = co_await messages.next(message_timeout);
        expect(log.has_value(), name + " missed a log");
        ctx.say(name, " [x] " + log->body);
    }
    co_await messages.close();
}

}  // namespace

asio::awaitable<void> publish_subscribe(const context& ctx)
{
    const std::vector<std::string> logs{"info: Hello World!", "warning: disk almost full"};
    auto subscribers = co_await ctx.connect();
    program_group group(ctx.io);
    for (const char* name : {"receive 1", "receive 2"}) {
        auto channel = co_await subscribers.channel();
        co_await channel.declare_exchange("logs", client::exchange_type::fanout);
        client::queue_options temporary;
        temporary.exclusive = true;
        auto queue = co_await channel.declare_queue("", temporary);
        co_await queue.bind("logs", "");
        ctx.say(name, " [*] Waiting for logs (queue " + queue.name() + ")");
        client::consume_options auto_ack;
        auto_ack.no_ack = true;
        group.spawn(receive_logs(ctx, name, queue.iterator(auto_ack), logs.size()));
    }

    auto producer = co_await ctx.connect();
    auto channel = co_await producer.channel();
    auto exchange = co_await channel.declare_exchange("logs", client::exchange_type::fanout);
    for (const auto& log : logs) {
        co_await exchange.publish(client::message(log), "");
        ctx.say("emit_log", " [x] Sent " + log);
    }
    expect(co_await group.wait(2 * message_timeout), "the subscribers did not get every log");
    co_await producer.close();
    co_await subscribers.close();
}

}  // namespace amqp::scenarios
