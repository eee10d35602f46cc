#include "client_fixture.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include <gmock/gmock.h>

namespace amqp::test {
namespace {

// Answers each request on `queue` with its body reversed, until the channel closes.
asio::awaitable<void> reverse_server(client::channel channel, client::queue queue)
{
    auto requests = queue.iterator();
    for (;;) {
        auto [ec, request] = co_await requests.next(std::chrono::milliseconds::zero(), as_tuple);
        if (ec || !request) co_return;
        client::message reply(std::string(request->body.rbegin(), request->body.rend()));
        reply.correlation_id = request->correlation_id;
        co_await channel.default_exchange().publish(std::move(reply), request->reply_to.value_or(""));
        (void)request->ack();
    }
}

class rpc : public client_test, public ::testing::WithParamInterface<bool> {};

TEST_P(rpc, concurrent_calls_get_their_own_replies)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto server_channel = co_await conn.channel();
        auto queue = co_await server_channel.declare_queue(queue_name("requests"));
        asio::co_spawn(io(), reverse_server(server_channel, queue), asio::detached);

        client::rpc_options options;
        options.direct_reply_to = GetParam();
        auto rpc = co_await client::rpc_client::create(co_await conn.channel(), options);
        if (GetParam()) EXPECT_EQ(rpc.reply_queue(), "amq.rabbitmq.reply-to");
        else EXPECT_THAT(rpc.reply_queue(), ::testing::StartsWith("amq.gen-"));

        std::vector<std::string> replies(5);
        int done = 0;
        for (int i = 0; i < 5; ++i) {
            rpc.call(queue.name(), client::message("call-" + std::to_string(i)),
                     [&, i](std::error_code ec, client::incoming_message reply) {
                         EXPECT_FALSE(ec) << ec.message();
                         replies[i] = reply.body;
                         ++done;
                     });
        }
        EXPECT_EQ(rpc.pending(), 5u);
        auto last = co_await rpc.call(queue.name(), client::message("abc"));
        EXPECT_EQ(last.body, "cba");
        EXPECT_EQ(done, 5);
        EXPECT_THAT(replies, ::testing::ElementsAre("0-llac", "1-llac", "2-llac", "3-llac", "4-llac"));
        EXPECT_EQ(rpc.pending(), 0u);
        co_await conn.close();
    });
}

INSTANTIATE_TEST_SUITE_P(reply_queue, rpc, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "direct_reply_to" : "exclusive_queue"; });

TEST_F(client_test, rpc_call_without_a_server_times_out)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto queue = co_await ch.declare_queue(queue_name("nobody-listens"));
        client::rpc_options options;
        options.timeout = std::chrono::milliseconds(50);
        auto rpc = co_await client::rpc_client::create(ch, options);
        auto [ec, reply] = co_await rpc.call(queue.name(), client::message("hello?"), as_tuple);
        EXPECT_EQ(ec, client::errc::timeout);
        EXPECT_EQ(rpc.pending(), 0u);
        co_await conn.close();
    });
}

TEST_F(client_test, rpc_calls_fail_when_the_connection_closes)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect();
        auto ch = co_await conn.channel();
        auto queue = co_await ch.declare_queue(queue_name("nobody-listens"));
        auto rpc = co_await client::rpc_client::create(ch);
        std::error_code seen;
        bool completed = false;
        rpc.call(queue.name(), client::message("hello?"), [&](std::error_code ec, client::incoming_message) {
            seen = ec;
            completed = true;
        });
        co_await conn.close();
        // The failure is posted: one more turn of the executor delivers it.
        co_await asio::post(io(), asio::use_awaitable);
        EXPECT_TRUE(completed);
        EXPECT_EQ(seen, client::errc::connection_closed);
    });
}

}  // namespace
}  // namespace amqp::test
