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
#include "client_bench.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::bench::client_bench {
namespace {

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
}  // namespace amqp::bench::client_bench

int main(int argc, char** argv)
{
    using namespace amqp::bench::client_bench;
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
