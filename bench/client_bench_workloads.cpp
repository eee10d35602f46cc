// client_bench's workloads: publish without and with confirms, consume with manual acks, RPC round trips.
#include "client_bench.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace amqp::bench::client_bench {
namespace {

double percentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace

void bm_no_confirms(benchmark::State& state, target t)
{
    guarded(state, [&] {
        environment env(t.kind);
        std::optional<publisher> pub;
        auto producer = connect(env);
        auto consumer = connect(env);
        auto pub_channel = open_channel(env, producer);
        auto sub_channel = open_channel(env, consumer);
        const auto queue = declare_queue(env, sub_channel);
        pub.emplace(env, pub_channel, queue, 20'000);
        consume(env, sub_channel, queue, true, [&pub](client::incoming_message) { pub->complete(); });
        const std::size_t n = t.messages();
        pub->run(warmup_messages(n));
        measure(state, env, t, "publish/no_confirms", n, [&] { pub->run(n); });
        close(env, producer);
        close(env, consumer);
    });
}

void bm_confirms(benchmark::State& state, target t, std::size_t window)
{
    guarded(state, [&] {
        environment env(t.kind);
        auto producer = connect(env);
        auto ch = open_channel(env, producer, true);
        const auto queue = declare_queue(env, ch);
        publisher pub(env, ch, queue, window);
        const std::size_t n = t.messages();
        pub.run(warmup_messages(n));
        const std::string name = "publish/confirms/" + (window == 0 ? std::string("all") : std::to_string(window));
        measure(
            state, env, t, name, n, [&] { pub.run(n); }, [&] { purge(env, ch, queue); });
        purge(env, ch, queue);
        close(env, producer);
    });
}

void bm_manual_ack(benchmark::State& state, target t)
{
    guarded(state, [&] {
        environment env(t.kind);
        std::size_t received = 0, expected = 0;
        std::string error;
        auto producer = connect(env);
        auto consumer = connect(env);
        auto pub_channel = open_channel(env, producer, true);
        auto sub_channel = open_channel(env, consumer);
        set_qos(env, sub_channel, 1000);
        const auto queue = declare_queue(env, sub_channel);
        publisher fill(env, pub_channel, queue, 0);
        auto on_message = [&](client::incoming_message m) {
            if (auto ec = m.ack(); ec && error.empty()) error = "ack failed: " + ec.message();
            if (++received == expected || !error.empty()) env.wake();
        };
        auto drain = [&](std::size_t n) {
            received = 0;
            expected = n;
            const auto tag = consume(env, sub_channel, queue, false, on_message);
            env.drive([&] { return received == expected || !error.empty(); }, run_timeout, "consume");
            if (!error.empty()) throw bench_error(error);
            cancel(env, sub_channel, tag);
        };
        const std::size_t n = t.messages();
        fill.run(warmup_messages(n));
        drain(warmup_messages(n));
        // Timed: basic.consume until the last delivery was acked (the cancel is not timed).
        std::optional<std::string> tag;
        measure(
            state, env, t, "consume/manual_ack", n,
            [&] {
                received = 0;
                expected = n;
                tag = consume(env, sub_channel, queue, false, on_message);
                env.drive([&] { return received == expected || !error.empty(); }, run_timeout, "consume");
                if (!error.empty()) throw bench_error(error);
            },
            [&] {
                if (tag) cancel(env, sub_channel, *std::exchange(tag, std::nullopt));
                fill.run(n);
            });
        close(env, producer);
        close(env, consumer);
    });
}

void bm_rpc(benchmark::State& state, target t)
{
    guarded(state, [&] {
        environment env(t.kind);
        auto server = connect(env);
        auto caller = connect(env);
        auto server_channel = open_channel(env, server);
        auto caller_channel = open_channel(env, caller);
        set_qos(env, server_channel, 1);
        const auto queue = declare_queue(env, server_channel);
        const std::string reply_body(body_size, 'r');
        consume(env, server_channel, queue, false, [&](client::incoming_message request) {
            client::message reply(reply_body);
            reply.correlation_id = request.correlation_id;
            server_channel.basic_publish("", request.reply_to.value_or(""), std::move(reply), false,
                                         [](std::error_code) {});
            (void)request.ack();
        });
        client::rpc_client rpc;
        env.run(
            [](client::channel ch, client::rpc_client& rpc) -> asio::awaitable<void> {
                rpc = co_await client::rpc_client::create(ch);
            }(caller_channel, rpc),
            "rpc_client::create");

        std::vector<double> latencies_us;
        auto calls = [&](std::size_t n) {
            latencies_us.clear();
            latencies_us.reserve(n);
            env.run(
                [](client::rpc_client& rpc, std::string queue, std::size_t n,
                   std::vector<double>& latencies) -> asio::awaitable<void> {
                    const std::string body(body_size, 'q');
                    for (std::size_t i = 0; i < n; ++i) {
                        const auto start = steady::now();
                        auto reply = co_await rpc.call(queue, client::message(body));
                        latencies.push_back(std::chrono::duration<double, std::micro>(steady::now() - start).count());
                        if (reply.body.size() != body_size) throw bench_error("wrong reply");
                    }
                }(rpc, queue, n, latencies_us),
                "rpc calls", run_timeout);
        };
        const std::size_t n = t.messages();
        calls(warmup_messages(n));
        measure(state, env, t, "rpc/round_trip", n, [&] { calls(n); });
        if (!latencies_us.empty()) {
            std::sort(latencies_us.begin(), latencies_us.end());
            const double p50 = percentile(latencies_us, 0.50), p99 = percentile(latencies_us, 0.99);
            state.counters["p50_us"] = p50;
            state.counters["p90_us"] = percentile(latencies_us, 0.90);
            state.counters["p99_us"] = p99;
            state.counters["max_us"] = latencies_us.back();
            if (!g_summary.empty() && g_summary.back().workload == "rpc/round_trip") {
                g_summary.back().p50_us = p50;
                g_summary.back().p99_us = p99;
            }
        }
        close(env, caller);
        close(env, server);
    });
}

}  // namespace amqp::bench::client_bench
