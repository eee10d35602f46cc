// Tutorial 1: send.py puts "Hello World!" into the queue "hello"; receive.py prints it.
#include "scenario.hpp"

namespace amqp::scenarios {

asio::awaitable<void> hello_world(const context& ctx)
{
    // send
    auto producer = co_await ctx.connect();
    auto send_channel = co_await producer.channel();
    co_await send_channel.declare_queue("hello");
    // A real broker may still hold messages from an earlier run.
    co_await send_channel.queue_purge("hello");
    co_await send_channel.default_exchange().publish(client::message("Hello World!"), "hello");
    ctx.say("send", " [x] Sent 'Hello World!'");
    co_await producer.close();

    // receive
    auto consumer = co_await ctx.connect();
    auto channel = co_await consumer.channel();
    auto queue = co_await channel.declare_queue("hello");
    ctx.say("receive", " [*] Waiting for messages.");
    client::consume_options auto_ack;
    auto_ack.no_ack = true;
    auto messages = queue.iterator(auto_ack);
    auto received = co_await messages.next(message_timeout);
    expect(received && received->body == "Hello World!", "receive got no 'Hello World!'");
    ctx.say("receive", " [x] Received '" + received->body + "'");
    co_await messages.close();
    co_await consumer.close();
}

}  // namespace amqp::scenarios
