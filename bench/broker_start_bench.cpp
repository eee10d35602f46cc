// Embedded broker start() + stop(): what a test case pays for a fresh broker.
//
//   broker_start_bench [Google Benchmark flags]
//
// Two ways to embed it: the broker with its own thread, and the broker on the
// caller's io_context (the caller polls it; no thread). Each iteration constructs,
// starts (bind, listen, first accept and timer), stops and destroys one broker.
// A third benchmark creates and joins a bare std::thread: the floor for the first.
#include <amqp/fakebroker/broker.hpp>

#include <asio/io_context.hpp>

#include <benchmark/benchmark.h>

#include <thread>

namespace {

using amqp::fakebroker::broker;

void bm_own_thread(benchmark::State& state)
{
    for (auto _ : state) {
        broker b;
        b.start();
        benchmark::DoNotOptimize(b.port());
        b.stop();
    }
}

void bm_callers_io_context(benchmark::State& state)
{
    asio::io_context io(1);
    for (auto _ : state) {
        {
            broker b(io);
            b.start();
            io.restart();
            io.poll();  // runs what start() left to the io_context
            benchmark::DoNotOptimize(b.port());
            b.stop();
        }
        io.restart();
        io.poll();  // the cancelled accept and timer complete
    }
}

void bm_thread_create_join(benchmark::State& state)
{
    for (auto _ : state) {
        std::thread t([] {});
        t.join();
    }
}

}  // namespace

BENCHMARK(bm_own_thread)->Name("broker/start_stop/own_thread")->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(bm_callers_io_context)
    ->Name("broker/start_stop/callers_io_context")
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(bm_thread_create_join)->Name("std_thread/create_join")->Unit(benchmark::kMicrosecond)->UseRealTime();

BENCHMARK_MAIN();
