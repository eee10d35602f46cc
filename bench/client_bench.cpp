// End-to-end benchmarks of the client library (amqp::client) as an application uses
// it: connections, channels, basic_publish with completion handlers, callback
// consumers and rpc_client. Three brokers, each benchmark against a fresh one:
//
//   fake_thread  the embedded broker with its own thread (broker(options)); the
//                client's io_context runs on the benchmark's thread
//   fake_io      the embedded broker on the client's io_context (broker(io, options)):
//                client and broker share one thread, no cross-thread wake-ups
//   fake_pipe    as fake_io, but connected through in-memory pipes instead of TCP
//                (environment::open_transport, broker::attach): no system calls
//   rabbitmq     the broker at AMQP_URL (or --amqp_url=), when given
//
//   client_bench [--amqp_url=amqp://guest:guest@127.0.0.1:5672/] [--scale=0.1]
//                [Google Benchmark flags, e.g. --benchmark_filter=fake_io/]
//
// Workloads, 32-byte bodies, publisher and consumer on separate connections:
//   publish/no_confirms   publish without confirms (at most 20,000 not yet delivered),
//                         one no-ack consumer; done when the consumer got them all
//   publish/confirms/W    publisher confirms, at most W unconfirmed (W = all: publish
//                         everything, then wait for every confirm); no consumer
//   consume/manual_ack    a queue filled beforehand (untimed) drained by a consumer
//                         with prefetch 1000 that acks every message on its own
//   rpc/round_trip        rpc_client::call awaited one at a time against a server
//                         (callback consumer, prefetch 1, manual ack) that replies to
//                         reply_to; p50/p90/p99 latency in microseconds as counters
//
// items_per_second counts messages (calls for rpc). Google Benchmark's time is the
// timed part only (manual time). client_cpu_ns_per_msg is the benchmark thread's CPU
// time per message (the client, and for fake_io and fake_pipe the broker too); broker_cpu_ns_per_msg
// is the rest of the process's CPU time, the broker's thread, for fake_thread.
#include <amqp/client.hpp>
#include <amqp/client/memory_transport.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/memory_pipe.hpp>
#include "report_format.hpp"

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>
#include <unistd.h>

namespace {

using amqp::bench::median;
using amqp::bench::with_commas;

namespace client = amqp::client;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr std::size_t body_size = 32;
constexpr auto setup_timeout = 60s;
constexpr auto run_timeout = 300s;

struct bench_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct bench_options {
    std::optional<std::string> rabbitmq_url;
    double scale = 1.0;
} g_options;

enum class broker_kind { fake_thread, fake_io, fake_pipe, rabbitmq };

const char* name_of(broker_kind kind)
{
    switch (kind) {
    case broker_kind::fake_thread: return "fake_thread";
    case broker_kind::fake_io: return "fake_io";
    case broker_kind::fake_pipe: return "fake_pipe";
    case broker_kind::rabbitmq: return "rabbitmq";
    }
    return "?";
}

// Where a benchmark runs and how many messages one run moves (RabbitMQ gets fewer).
struct target {
    broker_kind kind = broker_kind::fake_thread;
    std::size_t fake_messages = 0;
    std::size_t rabbitmq_messages = 0;

