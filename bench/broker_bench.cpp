// End-to-end broker throughput over loopback: a codec-level publisher and consumer
// (bench_connection, bench_flow) against the embedded broker and, when AMQP_URL (or
// --amqp_url) names one, the same workloads against a real RabbitMQ in the same run,
// so the ratio comes out of one invocation. Also the broker's memory per queued
// message, from the process's RSS and heap (the embedded broker runs in-process).
//
//   broker_bench [--amqp_url=amqp://guest:guest@127.0.0.1:5672/] [--scale=0.1]
//                [Google Benchmark flags, e.g. --benchmark_filter=fake/]
//
// items_per_second counts messages published and complete (delivered, and confirmed
// when confirming); fanout benchmarks also report deliveries per second.
#include "bench_connection.hpp"
#include "bench_flow.hpp"
#include "report_format.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <malloc.h>
#include <time.h>
#include <unistd.h>

namespace {

using amqp::bench::median;
using amqp::bench::with_commas;

using namespace amqp::bench;
namespace proto = amqp::protocol;
using namespace std::chrono_literals;

constexpr auto setup_timeout = 60s;
constexpr std::size_t body_size = 32;

struct bench_options {
    std::optional<amqp_url> rabbitmq;
    double scale = 1.0;
} g_options;

// Where a benchmark runs, and how many messages one run moves there (RabbitMQ is
// about 10x slower, so it gets fewer).
struct target {
    bool fake = true;
    std::size_t fake_messages = 0;
    std::size_t rabbitmq_messages = 0;

    const char* name() const { return fake ? "fake" : "rabbitmq"; }
    std::size_t messages() const
    {
        const double n = static_cast<double>(fake ? fake_messages : rabbitmq_messages) * g_options.scale;
        return std::max<std::size_t>(100, static_cast<std::size_t>(n));
    }
};

// A fresh embedded broker, or the RabbitMQ from the options.
class broker_under_test {
public:
    explicit broker_under_test(bool fake)
    {
        if (fake) {
            fake_.emplace();
            fake_->start();
            url_ = amqp_url::parse(fake_->url());
        } else {
            url_ = *g_options.rabbitmq;
        }
    }
    ~broker_under_test()
    {
        if (fake_) fake_->stop();
    }
    broker_under_test(const broker_under_test&) = delete;
    broker_under_test& operator=(const broker_under_test&) = delete;

    const amqp_url& url() const noexcept { return url_; }
    amqp::fakebroker::broker* fake() noexcept { return fake_ ? &*fake_ : nullptr; }

private:
    std::optional<amqp::fakebroker::broker> fake_;
    amqp_url url_;
};

// Declares the queues and exchanges of one benchmark under unique names and deletes
// them afterwards from a fresh connection, whatever state the benchmark's own
// connections are in (RabbitMQ keeps them otherwise).
class topology {
public:
    explicit topology(amqp_url url) : url_(std::move(url)) {}
    ~topology()
    {
        if (queues_.empty() && exchanges_.empty()) return;
        const auto deadline = steady::now() + setup_timeout;
        try {
            bench_connection admin(url_, "broker_bench cleanup", deadline);
            for (const auto& q : queues_) {
                admin.call<proto::queue_delete_ok>(1, proto::queue_delete{.ticket = 0, .queue = q}, deadline);
            }
            for (const auto& e : exchanges_) {
                admin.call<proto::exchange_delete_ok>(1, proto::exchange_delete{.ticket = 0, .exchange = e}, deadline);
            }
            admin.close(deadline);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "broker_bench: cleanup failed: %s\n", e.what());
        }
    }
    topology(const topology&) = delete;
    topology& operator=(const topology&) = delete;

    std::string unique(std::string_view what)
    {
        static int counter = 0;
        return "broker_bench." + std::to_string(::getpid()) + "." + std::to_string(++counter) + "." + std::string(what);
    }

    std::string queue(bench_connection& c, std::string_view what, bool durable = false)
    {
        std::string name = unique(what);
        queues_.push_back(name);
        proto::queue_declare declare;
        declare.queue = name;
        declare.durable = durable;
        c.call<proto::queue_declare_ok>(1, declare, steady::now() + setup_timeout);
        return name;
    }

    std::string exchange(bench_connection& c, std::string_view what, std::string type)
    {
        std::string name = unique(what);
        exchanges_.push_back(name);
        proto::exchange_declare declare;
        declare.exchange = name;
        declare.type = std::move(type);
        c.call<proto::exchange_declare_ok>(1, declare, steady::now() + setup_timeout);
        return name;
    }

    // Pipelined: all the binds in one write, then all the bind-oks.
    void bind(bench_connection& c, const std::string& queue, const std::string& exchange,
              const std::vector<std::string>& keys)
    {
        proto::queue_bind bind;
        bind.queue = queue;
        bind.exchange = exchange;
        for (const auto& key : keys) {
            bind.routing_key = key;
            c.send(1, bind);
        }
        const auto deadline = steady::now() + setup_timeout;
        c.flush(deadline);
        for (std::size_t i = 0; i < keys.size(); ++i) c.expect<proto::queue_bind_ok>(1, deadline);
    }

private:
    amqp_url url_;
    std::vector<std::string> queues_;
    std::vector<std::string> exchanges_;
};

