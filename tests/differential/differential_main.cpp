// differential: seeded AMQP 0-9-1 conversations against the embedded broker and a
// second broker (RabbitMQ with --url, another embedded broker without), comparing what
// each connection receives. A divergence prints its seed and the shrunk conversation as
// a conformance test.
#include "conformance_printer.hpp"
#include "differential.hpp"
#include "generator.hpp"
#include "shrinker.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>

namespace {

using namespace amqp::differential;

void print_transcript(std::ostream& os, const char* title, const normalised_transcript& t)
{
    os << "  " << title << ":\n";
    for (const auto& [key, events] : t) {
        for (const auto& e : events) {
            os << "    c" << key.connection << " ch" << key.channel << lane_name(key.lane) << " step " << e.step << ": "
               << e.text.substr(0, 300) << "\n";
        }
    }
}

struct seed_range {
    std::uint64_t first = 1;
    std::uint64_t last = 1;
};

seed_range parse_range(const std::string& s)
{
    const auto dash = s.find('-');
    seed_range r;
    r.first = std::stoull(s.substr(0, dash));
    r.last = dash == std::string::npos ? r.first : std::stoull(s.substr(dash + 1));
    if (r.last < r.first) throw std::invalid_argument("--seeds: the range ends before it starts");
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"Seeded AMQP conversations: the embedded broker against another broker"};
    std::string url;
    std::string seeds;
    std::optional<std::uint64_t> seed;
    std::uint64_t count = 0;
    bool verbose = false;
    bool no_shrink = false;
    bool tolerate_known = false;
    bool print_test = false;
    int max_steps = 40;
    int step_timeout_ms = 1000;
    app.add_option("--url", url, "the broker to compare with (RabbitMQ); without, a second embedded broker");
    app.add_option("--seeds", seeds, "a seed range, A-B");
    app.add_option("--seed", seed, "one seed");
    app.add_option("--count", count, "this many seeds from --seed (or 1)");
    app.add_flag("--verbose", verbose, "print both transcripts of every seed");
    app.add_flag("--no-shrink", no_shrink, "report divergences without shrinking them");
    app.add_flag("--tolerate-known", tolerate_known, "known broker bugs do not fail the run");
    app.add_flag("--print-test", print_test, "print every seed's run as a conformance test, diverging or not");
    app.add_option("--max-steps", max_steps, "the longest conversation")->check(CLI::Range(1, 1000));
    app.add_option("--step-timeout", step_timeout_ms, "ms to wait for the second broker per step")
        ->check(CLI::Range(1, 60000));
    CLI11_PARSE(app, argc, argv);

    seed_range range;
    try {
        if (!seeds.empty()) range = parse_range(seeds);
        else if (seed) range = {*seed, *seed + (count ? count : 1) - 1};
        else if (count) range = {1, count};
    } catch (const std::exception& e) {
        std::cerr << "differential: " << e.what() << "\n";
        return 2;
    }

    const target_factory second = [&url]() -> std::unique_ptr<target> {
        return url.empty() ? make_embedded_target() : make_url_target(url);
    };
    run_options options;
    options.step_timeout = std::chrono::milliseconds(step_timeout_ms);
    generator_options generation;
    generation.max_steps = max_steps;
    generation.min_steps = std::min(generation.min_steps, max_steps);