    const char* name() const { return name_of(kind); }
    std::size_t messages() const
    {
        const double n =
            static_cast<double>(kind == broker_kind::rabbitmq ? rabbitmq_messages : fake_messages) * g_options.scale;
        return std::max<std::size_t>(100, static_cast<std::size_t>(n));
    }
};

// The client's io_context (one thread: the benchmark's) and the broker under test.
// run() and drive() run the io_context until a task or a condition is done, bounded.
class environment {
public:
    explicit environment(broker_kind kind) : kind_(kind), io_(1)
    {
        switch (kind) {
        case broker_kind::fake_thread:
            broker_.emplace();
            broker_->start();
            url_ = broker_->url();
            break;
        case broker_kind::fake_io:
            broker_.emplace(io_);
            broker_->start();
            url_ = broker_->url();
            break;
        case broker_kind::fake_pipe: {
            amqp::fakebroker::broker_options options;
            options.listen = false;
            broker_.emplace(io_, options);
            broker_->start();
            url_ = "amqp://guest:guest@in-process/";
            client_env_.open_transport = [this](const client::endpoint&, const asio::any_io_executor& executor,
                                                client::environment::transport_handler done) {
                auto [client_end, broker_end] = amqp::runtime::make_memory_pipe(executor);
                broker_->attach(broker_end);
                done({}, client::make_memory_transport(client_end, "in-process"));
            };
            break;
        }
        case broker_kind::rabbitmq: url_ = *g_options.rabbitmq_url; break;
        }
    }
    ~environment()
    {
        if (broker_) {
            broker_->stop();
            broker_.reset();
        }
        io_.restart();
        io_.poll();
    }
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
    void drive(const std::function<bool()>& done, steady::duration timeout, std::string_view what)
    {
        if (done()) return;
        auto expired = std::make_shared<bool>(false);
        asio::steady_timer timer(io_, timeout);
        timer.async_wait([expired, this](std::error_code ec) {
            if (!ec) {
                *expired = true;
                io_.stop();
            }
        });
        auto work = asio::make_work_guard(io_);
        while (!done() && !*expired) {
            io_.restart();
            io_.run();
        }
        if (!done()) throw bench_error(std::string(what) + ": timed out");
    }

    // Runs a coroutine to completion, rethrowing its exception.
    void run(asio::awaitable<void> task, std::string_view what, steady::duration timeout = setup_timeout)
    {
        struct result {
            bool done = false;
            std::exception_ptr error;
        };
        auto r = std::make_shared<result>();
        asio::co_spawn(io_, std::move(task), [r, this](std::exception_ptr e) {
            r->error = e;
            r->done = true;
            io_.stop();
        });
        drive([&] { return r->done; }, timeout, what);
        if (r->error) std::rethrow_exception(r->error);
    }

private:
    broker_kind kind_;
    asio::io_context io_;  // before broker_: a broker on it is destroyed first
    std::optional<amqp::fakebroker::broker> broker_;
    std::string url_;
    client::environment client_env_;
};

std::string unique_name(std::string_view what)
{
    static int counter = 0;
    return "client_bench." + std::to_string(::getpid()) + "." + std::to_string(++counter) + "." + std::string(what);
}

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

client::channel open_channel(environment& env, client::connection& c, bool confirms = false)
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

// An exclusive queue with a unique name: it goes away with its connection (RabbitMQ
// keeps queues otherwise), and other connections may still publish to it.
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

// Publishes `n` messages to the default exchange, with at most `window` outstanding
// (published but not yet delivered, or not yet confirmed on a confirming channel),
// in batches: it refills when a batch's worth completed, and yields to the
// io_context every 1,024 publishes so that reads interleave with writing.
// complete() is called for each delivery (no confirms) or confirm.
class publisher {
public:
    publisher(environment& env, client::channel ch, std::string routing_key, std::size_t window)
        : env_(env),
          channel_(std::move(ch)),
          routing_key_(std::move(routing_key)),
          body_(body_size, 'x'),
          window_(window == 0 ? SIZE_MAX : window),
          refill_(std::max<std::size_t>(1, std::min<std::size_t>(256, window_ / 4)))
    {}

    // Publishes `n` and drives the io_context until all completed.
    void run(std::size_t n)
    {
        n_ = n;
        published_ = completed_ = 0;
        error_.clear();
        pump();
        env_.drive([this] { return completed_ == n_ || !error_.empty(); }, run_timeout, "publish");
        if (!error_.empty()) throw bench_error(error_);
    }

