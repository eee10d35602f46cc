// client_bench's summary: the median rate of each workload per broker, the ratios to RabbitMQ, the RPC latencies.
#include "client_bench.hpp"
#include "report_format.hpp"

#include <cstdio>
#include <map>

namespace amqp::bench::client_bench {

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

}  // namespace amqp::bench::client_bench
