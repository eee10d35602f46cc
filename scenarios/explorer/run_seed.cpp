#include "run_seed.hpp"

#include "invariants.hpp"
#include "workload.hpp"

#include <amqp/client.hpp>
#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/world.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <sstream>

namespace amqp::scenarios::explorer {
namespace {

using namespace std::chrono_literals;

// SplitMix64: consecutive seeds get unrelated shapes.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

fakebroker::chaos_options default_chaos()
{
    using fakebroker::hook;
    fakebroker::chaos_options c;
    c.hooks = {hook::method_received, hook::before_method_sent, hook::after_method_sent, hook::heartbeat_tick};
    c.drop = 0.003;
    c.reset = 0.003;
    c.stall = 0.002;
    c.close_channel = 0.004;
    c.close_connection = 0.002;
    c.delay = 0.01;
    c.split_writes = 0.004;
    c.block = 0.002;
    c.cancel_consumer = 0.004;
    c.refuse_connections = 0.002;
    c.restart = 0.001;
    // Longer than two heartbeat intervals (5 s), so that some stalls are detected.
    c.max_delay = 12s;
    c.max_faults = 6;
    return c;
}

run_shape shape_for(std::uint64_t seed, const workload_options& options)
{
    const std::uint64_t bits = mix(seed);
    run_shape s;
    s.durable = options.durable.value_or((bits & 1) != 0);
    s.republish_unconfirmed = options.republish_unconfirmed.value_or((bits & 2) != 0);
    s.split_reads = options.split_reads.value_or((bits & 12) == 0);
    return s;
}

fakebroker::chaos_options chaos_for(std::uint64_t seed, const workload_options& options)
{
    fakebroker::chaos_options c = options.chaos;
    c.seed = seed;
    if (!shape_for(seed, options).durable) c.restart = 0;
    return c;
}

run_report run_seed(std::uint64_t seed, const workload_options& options)
{
    run_report report;
    report.seed = seed;
    report.shape = shape_for(seed, options);

    std::vector<std::string> broker_closes;
    harness::world_options world_options;
    world_options.log = options.verbose;
    world_options.on_line = options.on_event;
    // The trace is the oracle for the 406 "unknown delivery tag" check: every
    // channel.close the broker sends passes through it.
    world_options.trace = [&broker_closes, wire = options.trace_wire](harness::world& w, std::string_view line) {
        if (line.find("channel.close") != std::string_view::npos && line.find("<-") != std::string_view::npos)
            broker_closes.emplace_back(line);
        if (wire) w.say(line);
    };
    if (report.shape.split_reads) {
        auto pieces = std::make_shared<std::mt19937_64>(mix(seed ^ 0x5b1d));
        world_options.read_limit = [pieces](std::size_t waiting) {
            return std::size_t(1 + (*pieces)() % std::min<std::size_t>(waiting, 256));
        };
    }
    harness::world world(std::move(world_options));
    auto& broker = world.broker();
    world.log().note([&] {
        std::ostringstream os;
        os << "seed " << seed << ": "
           << (report.shape.durable ? "durable queue, persistent messages" : "transient queue")
           << (report.shape.republish_unconfirmed ? ", republish_unconfirmed" : "")
           << (report.shape.split_reads ? ", reads split at seeded boundaries" : "");
        return os.str();
    });
    // After the seed's line, so that the log opens with the run's shape.
    broker.set_chaos(chaos_for(seed, options));
    for (const auto& rule : options.rules) broker.add_fault(rule);

    auto w = std::make_shared<workload>(world.io().get_executor(), world.clock(), world.environment(), options,
                                        report.shape, seed, world.log());
    w->start();
    // Every phase counts the handlers it runs against one budget (run_until checks its
    // condition after each), so that a livelock cannot hang the explorer.
    std::uint64_t steps = 0;
    const auto exhausted = [&] { return ++steps > options.max_steps; };
    const auto finished = [&] { return exhausted() || w->finished(); };
    world.run_until(finished, options.chaos_phase);
    broker.set_chaos(std::nullopt);
    world.log().note([] { return std::string("chaos stopped"); });
    world.run_until(finished, options.settle_limit);
    world.log().note([&] { return std::string(w->finished() ? "settled" : "did not settle"); });
    world.run_until(exhausted, options.quiet_period + options.chaos.max_delay);
    const bool livelock = steps > options.max_steps;

    broker_snapshot snapshot;
    snapshot.connections = broker.connections();
    snapshot.channels = broker.channels();
    snapshot.queues = broker.queues();
    report.record = w->record();
    report.record.broker_closes = std::move(broker_closes);
    report.violations = check_invariants(report.record, snapshot);
    report.steps = steps;
    if (livelock) {
        report.violations.insert(
            report.violations.begin(),
            "livelock: " + std::to_string(options.max_steps) + " handlers ran and virtual time stood still at " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(world.elapsed()).count()) +
                " ms (the checks below are from that moment)");
    }
    report.faults = broker.fired_faults();
    report.virtual_time = std::chrono::duration_cast<std::chrono::milliseconds>(world.elapsed());

    w->shutdown();
    steps = 0;
    world.run_until([&] { return exhausted() || w->stopped(); }, 60s);
    if (!w->stopped()) report.violations.push_back("the workload did not shut down within 60 s of virtual time");
    w->release();
    world.stop();
    report.events = world.log().lines();
    return report;
}

std::string summary(const run_report& report)
{
    std::map<std::string, std::size_t> kinds;
    for (const auto& f : report.faults) {
        for (const auto& a : f.actions) ++kinds[std::string(fakebroker::to_string(a.action))];
    }
    const auto& r = report.record;
    std::size_t delivered = 0;
    for (const auto& [gen, tags] : r.delivered) delivered += tags.size();
    std::size_t acked = 0;
    std::size_t stale = 0;
    for (const auto& a : r.acks) {
        acked += !a.result;
        stale += a.result == client::errc::stale_delivery;
    }
    std::ostringstream os;
    os << "seed " << report.seed << ": " << (report.shape.durable ? "durable" : "transient")
       << (report.shape.republish_unconfirmed ? ", republish" : "") << (report.shape.split_reads ? ", split" : "")
       << "; " << report.faults.size() << " fault(s)";
    if (!kinds.empty()) {
        os << " (";
        bool first = true;
        for (const auto& [kind, n] : kinds) {
            os << (first ? "" : ", ") << kind << (n > 1 ? " x" + std::to_string(n) : "");
            first = false;
        }
        os << ")";
    }
    os << "; " << r.reconnects << " reconnect(s); " << r.confirmed.size() << "/" << r.published.size() << " confirmed, "
       << r.republished.size() << " republished; " << delivered << " deliveries, " << acked << " acked, " << stale
       << " stale; rpc " << r.rpc_answered << "/" << r.rpc_calls << " answered";
    if (r.rpc_gave_up) os << ", " << r.rpc_gave_up << " gave up";
    os << "; " << report.virtual_time.count() / 1000.0 << " s virtual, " << report.steps
       << " handlers: " << (report.ok() ? "ok" : std::to_string(report.violations.size()) + " violation(s)");
    return os.str();
}

}  // namespace amqp::scenarios::explorer
