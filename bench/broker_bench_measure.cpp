// broker_bench's timed loop: wall and CPU time per run, the counters it reports, the rows kept for the summary.
#include "broker_bench.hpp"

#include <cstdint>
#include <exception>

namespace amqp::bench::broker_bench {

void measure(benchmark::State& state, const target& t, std::string_view workload, std::size_t messages,
             const std::function<void()>& once, const std::function<void()>& between,
             std::size_t deliveries_per_message)
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

}  // namespace amqp::bench::broker_bench
