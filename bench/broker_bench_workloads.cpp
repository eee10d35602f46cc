// broker_bench's workloads: one to one, fanout, topic routing, confirms, bindings, and the broker's memory per message.
#include "bench_flow.hpp"
#include "broker_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <malloc.h>
#include <unistd.h>

namespace amqp::bench::broker_bench {
namespace {

struct memory_sample {
    std::size_t rss = 0;  // resident bytes (/proc/self/statm)
    std::size_t heap = 0;  // bytes malloc has handed out, all arenas
};

memory_sample sample_memory()
{
    memory_sample out;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        unsigned long size = 0, resident = 0;
        if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
            out.rss = resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        }
        std::fclose(f);
    }
    const auto info = ::mallinfo2();
    out.heap = info.uordblks + info.hblkhd;
    return out;
}

}  // namespace

void bm_one_to_one(benchmark::State& state, target t, bool manual_ack)
{
    guarded(state, [&] {
        broker_under_test broker(t.fake);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection publisher(broker.url(), "broker_bench publisher", deadline);
        bench_connection consumer(broker.url(), "broker_bench consumer", deadline);
        const std::string queue = topo.queue(publisher, "one_to_one");
        if (manual_ack) {
            consumer.call<proto::basic_qos_ok>(1, proto::basic_qos{.prefetch_size = 0, .prefetch_count = 1000},
                                               deadline);
        }
        consume(consumer, queue, !manual_ack);
        message_flow flow(
            publisher, &consumer,
            {.exchange = "", .routing_key = queue, .body_size = body_size, .ack_every = manual_ack ? 100u : 0u});
        const std::size_t n = t.messages();
        flow.run(warmup_messages(n));
        measure(state, t, manual_ack ? "one_to_one/manual_ack" : "one_to_one/no_ack", n, [&] { flow.run(n); });
        publisher.close(deadline + setup_timeout);
        consumer.close(deadline + setup_timeout);
    });
}

