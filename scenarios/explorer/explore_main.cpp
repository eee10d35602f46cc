// The chaos explorer: runs the workload (publisher confirms, manual-ack consumer, RPC)
// on the robust client against the embedded broker under seeded chaos, one simulation
// per seed, and checks the invariants after each (invariants.hpp).
//
//   explore --seeds 200                  seeds 1..200, a summary, exit 1 on a violation
//   explore --seeds 1000 --first 5000    seeds 5000..5999
//   explore --seed 17 --verbose          replay one seed: its faults and events
//   explore --seeds 50 --chaos swallow=0.002 --max-faults 10
#include "run_seed.hpp"

#include <amqp/fakebroker/faults.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace amqp::scenarios::explorer;

void print_violations(const run_report& report, const std::string& replay)
{
    std::cout << "VIOLATION " << summary(report) << '\n';
    for (const auto& v : report.violations) std::cout << "  - " << v << '\n';
    std::cout << "  replay: " << replay << std::endl;
}

void print_faults(const run_report& report)
{
    std::cout << "== fired faults (" << report.faults.size() << ")\n";
    for (const auto& f : report.faults) std::cout << f.describe() << '\n';
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"Runs a robust-client workload under seeded broker chaos, seed after seed, and checks invariants"};
    std::uint64_t seeds = 0;
    std::uint64_t first = 1;
    std::optional<std::uint64_t> seed;
    bool verbose = false;
    bool trace = false;
    bool each = false;
    bool allow_violations = false;
    workload_options options;
    std::vector<std::string> chaos_odds;
    std::uint64_t max_faults = options.chaos.max_faults;
    app.add_option("--seeds", seeds, "How many seeds to run");
    app.add_option("--first", first, "The first seed (default 1)");
    app.add_option("--seed", seed, "Run (replay) this one seed")->excludes("--seeds");
    app.add_flag("--verbose", verbose, "Print the seed's events and fired faults");
    app.add_flag("--trace", trace, "With --verbose, every frame the broker sent or received as well");
    app.add_flag("--each", each, "Print a summary line for every seed");
    app.add_flag("--allow-violations", allow_violations, "Exit 0 even when a seed violated an invariant (benchmarks)");
    app.add_option("--messages", options.messages, "Messages the publisher gets confirmed per run");
    app.add_option("--rpc-calls", options.rpc_calls, "RPC calls per run");
    app.add_option("--chaos", chaos_odds,
                   "ACTION=PROBABILITY per hook event, replacing the default odds of that action");
    app.add_option("--max-faults", max_faults, "Faults per run at most (0: no limit)");
    CLI11_PARSE(app, argc, argv);

    std::string replay_options;
    if (options.messages != workload_options{}.messages)
        replay_options += " --messages " + std::to_string(options.messages);
    if (options.rpc_calls != workload_options{}.rpc_calls)
        replay_options += " --rpc-calls " + std::to_string(options.rpc_calls);
    try {
        for (const auto& spec : chaos_odds) {
            if (auto problem = options.chaos.set_odds(spec)) throw CLI::ValidationError("--chaos", *problem);
            replay_options += " --chaos " + spec;
        }
    } catch (const CLI::Error& e) {
        return app.exit(e);
    }
    options.chaos.max_faults = max_faults;
    if (max_faults != workload_options{}.chaos.max_faults)
        replay_options += " --max-faults " + std::to_string(max_faults);
    if (auto problem = options.chaos.problem()) {
        std::cerr << "chaos options: " << *problem << '\n';
        return 2;
    }
    const auto replay = [&](std::uint64_t s) {
        return std::string(argv[0]) + " --seed " + std::to_string(s) + replay_options + " --verbose";
    };

    if (seed) {
        options.verbose = verbose;
        options.trace_wire = trace;
        if (verbose) {
            // Live, so that a seed that never ends still shows what it did.
            std::cout << "== events\n";
            options.on_event = [](std::string_view line) { std::cout << line << std::endl; };
        }
        const run_report report = run_seed(*seed, options);
        if (verbose) print_faults(report);
        if (!report.ok()) {
            print_violations(report, replay(*seed));
            return 1;
        }
        std::cout << summary(report) << '\n';
        return 0;
    }
    if (seeds == 0) {
        std::cerr << "give --seeds N or --seed S (see --help)\n";
        return 2;
    }

    std::uint64_t failing = 0;
    std::uint64_t violations = 0;
    std::uint64_t faults = 0;
    std::uint64_t reconnects = 0;
    std::map<std::string, std::uint64_t> kinds;
    const auto started = std::chrono::steady_clock::now();
    for (std::uint64_t s = first; s < first + seeds; ++s) {
        const run_report report = run_seed(s, options);
        faults += report.faults.size();
        reconnects += report.record.reconnects;
        for (const auto& f : report.faults) {
            for (const auto& a : f.actions) ++kinds[std::string(amqp::fakebroker::to_string(a.action))];
        }
        if (each && report.ok()) std::cout << summary(report) << std::endl;
        if (!report.ok()) {
            ++failing;
            violations += report.violations.size();
            print_violations(report, replay(s));
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "explored seeds " << first << ".." << first + seeds - 1 << ": " << seeds << " run(s), " << failing
              << " with violations (" << violations << " violation(s))\n"
              << "faults fired: " << faults;
    if (!kinds.empty()) {
        std::cout << " (";
        bool sep = false;
        for (const auto& [kind, n] : kinds) {
            std::cout << (sep ? ", " : "") << kind << " " << n;
            sep = true;
        }
        std::cout << ")";
    }
    std::cout << "; reconnects: " << reconnects << '\n'
              << std::fixed << std::setprecision(2) << "time: " << seconds << " s, " << std::setprecision(0)
              << (seconds > 0 ? double(seeds) * 60.0 / seconds : 0.0) << " seeds/min\n";
    return failing == 0 || allow_violations ? 0 : 1;
}
