// client_bench's calls to the broker, each run to completion on the environment's io_context: connect, declare, consume, close.
#include "client_bench.hpp"

#include <unistd.h>

namespace amqp::bench::client_bench {
namespace {

std::string unique_name(std::string_view what)
{
    static int counter = 0;
    return "client_bench." + std::to_string(::getpid()) + "." + std::to_string(++counter) + "." + std::string(what);
}

}  // namespace

client::connection connect(environment& env)
{
    client::connection out;
    env.run(
        [](environment& env, client::connection& out) -> asio::awaitable<void> {
            out = co_await client::connect(env.executor(), env.url(), env.client_env());
        }(env, out),
        "connect");
    return out;
}

client::channel open_channel(environment& env, client::connection& c, bool confirms)
{
    client::channel out;
    env.run(
        [](client::connection& c, client::channel& out, bool confirms) -> asio::awaitable<void> {
            client::channel_options options;
            options.publisher_confirms = confirms;
            out = co_await c.channel(options);
        }(c, out, confirms),
        "open a channel");
    return out;
}

std::string declare_queue(environment& env, client::channel& ch)
{
    std::string name = unique_name("q");
    env.run(
        [](client::channel ch, std::string name) -> asio::awaitable<void> {
            client::queue_options options;
            options.exclusive = true;
            co_await ch.declare_queue(name, options);
        }(ch, name),
        "declare a queue");
    return name;
}

void set_qos(environment& env, client::channel& ch, std::uint16_t prefetch)
{
    env.run([](client::channel ch, std::uint16_t prefetch) -> asio::awaitable<void> { co_await ch.set_qos(prefetch); }(
                                                               ch, prefetch),
            "basic.qos");
}

void purge(environment& env, client::channel& ch, const std::string& queue)
{
    env.run([](client::channel ch, std::string queue) -> asio::awaitable<void> { co_await ch.queue_purge(queue); }(
                                                          ch, queue),
            "queue.purge");
}

std::string consume(environment& env, client::channel& ch, const std::string& queue, bool no_ack,
                    std::function<void(client::incoming_message)> on_message)
{
    std::string tag;
    env.run(
        [](client::channel ch, std::string queue, bool no_ack, std::function<void(client::incoming_message)> f,
           std::string& tag) -> asio::awaitable<void> {
            client::consume_options options;
            options.no_ack = no_ack;
            tag = co_await ch.basic_consume(queue, std::move(f), options);
        }(ch, queue, no_ack, std::move(on_message), tag),
        "basic.consume");
    return tag;
}

void cancel(environment& env, client::channel& ch, const std::string& tag)
{
    env.run(
        [](client::channel ch, std::string tag) -> asio::awaitable<void> { co_await ch.basic_cancel(tag); }(ch, tag),
        "basic.cancel");
}

void close(environment& env, client::connection& c)
{
    if (!c.is_open()) return;
    env.run([](client::connection& c) -> asio::awaitable<void> { co_await c.close(); }(c), "connection.close");
}

}  // namespace amqp::bench::client_bench