void bm_fanout(benchmark::State& state, target t, std::size_t queues)
{
    guarded(state, [&] {
        broker_under_test broker(t.fake);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection publisher(broker.url(), "broker_bench publisher", deadline);
        bench_connection consumer(broker.url(), "broker_bench consumer", deadline);
        const std::string exchange = topo.exchange(publisher, "fanout", "fanout");
        for (std::size_t i = 0; i < queues; ++i) {
            const std::string queue = topo.queue(publisher, "fanout" + std::to_string(i));
            topo.bind(publisher, queue, exchange, {""});
            consume(consumer, queue, true);
        }
        message_flow flow(publisher, &consumer,
                          {.exchange = exchange,
                           .routing_key = "",
                           .body_size = body_size,
                           .fanout = queues,
                           .window = std::max<std::size_t>(256, 50'000 / queues)});
        const std::size_t n = t.messages();
        flow.run(warmup_messages(n));
        measure(
            state, t, "fanout/" + std::to_string(queues), n, [&] { flow.run(n); }, {}, queues);
        publisher.close(deadline + setup_timeout);
        consumer.close(deadline + setup_timeout);
    });
}

void bm_topic(benchmark::State& state, target t, std::size_t extra)
{
    guarded(state, [&] {
        broker_under_test broker(t.fake);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection publisher(broker.url(), "broker_bench publisher", deadline);
        bench_connection consumer(broker.url(), "broker_bench consumer", deadline);
        const std::string exchange = topo.exchange(publisher, "topic", "topic");
        const std::string queue = topo.queue(publisher, "topic");
        // Three shapes, so neither a first-word index nor a '#'-free fast path alone
        // can skip them: same first word, a '#' tail, a '*' head.
        std::vector<std::string> keys;
        keys.reserve(extra + 1);
        for (std::size_t i = 0; i < extra; ++i) {
            const std::string n = std::to_string(i);
            switch (i % 3) {
            case 0: keys.push_back("bench.n" + n + ".*"); break;
            case 1: keys.push_back("n" + n + ".#"); break;
            default: keys.push_back("*.n" + n + ".key"); break;
            }
        }
        keys.push_back("bench.*.key");
        topo.bind(publisher, queue, exchange, keys);
        consume(consumer, queue, true);
        message_flow flow(publisher, &consumer,
                          {.exchange = exchange, .routing_key = "bench.routing.key", .body_size = body_size});
        const std::size_t n = t.messages();
        flow.run(warmup_messages(n));
        const std::string name = extra == 0 ? "topic/1_binding" : "topic/" + std::to_string(extra + 1) + "_bindings";
        measure(state, t, name, n, [&] { flow.run(n); });
        publisher.close(deadline + setup_timeout);
        consumer.close(deadline + setup_timeout);
    });
}

void bm_confirms(benchmark::State& state, target t, bool persistent, bool with_consumer)
{
    guarded(state, [&] {
        broker_under_test broker(t.fake);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection publisher(broker.url(), "broker_bench publisher", deadline);
        std::optional<bench_connection> consumer;
        const std::string queue = topo.queue(publisher, persistent ? "durable" : "confirms", persistent);
        publisher.call<proto::confirm_select_ok>(1, proto::confirm_select{}, deadline);
        if (with_consumer) {
            consumer.emplace(broker.url(), "broker_bench consumer", deadline);
            consume(*consumer, queue, true);
        }
        message_flow flow(publisher, consumer ? &*consumer : nullptr,
                          {.exchange = "",
                           .routing_key = queue,
                           .body_size = body_size,
                           .confirms = true,
                           .persistent = persistent,
                           .window = with_consumer ? 20'000u : 0u});
        const std::size_t n = t.messages();
        flow.run(warmup_messages(n));
        if (!with_consumer) purge(publisher, queue);
        std::string name = persistent ? "confirms/persistent_durable" : "confirms/transient";
        if (with_consumer) name += "+consumer";
        measure(
            state, t, name, n, [&] { flow.run(n); },
            [&] {
                if (!with_consumer) purge(publisher, queue);
            });
        publisher.close(deadline + setup_timeout);
        if (consumer) consumer->close(deadline + setup_timeout);
    });
}

void bm_bindings(benchmark::State& state, target t, std::size_t count)
{
    guarded(state, [&] {
        broker_under_test broker(t.fake);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection c(broker.url(), "broker_bench bindings", deadline);
        const std::string exchange = topo.exchange(c, "bindings", "topic");
        std::vector<std::string> keys;
        keys.reserve(count);
        for (std::size_t i = 0; i < count; ++i) keys.push_back("bench.n" + std::to_string(i) + ".*");
        // Not through topo.queue(): each run deletes its own queue.
        std::size_t run = 0;
        measure(state, t, "bind_then_delete/" + std::to_string(count), count, [&] {
            const std::string queue = topo.unique("bindings" + std::to_string(++run));
            proto::queue_declare declare;
            declare.queue = queue;
            c.call<proto::queue_declare_ok>(1, declare, steady::now() + setup_timeout);
            topo.bind(c, queue, exchange, keys);
            c.call<proto::queue_delete_ok>(1, proto::queue_delete{.ticket = 0, .queue = queue},
                                           steady::now() + setup_timeout);
        });
        c.close(deadline + setup_timeout);
    });
}

void bm_memory(benchmark::State& state, std::size_t queues, std::size_t messages)
{
    const target t{true, messages, 0};
    guarded(state, [&] {
        broker_under_test broker(true);
        topology topo(broker.url());
        const auto deadline = steady::now() + setup_timeout;
        bench_connection publisher(broker.url(), "broker_bench publisher", deadline);
        std::vector<std::string> names;
        std::string exchange;
        if (queues > 1) exchange = topo.exchange(publisher, "memory_fanout", "fanout");
        for (std::size_t i = 0; i < queues; ++i) {
            names.push_back(topo.queue(publisher, "memory" + std::to_string(i)));
            if (queues > 1) topo.bind(publisher, names.back(), exchange, {""});
        }
        message_flow flow(publisher, nullptr,
                          {.exchange = exchange,
                           .routing_key = queues > 1 ? "" : names.front(),
                           .body_size = body_size,
                           .window = 0});
        // Warm the client's buffers so their growth is not counted.
        flow.run(1000);
        for (const auto& q : names) {
            if (!broker.fake()->wait_for_depth(q, 1000, 30s)) throw bench_error("warm-up messages never queued");
            broker.fake()->purge(q);
        }
        memory_sample before{}, after{};
        // The publish rate into queues nobody consumes goes into the summary too.
        measure(state, t, "publish_unconsumed/" + std::to_string(queues) + "_queues", messages, [&] {
            before = sample_memory();
            flow.run(messages);
            for (const auto& q : names) {
                if (!broker.fake()->wait_for_depth(q, messages, 60s)) {
                    throw bench_error("queue " + q + " did not reach depth " + std::to_string(messages));
                }
            }
            after = sample_memory();
        });
        if (state.error_occurred()) return;
        const double n = static_cast<double>(messages);
        const double rss = (static_cast<double>(after.rss) - static_cast<double>(before.rss)) / n;
        const double heap = (static_cast<double>(after.heap) - static_cast<double>(before.heap)) / n;
        state.counters["rss_bytes_per_msg"] = rss;
        state.counters["heap_bytes_per_msg"] = heap;
        state.counters["heap_bytes_per_queue_entry"] = heap / static_cast<double>(queues);
        g_memory.push_back({"memory/" + std::to_string(queues) + "_queues", rss, heap, queues});
        publisher.close(deadline + setup_timeout);
    });
}

}  // namespace amqp::bench::broker_bench
