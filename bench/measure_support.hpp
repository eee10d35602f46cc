#pragma once

// What both benchmark programs measure with: the CPU clocks, the size of the untimed
// warm-up run, and the guard that turns a failed setup into a skipped benchmark.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>

#include <time.h>

namespace amqp::bench {

inline double cpu_seconds(clockid_t clock)
{
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// An untimed run first, so the broker's heap has grown to the working set (glibc grows
// a thread's arena page by page, which would otherwise be charged to whichever
// benchmark runs first) and the sockets' buffers have opened up.
inline std::size_t warmup_messages(std::size_t n) { return std::clamp<std::size_t>(n / 4, 100, 50'000); }

// Set by a timed loop when it starts: a benchmark whose setup failed must still run
// the loop (with no iteration), as Google Benchmark requires.
inline bool g_loop_entered = false;

// Setup failures skip the benchmark with the message.
inline void guarded(benchmark::State& state, const std::function<void()>& body)
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

}  // namespace amqp::bench
