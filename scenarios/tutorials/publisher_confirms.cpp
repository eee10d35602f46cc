// The publisher confirms tutorial: three ways to know the broker took every message.
// One at a time (wait for each confirm), in batches (publish 100, then wait), and
// streaming (keep publishing; confirms settle as the broker's multiple-acks arrive).
#include "scenario.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <vector>

namespace amqp::scenarios {
namespace {

constexpr int message_count = 2000;
constexpr int batch_size = 100;

std::string elapsed_since(std::chrono::steady_clock::time_point start)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return std::to_string(us.count() / 1000) + "." + std::to_string(us.count() % 1000 / 100) + " ms";
}

asio::awaitable<void> one_at_a_time(const context& ctx, client::channel& channel, const std::string& queue)
{
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < message_count; ++i)
        co_await channel.basic_publish("", queue, client::message(std::to_string(i)));
    ctx.say("publisher",
            "Published " + std::to_string(message_count) + " messages individually in " + elapsed_since(start));
}

asio::awaitable<void> in_batches(const context& ctx, client::channel& channel, const std::string& queue)
{
    const auto start = std::chrono::steady_clock::now();
    for (int first = 0; first < message_count; first += batch_size) {
        int outstanding = batch_size;
        std::error_code failed;
        asio::steady_timer batch_done(ctx.io, message_timeout);
        for (int i = first; i < first + batch_size; ++i) {
            channel.basic_publish("", queue, client::message(std::to_string(i)), false, [&](std::error_code ec) {
                if (ec) failed = ec;
                if (--outstanding == 0) batch_done.cancel();
            });
        }
        co_await batch_done.async_wait(as_tuple);
        expect(outstanding == 0 && !failed, "a batch was not confirmed");
    }
    ctx.say("publisher", "Published " + std::to_string(message_count) + " messages in batches of " +
                             std::to_string(batch_size) + " in " + elapsed_since(start));
}

asio::awaitable<void> streaming(const context& ctx, client::channel& channel, const std::string& queue)
{
    const auto start = std::chrono::steady_clock::now();
    int confirmed = 0;
    int nacked = 0;
    asio::steady_timer all_done(ctx.io, message_timeout);
    for (int i = 0; i < message_count; ++i) {
        channel.basic_publish("", queue, client::message(std::to_string(i)), false, [&](std::error_code ec) {
            ++(ec ? nacked : confirmed);
            if (confirmed + nacked == message_count) all_done.cancel();
        });
    }
    co_await all_done.async_wait(as_tuple);
    expect(confirmed == message_count, std::to_string(confirmed) + " of " + std::to_string(message_count) +
                                           " confirmed, " + std::to_string(nacked) + " nacked");
    ctx.say("publisher", "Published " + std::to_string(message_count) +
                             " messages and handled confirms as they came in " + elapsed_since(start));
}

}  // namespace

asio::awaitable<void> publisher_confirms(const context& ctx)
{
    auto connection = co_await ctx.connect();
    client::channel_options confirms;
    confirms.publisher_confirms = true;
    auto channel = co_await connection.channel(confirms);
    client::queue_options temporary;
    temporary.exclusive = true;
    auto queue = co_await channel.declare_queue("", temporary);
    co_await one_at_a_time(ctx, channel, queue.name());
    co_await in_batches(ctx, channel, queue.name());
    co_await streaming(ctx, channel, queue.name());
    auto declared = co_await channel.get_queue(queue.name());
    expect(declared.declared_message_count() == 3u * message_count, "the queue does not hold every confirmed message");
    co_await connection.close();
}

}  // namespace amqp::scenarios
