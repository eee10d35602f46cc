// broker_bench's summary: the median rate of each workload per broker, their ratio, the broker's CPU and memory per message.
#include "broker_bench.hpp"
#include "report_format.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace amqp::bench::broker_bench {

void print_summary()
{
    if (g_summary.empty() && g_memory.empty()) return;
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, std::vector<double>>> rates;
    std::map<std::string, std::vector<double>> broker_cpu;
    for (const auto& row : g_summary) {
        if (!rates.contains(row.workload)) order.push_back(row.workload);
        rates[row.workload][row.target].push_back(row.messages_per_second);
        if (row.target == std::string("fake")) broker_cpu[row.workload].push_back(row.broker_cpu_ns_per_message);
    }
    std::printf(
        "\nSummary: messages/s end to end (median of runs); ratio = fake / RabbitMQ;\n"
        "broker CPU = the embedded broker thread's CPU time per message\n");
    std::printf("%-32s %12s %12s %8s %16s\n", "workload", "fake", "rabbitmq", "ratio", "broker CPU ns");
    for (const auto& w : order) {
        const auto& by_target = rates[w];
        const double fake = by_target.contains("fake") ? median(by_target.at("fake")) : 0;
        const double rabbit = by_target.contains("rabbitmq") ? median(by_target.at("rabbitmq")) : 0;
        char ratio[32] = "-";
        if (fake > 0 && rabbit > 0) std::snprintf(ratio, sizeof ratio, "%.1fx", fake / rabbit);
        const std::string cpu = broker_cpu.contains(w) ? with_commas(median(broker_cpu.at(w))) : "-";
        std::printf("%-32s %12s %12s %8s %16s\n", w.c_str(), fake > 0 ? with_commas(fake).c_str() : "-",
                    rabbit > 0 ? with_commas(rabbit).c_str() : "-", ratio, cpu.c_str());
    }
    if (!g_memory.empty()) std::printf("\nBroker memory per queued 32-byte message (growth over the run)\n");
    for (const auto& m : g_memory) {
        std::printf("%-36s RSS +%.0f B/message, heap +%.0f B/message (%.0f B per queue entry)\n", m.workload.c_str(),
                    m.rss_per_message, m.heap_per_message, m.heap_per_message / static_cast<double>(m.queues));
    }
}

}  // namespace amqp::bench::broker_bench
