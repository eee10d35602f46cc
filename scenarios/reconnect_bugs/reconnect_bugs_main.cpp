// Replays twelve reconnect bugs reported against widely used AMQP clients, with fault
// rules in the embedded broker, against the robust client; each checks the correct
// outcome.
//
//   reconnect_bugs                          all, in a simulation and over TCP
//   reconnect_bugs --mode simulation silent-peer
//   reconnect_bugs --list
#include "reproductions.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <string_view>
#include <utility>
#include <vector>

int main(int argc, char** argv)
{
    using namespace amqp::scenarios;
    CLI::App app{"Reconnect bugs of AMQP clients, reproduced with fault rules against the robust client"};
    std::string mode = "both";
    bool list = false;
    std::vector<std::string> names;
    app.add_option("--mode", mode, "simulation (virtual time, memory pipes), tcp, or both")
        ->check(CLI::IsMember({"simulation", "tcp", "both"}));
    app.add_flag("--list", list, "list the reproductions");
    app.add_option("names", names, "reproductions to run (default: all)");
    CLI11_PARSE(app, argc, argv);

    const auto& all = all_reproductions();
    if (list) {
        for (const auto& r : all) std::cout << r.name << "\t" << r.title << '\n';
        return 0;
    }
    std::vector<const reproduction*> chosen;
    for (const auto& name : names) {
        const auto it = std::find_if(all.begin(), all.end(), [&](const reproduction& r) { return r.name == name; });
        if (it == all.end()) {
            std::cerr << "no reproduction '" << name << "' (see --list)\n";
            return 2;
        }
        chosen.push_back(&*it);
    }
    if (chosen.empty()) {
        for (const auto& r : all) chosen.push_back(&r);
    }
    std::vector<world_mode> modes;
    if (mode != "tcp") modes.push_back(world_mode::simulation);
    if (mode != "simulation") modes.push_back(world_mode::tcp);

    int failed = 0;
    for (const auto* r : chosen) {
        for (const auto m : modes) {
            std::cout << "== " << r->title << " [" << to_string(m) << "]\n";
            amqp::harness::world_options options;
            options.mode = m;
            options.on_line = [](std::string_view line) { std::cout << line << '\n'; };
            world w(std::move(options));
            const bool ok = w.run(r->run, std::chrono::seconds(60));
            std::cout << (ok ? "   ok\n" : "   FAILED\n");
            failed += !ok;
        }
    }
    if (failed) std::cout << failed << " failed\n";
    return failed ? 1 : 0;
}
