// client_bench's timed loop: manual time per run, CPU time per message, the rows kept for the summary.
#include "client_bench.hpp"

#include <cstdint>
#include <exception>

namespace amqp::bench::client_bench {

void measure(benchmark::State& state, const environment& env, const target& t, const std::string& workload,
             std::size_t items, const std::function<void()>& once, const std::function<void()>& before)
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

}  // namespace amqp::bench::client_bench
