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
#include "broker_bench.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace amqp::bench::broker_bench {
namespace {

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
}  // namespace amqp::bench::broker_bench

int main(int argc, char** argv)
{
    using namespace amqp::bench::broker_bench;
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