    const auto started = std::chrono::steady_clock::now();
    std::size_t seeds_run = 0;
    std::size_t failing_seeds = 0;
    std::size_t flaky = 0;
    std::size_t fake_changed = 0;
    std::map<std::string, std::size_t> explained;
    struct group {
        std::size_t count = 0;
        std::uint64_t seed = 0;
        std::string example;
    };
    // Unexplained divergences by kind (what each broker sent), with a first seed.
    std::map<std::string, group> unexplained;
    for (std::uint64_t s = range.first; s <= range.last; ++s) {
        ++seeds_run;
        const conversation c = generate(s, generation);
        seed_result r;
        try {
            r = check(c, second, options);
        } catch (const std::exception& e) {
            std::cerr << "seed " << s << ": the run failed: " << e.what() << "\n";
            ++failing_seeds;
            continue;
        }
        if (print_test) std::cout << conformance_test(r.run, "differential_seed_" + std::to_string(s)) << "\n";
        if (verbose) {
            std::cout << r.run.sent;
            print_transcript(std::cout, "embedded broker", normalise(r.run.first, r.run.prefix));
            print_transcript(std::cout, url.empty() ? "second embedded broker" : "other broker",
                             normalise(r.run.second, r.run.prefix));
        }
        for (const divergence& d : r.divergences) {
            if (!d.allowed.empty()) {
                ++explained[(d.deliberate ? "allowed: " : "known: ") + d.allowed];
                continue;
            }
            group& g = unexplained[event_kind(d.first) + " / " + event_kind(d.second)];
            if (g.count++ == 0) {
                g.seed = s;
                g.example = d.describe();
            }
        }
        const bool fails = r.unexplained > 0 || (r.known > 0 && !tolerate_known);
        if (!fails) continue;

        // Confirm on a second run: a divergence that does not come back is timing, not
        // behaviour, and is reported as such.
        // The earliest one is shrunk: later ones are often its consequences.
        const divergence* first_bad = nullptr;
        const auto step_of = [](const divergence& d) {
            return d.first ? d.first->step : d.second ? d.second->step : 0;
        };
        for (const divergence& d : r.divergences) {
            if (!d.allowed.empty() && (d.deliberate || tolerate_known)) continue;
            if (!first_bad || step_of(d) < step_of(*first_bad)) first_bad = &d;
        }
        const std::string signature = first_bad->signature();
        const auto repeats = [&signature](const seed_result& again) {
            for (const divergence& d : again.divergences) {
                if (d.signature() == signature) return true;
            }
            return false;
        };
        const auto still = [&](const conversation& candidate) {
            try {
                return repeats(check(candidate, second, options));
            } catch (const std::exception&) {}
            return false;
        };
        seed_result again;
        try {
            again = check(c, second, options);
        } catch (const std::exception& e) {
            std::cerr << "seed " << s << ": the second run failed: " << e.what() << "\n";
        }
        // The embedded broker's side of a conversation is the same on every run (the
        // runner only ends a connection on both brokers earlier when RabbitMQ's side
        // shows a deliberate difference at another moment).
        const auto fake_differs =
            compare(normalise(r.run.first, r.run.prefix), normalise(again.run.first, again.run.prefix));
        if (!fake_differs.empty()) {
            ++fake_changed;
            std::cout << "seed " << s << ": the embedded broker answered otherwise on the second run: "
                      << fake_differs.front().describe() << "\n";
        }
        if (!repeats(again)) {
            ++flaky;
            std::cout << "seed " << s << ": a divergence that did not repeat (timing): " << first_bad->describe()
                      << "\n";
            continue;
        }
        ++failing_seeds;
        std::cout << "\nseed " << s << ": " << r.divergences.size() << " divergence(s)\n";
        for (const divergence& d : r.divergences) std::cout << "  " << d.describe() << "\n";
        if (!no_shrink) {
            const conversation shrunk = shrink(c, still);
            const seed_result final_run = check(shrunk, second, options);
            std::cout << "shrunk from " << c.steps.size() << " to " << shrunk.steps.size() << " steps; "
                      << final_run.run.sent;
            for (const divergence& d : final_run.divergences) std::cout << "  " << d.describe() << "\n";
            std::cout << "\n" << conformance_test(final_run.run, "differential_seed_" + std::to_string(s)) << "\n";
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "\nseeds run: " << seeds_run << "\nseeds failing (a divergence that repeats, unexplained"
              << (tolerate_known ? "" : " or a known broker bug") << "): " << failing_seeds
              << "\ndivergences that did not repeat: " << flaky
              << "\nseeds whose embedded side differed on a second run: " << fake_changed << "\n";
    for (const auto& [name, n] : explained) std::cout << "  " << name << ": " << n << "\n";
    if (!unexplained.empty()) std::cout << "unexplained divergences by kind (embedded / other):\n";
    for (const auto& [kind, g] : unexplained) {
        std::cout << "  " << kind << ": " << g.count << ", first in seed " << g.seed << "\n    " << g.example << "\n";
    }
    std::printf("time: %.1f s, %.0f seeds per minute\n", seconds,
                seconds > 0 ? double(seeds_run) * 60.0 / seconds : 0.0);
    return failing_seeds > 0 ? 1 : 0;
}
