// What broker_bench's source files share: the options, the brokers and topology under test, the timed loop, the results.
#pragma once

#include "bench_connection.hpp"
#include "measure_support.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::bench::broker_bench {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;

inline constexpr auto setup_timeout = 60s;
inline constexpr std::size_t body_size = 32;

struct bench_options {
    std::optional<amqp_url> rabbitmq;
    double scale = 1.0;
};
inline bench_options g_options;

// --- brokers and topology (broker_bench_setup.cpp) -------------------------------------

// Where a benchmark runs, and how many messages one run moves there (RabbitMQ is
// about 10x slower, so it gets fewer).
struct target {
    bool fake = true;
    std::size_t fake_messages = 0;
    std::size_t rabbitmq_messages = 0;

    const char* name() const { return fake ? "fake" : "rabbitmq"; }
    std::size_t messages() const;
};

// A fresh embedded broker, or the RabbitMQ from the options.
class broker_under_test {
public:
    explicit broker_under_test(bool fake);
    ~broker_under_test();
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
    ~topology();
    topology(const topology&) = delete;
    topology& operator=(const topology&) = delete;

    std::string unique(std::string_view what);
    std::string queue(bench_connection& c, std::string_view what, bool durable = false);
    std::string exchange(bench_connection& c, std::string_view what, std::string type);

    // Pipelined: all the binds in one write, then all the bind-oks.
    void bind(bench_connection& c, const std::string& queue, const std::string& exchange,
              const std::vector<std::string>& keys);

private:
    amqp_url url_;
    std::vector<std::string> queues_;
    std::vector<std::string> exchanges_;
};

void consume(bench_connection& c, const std::string& queue, bool no_ack);

void purge(bench_connection& c, const std::string& queue);

// --- the timed loop (broker_bench_measure.cpp) -----------------------------------------

// Results kept for the summary printed after all benchmarks: one entry per run.
struct summary_row {
    std::string workload;
    std::string target;
    double messages_per_second = 0;
    double broker_cpu_ns_per_message = 0;  // embedded broker only
};
inline std::vector<summary_row> g_summary;

struct memory_row {
    std::string workload;
    double rss_per_message = 0;
    double heap_per_message = 0;
    std::size_t queues = 1;
};
inline std::vector<memory_row> g_memory;

// Runs the timed loop: `once` per iteration (timed), `between` after each (untimed).
// An exception fails the benchmark with its message instead of escaping.
void measure(benchmark::State& state, const target& t, std::string_view workload, std::size_t messages,
             const std::function<void()>& once, const std::function<void()>& between = {},
             std::size_t deliveries_per_message = 0);

// --- the workloads (broker_bench_workloads.cpp) ----------------------------------------

// One publisher connection, one consumer connection, one queue on the default exchange.
void bm_one_to_one(benchmark::State& state, target t, bool manual_ack);

// A fanout exchange bound to `queues` queues; one consumer connection consumes all of
// them (no-ack) and counts every delivery.
void bm_fanout(benchmark::State& state, target t, std::size_t queues);

// A topic exchange, one queue, one matching binding ("bench.*.key") plus `extra`
// bindings to the same queue that never match "bench.routing.key"; consumer no-ack.
void bm_topic(benchmark::State& state, target t, std::size_t extra);

// confirm.select, publish N to a queue, wait for every ack. Without a consumer the
// queue is purged between runs (untimed); with one, the run also waits for every
// delivery (the usual shape of a confirmed pipeline).
void bm_confirms(benchmark::State& state, target t, bool persistent, bool with_consumer);

// Declares `count` topic bindings from a fresh queue to one exchange (pipelined, as
// bm_topic does), then deletes the queue, which removes them all. items_per_second
// counts bindings; the cost should grow linearly with `count`.
void bm_bindings(benchmark::State& state, target t, std::size_t count);

// Publishes `messages` 32-byte messages (no confirms) to `queues` queues nobody
// consumes (through a fanout exchange when more than one), waits until the broker
// holds them all (broker inspection), and reports the growth of the process's RSS and
// heap per message. Embedded broker only: it is the process measured.
void bm_memory(benchmark::State& state, std::size_t queues, std::size_t messages);

// --- the summary (broker_bench_summary.cpp) --------------------------------------------

// The table of g_summary and g_memory, after all benchmarks ran.
void print_summary();

}  // namespace amqp::bench::broker_bench