    void complete()
    {
        if (++completed_ == n_) {
            env_.wake();
        } else if (published_ < n_ && published_ - completed_ + refill_ <= window_ && !pump_posted_) {
            pump();
        }
    }

    std::size_t published() const noexcept { return published_; }
    std::size_t completed() const noexcept { return completed_; }

private:
    void pump()
    {
        pump_posted_ = false;
        for (std::size_t batch = 0; published_ < n_ && published_ - completed_ < window_; ++batch) {
            if (batch == 1024) {
                pump_posted_ = true;
                asio::post(env_.executor(), [this] { pump(); });
                return;
            }
            ++published_;
            channel_.basic_publish("", routing_key_, client::message(body_), false, [this](std::error_code ec) {
                if (ec) {
                    error_ = "publish failed: " + ec.message();
                    env_.wake();
                } else if (channel_.publisher_confirms()) {
                    complete();
                }
            });
        }
    }

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

// Results kept for the summary printed after all benchmarks.
struct summary_row {
    std::string workload;
    std::string target;
    double rate = 0;  // messages/s, or calls/s
    double p50_us = 0, p99_us = 0;
};
std::vector<summary_row> g_summary;

double cpu_seconds(clockid_t clock)
{
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

bool g_loop_entered = false;

// The timed loop: `before` (untimed), then `once` (timed) per iteration. An exception
// fails the benchmark with its message.
void measure(benchmark::State& state, const environment& env, const target& t, const std::string& workload,
             std::size_t items, const std::function<void()>& once, const std::function<void()>& before = {})
{
    double wall = 0, process_cpu = 0, thread_cpu = 0;
    std::size_t iterations = 0;
    g_loop_entered = true;
    for (auto _ : state) {
        try {
            if (before) before();
            const auto start = steady::now();
            const double process_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
            const double thread_start = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
            once();
            thread_cpu += cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - thread_start;
            process_cpu += cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - process_start;
            const double seconds = std::chrono::duration<double>(steady::now() - start).count();
            wall += seconds;
            state.SetIterationTime(seconds);
            ++iterations;
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            break;
        }
    }
    if (iterations == 0) return;
    const double total = static_cast<double>(items * iterations);
    state.SetItemsProcessed(static_cast<std::int64_t>(total));
    state.counters["messages"] = static_cast<double>(items);
    state.counters["client_cpu_ns_per_msg"] = thread_cpu * 1e9 / total;
    if (env.kind() == broker_kind::fake_thread)
        state.counters["broker_cpu_ns_per_msg"] = (process_cpu - thread_cpu) * 1e9 / total;
    g_summary.push_back({workload, t.name(), total / wall, 0, 0});
}

std::size_t warmup_messages(std::size_t n) { return std::clamp<std::size_t>(n / 4, 100, 50'000); }

// Setup failures skip the benchmark with the message.
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

// 1. Publish without confirms; one no-ack consumer on another connection.
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

// 2. Publisher confirms, at most `window` unconfirmed (0: all); no consumer, the
// queue is purged before each run (untimed).
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

// 3. Consume with manual acks (one basic.ack per message), prefetch 1000, from a
// queue filled beforehand (untimed, with confirms).
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

double percentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

// 4. RPC round trips (tutorial 6): rpc_client::call awaited one at a time; the server
// is a callback consumer (prefetch 1, manual ack) on its own connection that publishes
// the reply to reply_to with the request's correlation_id.
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

void print_summary()
{
    if (g_summary.empty()) return;
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, std::vector<const summary_row*>>> rows;
    for (const auto& row : g_summary) {
        if (!rows.contains(row.workload)) order.push_back(row.workload);
        rows[row.workload][row.target].push_back(&row);
    }
    auto cell = [&](const std::string& workload, const char* target, double summary_row::*field) -> double {
        const auto& by_target = rows[workload];
        if (!by_target.contains(target)) return 0;
        std::vector<double> values;
        for (const auto* r : by_target.at(target)) values.push_back(r->*field);
        return median(values);
    };
    std::printf(
        "\nSummary (median of runs): messages/s end to end, calls/s for rpc;\n"
        "ratio = fake / RabbitMQ\n");
    std::printf("%-24s %12s %12s %12s %12s %9s %9s\n", "workload", "fake_thread", "fake_io", "fake_pipe", "rabbitmq",
                "thr/rmq", "io/rmq");
    for (const auto& w : order) {
        const double thread = cell(w, "fake_thread", &summary_row::rate);
        const double io = cell(w, "fake_io", &summary_row::rate);
        const double pipe = cell(w, "fake_pipe", &summary_row::rate);
        const double rabbit = cell(w, "rabbitmq", &summary_row::rate);
        auto fmt = [](double v) { return v > 0 ? with_commas(v) : std::string("-"); };
        auto ratio = [&](double v) {
            char buf[32] = "-";
            if (v > 0 && rabbit > 0) std::snprintf(buf, sizeof buf, "%.1fx", v / rabbit);
            return std::string(buf);
        };
        std::printf("%-24s %12s %12s %12s %12s %9s %9s\n", w.c_str(), fmt(thread).c_str(), fmt(io).c_str(),
                    fmt(pipe).c_str(), fmt(rabbit).c_str(), ratio(thread).c_str(), ratio(io).c_str());
        if (w == "rpc/round_trip") {
            for (const auto* target : {"fake_thread", "fake_io", "fake_pipe", "rabbitmq"}) {
                const double p50 = cell(w, target, &summary_row::p50_us);
                if (p50 > 0)
                    std::printf("  rpc latency %-11s p50 %.1f us, p99 %.1f us\n", target, p50,
                                cell(w, target, &summary_row::p99_us));
            }
        }
    }
}

void add(const target& t, const std::string& workload, const std::function<void(benchmark::State&)>& fn)
{
    const std::string name = std::string(t.name()) + "/" + workload;
    benchmark::RegisterBenchmark(name.c_str(), [fn](benchmark::State& state) { fn(state); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
}

void register_benchmarks()
{
    std::vector<broker_kind> kinds{broker_kind::fake_thread, broker_kind::fake_io, broker_kind::fake_pipe};
    if (g_options.rabbitmq_url) kinds.push_back(broker_kind::rabbitmq);
    for (const auto kind : kinds) {
        auto t = [kind](std::size_t fake_messages, std::size_t rabbitmq_messages) {
            return target{kind, fake_messages, rabbitmq_messages};
        };
        const auto a = t(200'000, 50'000);
        add(a, "publish/no_confirms", [a](benchmark::State& s) { bm_no_confirms(s, a); });
        add(a, "publish/confirms/1000", [a](benchmark::State& s) { bm_confirms(s, a, 1000); });
        add(a, "publish/confirms/all", [a](benchmark::State& s) { bm_confirms(s, a, 0); });
        add(a, "consume/manual_ack", [a](benchmark::State& s) { bm_manual_ack(s, a); });
        const auto r = t(20'000, 5'000);
        add(r, "rpc/round_trip", [r](benchmark::State& s) { bm_rpc(s, r); });
    }
}

// Takes this program's own flags out of argv before Google Benchmark sees them.
void parse_options(int& argc, char** argv)
{
    if (const char* env = std::getenv("AMQP_URL"); env && *env) g_options.rabbitmq_url = env;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--amqp_url=")) {
            g_options.rabbitmq_url = std::string(arg.substr(11));
        } else if (arg.starts_with("--scale=")) {
            g_options.scale = std::strtod(std::string(arg.substr(8)).c_str(), nullptr);
            if (!(g_options.scale > 0)) throw bench_error("--scale must be positive");
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (g_options.rabbitmq_url && g_options.rabbitmq_url->empty()) g_options.rabbitmq_url.reset();
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        parse_options(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "client_bench: %s\n", e.what());
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