void consume(bench_connection& c, const std::string& queue, bool no_ack)
{
    proto::basic_consume m;
    m.queue = queue;
    m.no_ack = no_ack;
    c.call<proto::basic_consume_ok>(1, m, steady::now() + setup_timeout);
}

void purge(bench_connection& c, const std::string& queue)
{
    c.call<proto::queue_purge_ok>(1, proto::queue_purge{.ticket = 0, .queue = queue}, steady::now() + setup_timeout);
}

// Results kept for the summary printed after all benchmarks: one entry per run.
struct summary_row {
    std::string workload;
    std::string target;
    double messages_per_second = 0;
    double broker_cpu_ns_per_message = 0;  // embedded broker only
};
std::vector<summary_row> g_summary;

struct memory_row {
    std::string workload;
    double rss_per_message = 0;
    double heap_per_message = 0;
    std::size_t queues = 1;
};
std::vector<memory_row> g_memory;

double cpu_seconds(clockid_t clock)
{
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Whether the current benchmark entered its timed loop (it may do so only once).
bool g_loop_entered = false;

// Runs the timed loop: `once` per iteration (timed), `between` after each (untimed).
// An exception fails the benchmark with its message instead of escaping.
void measure(benchmark::State& state, const target& t, std::string_view workload, std::size_t messages,
             const std::function<void()>& once, const std::function<void()>& between = {},
             std::size_t deliveries_per_message = 0)
{
    std::chrono::duration<double> timed{0};
    double process_cpu = 0, client_cpu = 0;
    std::size_t iterations = 0;
    g_loop_entered = true;
    for (auto _ : state) {
        try {
            const auto start = steady::now();
            const double process_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
            const double client_start = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
            once();
            client_cpu += cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - client_start;
            process_cpu += cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_start;
            timed += steady::now() - start;
            ++iterations;
            if (between) {
                state.PauseTiming();
                between();
                state.ResumeTiming();
            }
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            break;
        }
    }
    if (iterations == 0) return;
    const double total = static_cast<double>(messages * iterations);
    state.SetItemsProcessed(static_cast<std::int64_t>(total));
    state.counters["messages"] = static_cast<double>(messages);
    if (deliveries_per_message != 0) {
        state.counters["deliveries_per_second"] =
            benchmark::Counter(total * static_cast<double>(deliveries_per_message), benchmark::Counter::kIsRate);
    }
    // CPU per message is steadier than wall time on a shared machine. The process's
    // CPU less this (the client's) thread is the embedded broker's thread.
    state.counters["client_cpu_ns_per_msg"] = client_cpu * 1e9 / total;
    double broker_cpu_ns = 0;
    if (t.fake) {
        broker_cpu_ns = (process_cpu - client_cpu) * 1e9 / total;
        state.counters["broker_cpu_ns_per_msg"] = broker_cpu_ns;
    }
    g_summary.push_back({std::string(workload), t.name(), total / timed.count(), broker_cpu_ns});
}

// An untimed run first, so the broker's heap has grown to the working set (glibc grows
// a thread's arena page by page, which would otherwise be charged to whichever
// benchmark runs first) and the sockets' buffers have opened up.
std::size_t warmup_messages(std::size_t n) { return std::clamp<std::size_t>(n / 4, 100, 50'000); }

// Setup failures skip the benchmark with the message (the timed loop then runs no
// iteration, as Google Benchmark requires).
void guarded(benchmark::State& state, const std::function<void()>& body)
{
    g_loop_entered = false;
    try {
        body();
    } catch (const std::exception& e) {
        if (!state.error_occurred()) state.SkipWithError(e.what());
        if (!g_loop_entered) {
            for (auto _ : state) {}
        }
    }
}

// One publisher connection, one consumer connection, one queue on the default exchange.
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

// A fanout exchange bound to `queues` queues; one consumer connection consumes all of
// them (no-ack) and counts every delivery.
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

// A topic exchange, one queue, one matching binding ("bench.*.key") plus `extra`
// bindings to the same queue that never match "bench.routing.key"; consumer no-ack.
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

// confirm.select, publish N to a queue, wait for every ack. Without a consumer the
// queue is purged between runs (untimed); with one, the run also waits for every
// delivery (the usual shape of a confirmed pipeline).
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

// Declares `count` topic bindings from a fresh queue to one exchange (pipelined, as
// bm_topic does), then deletes the queue, which removes them all. items_per_second
// counts bindings; the cost should grow linearly with `count`.
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

// Publishes `messages` 32-byte messages (no confirms) to `queues` queues nobody
// consumes (through a fanout exchange when more than one), waits until the broker
// holds them all (broker inspection), and reports the growth of the process's RSS and
// heap per message. Embedded broker only: it is the process measured.
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

void print_summary()
{
    if (g_summary.empty() && g_memory.empty()) return;
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, std::vector<double>>> rates;
    std::map<std::string, std::vector<double>> broker_cpu;
    for (const auto& row : g_summary) {
        if (!rates.contains(row.workload)) order.push_back(row.workload);
        rates[row.workload][row.target].push_back(row.messages_per_second);
        if (row.target == std::string("fake")) broker_cpu[row.workload].push_back(row.broker_cpu_ns_per_message);
    }
    std::printf(
        "\nSummary: messages/s end to end (median of runs); ratio = fake / RabbitMQ;\n"
        "broker CPU = the embedded broker thread's CPU time per message\n");
    std::printf("%-32s %12s %12s %8s %16s\n", "workload", "fake", "rabbitmq", "ratio", "broker CPU ns");
    for (const auto& w : order) {
        const auto& by_target = rates[w];
        const double fake = by_target.contains("fake") ? median(by_target.at("fake")) : 0;
        const double rabbit = by_target.contains("rabbitmq") ? median(by_target.at("rabbitmq")) : 0;
        char ratio[32] = "-";
        if (fake > 0 && rabbit > 0) std::snprintf(ratio, sizeof ratio, "%.1fx", fake / rabbit);
        const std::string cpu = broker_cpu.contains(w) ? with_commas(median(broker_cpu.at(w))) : "-";
        std::printf("%-32s %12s %12s %8s %16s\n", w.c_str(), fake > 0 ? with_commas(fake).c_str() : "-",
                    rabbit > 0 ? with_commas(rabbit).c_str() : "-", ratio, cpu.c_str());
    }
    if (!g_memory.empty()) std::printf("\nBroker memory per queued 32-byte message (growth over the run)\n");
    for (const auto& m : g_memory) {
        std::printf("%-36s RSS +%.0f B/message, heap +%.0f B/message (%.0f B per queue entry)\n", m.workload.c_str(),
                    m.rss_per_message, m.heap_per_message, m.heap_per_message / static_cast<double>(m.queues));
    }
}

template <class... Args>
void add(const target& t, const std::string& workload, void (*fn)(benchmark::State&, target, Args...),
         std::type_identity_t<Args>... args)
{
    const std::string name = std::string(t.name()) + "/" + workload;
    benchmark::RegisterBenchmark(name.c_str(), fn, t, args...)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

void register_benchmarks()
{
    // Memory first, while the heap has not yet grown and been freed by other runs.
    for (const std::size_t queues : {std::size_t{1}, std::size_t{10}}) {
        const std::string name = "fake/memory/" + std::to_string(queues) + "_queues";
        benchmark::RegisterBenchmark(name.c_str(), bm_memory, queues, std::size_t{100'000})
            ->Iterations(1)
            ->Repetitions(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    }
    std::vector<bool> targets{true};
    if (g_options.rabbitmq) targets.push_back(false);
    for (const bool fake : targets) {
        auto t = [fake](std::size_t fake_messages, std::size_t rabbitmq_messages) {
            return target{fake, fake_messages, rabbitmq_messages};
        };
        add(t(200'000, 50'000), "one_to_one/no_ack", bm_one_to_one, false);
        add(t(200'000, 50'000), "one_to_one/manual_ack", bm_one_to_one, true);
        add(t(100'000, 10'000), "fanout/10", bm_fanout, std::size_t{10});
        add(t(10'000, 1'000), "fanout/100", bm_fanout, std::size_t{100});
        add(t(200'000, 50'000), "topic/1_binding", bm_topic, std::size_t{0});
        add(t(200'000, 50'000), "topic/10001_bindings", bm_topic, std::size_t{10'000});
        add(t(200'000, 50'000), "confirms/transient", bm_confirms, false, false);
        add(t(200'000, 50'000), "confirms/transient+consumer", bm_confirms, false, true);
        add(t(200'000, 20'000), "confirms/persistent_durable", bm_confirms, true, false);
        add(t(10'000, 10'000), "bind_then_delete/1000", bm_bindings, std::size_t{1'000});
        add(t(10'000, 10'000), "bind_then_delete/10000", bm_bindings, std::size_t{10'000});
    }
}

// Takes this program's own flags out of argv before Google Benchmark sees them.
void parse_options(int& argc, char** argv)
{
    std::optional<std::string> url;
    if (const char* env = std::getenv("AMQP_URL"); env && *env) url = env;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--amqp_url=")) {
            url = std::string(arg.substr(11));
        } else if (arg.starts_with("--scale=")) {
            g_options.scale = std::strtod(std::string(arg.substr(8)).c_str(), nullptr);
            if (!(g_options.scale > 0)) throw bench_error("--scale must be positive");
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (url && !url->empty()) g_options.rabbitmq = amqp_url::parse(*url);
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        parse_options(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "broker_bench: %s\n", e.what());
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    register_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    print_summary();
    return 0;
}
