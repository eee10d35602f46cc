// What client_bench's source files share: the options, the broker and io_context under test, the calls, the timed loop.
#pragma once

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include "measure_support.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::bench::client_bench {

namespace client = amqp::client;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

inline constexpr std::size_t body_size = 32;
inline constexpr auto setup_timeout = 60s;
inline constexpr auto run_timeout = 300s;

struct bench_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct bench_options {
    std::optional<std::string> rabbitmq_url;
    double scale = 1.0;
};
inline bench_options g_options;

// --- the broker under test (client_bench_environment.cpp) ------------------------------

enum class broker_kind { fake_thread, fake_io, fake_pipe, rabbitmq };

const char* name_of(broker_kind kind);

// Where a benchmark runs and how many messages one run moves (RabbitMQ gets fewer).
struct target {
    broker_kind kind = broker_kind::fake_thread;
    std::size_t fake_messages = 0;
    std::size_t rabbitmq_messages = 0;

    const char* name() const { return name_of(kind); }
    std::size_t messages() const;
};

// The client's io_context (one thread: the benchmark's) and the broker under test.
// run() and drive() run the io_context until a task or a condition is done, bounded.
class environment {
public:
    explicit environment(broker_kind kind);
    ~environment();
    environment(const environment&) = delete;
    environment& operator=(const environment&) = delete;

    broker_kind kind() const noexcept { return kind_; }
    const std::string& url() const noexcept { return url_; }
    // How connections reach the broker: TCP, or for fake_pipe the in-memory pipes.
    const client::environment& client_env() const noexcept { return client_env_; }
    asio::any_io_executor executor() { return io_.get_executor(); }
    amqp::fakebroker::broker* fake() noexcept { return broker_ ? &*broker_ : nullptr; }

    // Makes drive() look at its condition (called when it may have become true).
    void wake() { io_.stop(); }

    // Runs the io_context until `done` holds; throws bench_error after `timeout`.
    // io_context::run() between checks, not run_one(): the per-handler cost of the
    // benchmark's own loop stays out of the figures.
    void drive(const std::function<bool()>& done, steady::duration timeout, std::string_view what);

    // Runs a coroutine to completion, rethrowing its exception.
    void run(asio::awaitable<void> task, std::string_view what, steady::duration timeout = setup_timeout);

private:
    broker_kind kind_;
    asio::io_context io_;  // before broker_: a broker on it is destroyed first
    std::optional<amqp::fakebroker::broker> broker_;
    std::string url_;
    client::environment client_env_;
};

// --- the calls, each run to completion (client_bench_calls.cpp) ------------------------

client::connection connect(environment& env);

client::channel open_channel(environment& env, client::connection& c, bool confirms = false);

// An exclusive queue with a unique name: it goes away with its connection (RabbitMQ
// keeps queues otherwise), and other connections may still publish to it.
std::string declare_queue(environment& env, client::channel& ch);

void set_qos(environment& env, client::channel& ch, std::uint16_t prefetch);

void purge(environment& env, client::channel& ch, const std::string& queue);

// Returns the consumer tag.
std::string consume(environment& env, client::channel& ch, const std::string& queue, bool no_ack,
                    std::function<void(client::incoming_message)> on_message);

void cancel(environment& env, client::channel& ch, const std::string& tag);

void close(environment& env, client::connection& c);

// --- the publisher (client_bench_publisher.cpp) ----------------------------------------

// Publishes `n` messages to the default exchange, with at most `window` outstanding
// (published but not yet delivered, or not yet confirmed on a confirming channel),
// in batches: it refills when a batch's worth completed, and yields to the
// io_context every 1,024 publishes so that reads interleave with writing.
// complete() is called for each delivery (no confirms) or confirm.
class publisher {
public:
    publisher(environment& env, client::channel ch, std::string routing_key, std::size_t window);

    // Publishes `n` and drives the io_context until all completed.
    void run(std::size_t n);

    void complete();

    std::size_t published() const noexcept { return published_; }
    std::size_t completed() const noexcept { return completed_; }

private:
    void pump();

    environment& env_;
    client::channel channel_;
    std::string routing_key_;
    std::string body_;
    std::size_t window_;
    std::size_t refill_;
    std::size_t n_ = 0;
    std::size_t published_ = 0;
    std::size_t completed_ = 0;
    bool pump_posted_ = false;
    std::string error_;
};

// --- the timed loop (client_bench_measure.cpp) -----------------------------------------

// Results kept for the summary printed after all benchmarks.
struct summary_row {
    std::string workload;
    std::string target;
    double rate = 0;  // messages/s, or calls/s
    double p50_us = 0, p99_us = 0;
};
inline std::vector<summary_row> g_summary;

// The timed loop: `before` (untimed), then `once` (timed) per iteration. An exception
// fails the benchmark with its message.
void measure(benchmark::State& state, const environment& env, const target& t, const std::string& workload,
             std::size_t items, const std::function<void()>& once, const std::function<void()>& before = {});

// --- the workloads (client_bench_workloads.cpp) ----------------------------------------

// 1. Publish without confirms; one no-ack consumer on another connection.
void bm_no_confirms(benchmark::State& state, target t);

// 2. Publisher confirms, at most `window` unconfirmed (0: all); no consumer, the
// queue is purged before each run (untimed).
void bm_confirms(benchmark::State& state, target t, std::size_t window);

// 3. Consume with manual acks (one basic.ack per message), prefetch 1000, from a
// queue filled beforehand (untimed, with confirms).
void bm_manual_ack(benchmark::State& state, target t);

// 4. RPC round trips (tutorial 6): rpc_client::call awaited one at a time; the server
// is a callback consumer (prefetch 1, manual ack) on its own connection that publishes
// the reply to reply_to with the request's correlation_id.
void bm_rpc(benchmark::State& state, target t);

// --- the summary (client_bench_summary.cpp) --------------------------------------------

// The table of g_summary, after all benchmarks ran.
void print_summary();

}  // namespace amqp::bench::client_bench
