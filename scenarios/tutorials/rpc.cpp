// Tutorial 6: rpc_server.py answers Fibonacci requests from "rpc_queue"; the client
// sends each request with reply_to (its callback queue) and a correlation_id, and
// matches the reply by that id.
#include "scenario.hpp"

#include <asio/experimental/as_tuple.hpp>

namespace amqp::scenarios {
namespace {

std::uint64_t fib(unsigned n)
{
    std::uint64_t a = 0, b = 1;
    for (unsigned i = 0; i < n; ++i) b = std::exchange(a, b) + b;
    return a;
}

asio::awaitable<void> rpc_server(const context& ctx, client::channel channel, client::queue_iterator requests)
{
    for (;;) {
        auto [ec, request] = co_await requests.next(std::chrono::milliseconds::zero(), as_tuple);
        if (ec || !request) co_return;  // the scenario closed the server's connection
        const unsigned n = static_cast<unsigned>(std::stoul(request->body));
        ctx.say("rpc_server", " [.] fib(" + request->body + ")");
        client::message response(std::to_string(fib(n)));
        response.correlation_id = request->correlation_id;
        co_await channel.default_exchange().publish(std::move(response), request->reply_to.value_or(""));
        expect(!request->ack(), "the server's ack failed");
    }
}

}  // namespace

asio::awaitable<void> rpc(const context& ctx)
{
    auto server = co_await ctx.connect();
    auto server_channel = co_await server.channel();
    auto queue = co_await server_channel.declare_queue("rpc_queue");
    co_await server_channel.queue_purge("rpc_queue");
    co_await server_channel.set_qos(1);
    ctx.say("rpc_server", " [x] Awaiting RPC requests");
    program_group group(ctx.io);
    group.spawn(rpc_server(ctx, server_channel, queue.iterator()));

    auto client_connection = co_await ctx.connect();
    auto rpc = co_await client::rpc_client::create(co_await client_connection.channel());
    for (unsigned n : {10u, 30u}) {
        ctx.say("rpc_client", " [x] Requesting fib(" + std::to_string(n) + ")");
        auto reply = co_await rpc.call("rpc_queue", client::message(std::to_string(n)));
        ctx.say("rpc_client", " [.] Got " + reply.body);
        expect(reply.body == std::to_string(fib(n)), "wrong answer for fib(" + std::to_string(n) + ")");
    }
    co_await client_connection.close();
    co_await server.close();
    co_await group.wait(message_timeout);
}

}  // namespace amqp::scenarios
