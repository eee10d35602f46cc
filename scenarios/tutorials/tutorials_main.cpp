// Runs the RabbitMQ tutorials against the embedded broker (or any broker with --url),
// printing what each program of a tutorial prints in its terminal.
//
//   tutorials               all of them
//   tutorials rpc topics    some
//   tutorials --list        what there is
//   tutorials --url amqp://guest:guest@127.0.0.1:5672/
#include "scenario.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <CLI/CLI.hpp>
#include <asio/co_spawn.hpp>

#include <iostream>
#include <optional>

namespace {

using amqp::scenarios::scenario;

// Runs one scenario on a fresh io_context (with a fresh embedded broker unless a URL
// was given); the error text, or nothing on success.
std::optional<std::string> run_one(const scenario& s, const std::string& url)
{
    asio::io_context io;
    std::optional<amqp::fakebroker::broker> broker;
    std::string target = url;
    if (target.empty()) {
        broker.emplace(io);
        broker->start();
        target = broker->url();
    }
    const amqp::scenarios::context ctx{io, target, std::cout};
    bool finished = false;
    std::optional<std::string> failure;
    asio::co_spawn(io, s.run(ctx), [&](std::exception_ptr error) {
        finished = true;
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!finished && std::chrono::steady_clock::now() < deadline) io.run_one_until(deadline);
    if (!finished) failure = "did not finish within 60 s";
    if (broker) broker->stop();
    return failure;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"The RabbitMQ tutorials, run against the embedded broker or --url"};
    std::string url;
    bool list = false;
    std::vector<std::string> names;
    app.add_option("--url", url, "an AMQP URL; without it each tutorial gets a fresh embedded broker");
    app.add_flag("--list", list, "list the tutorials");
    app.add_option("names", names, "tutorials to run (default: all)");
    CLI11_PARSE(app, argc, argv);

    const auto& scenarios = amqp::scenarios::all_scenarios();
    if (list) {
        for (const auto& s : scenarios) std::cout << s.name << "\t" << s.title << '\n';
        return 0;
    }
    std::vector<const scenario*> chosen;
    for (const auto& name : names) {
        const auto it =
            std::find_if(scenarios.begin(), scenarios.end(), [&](const scenario& s) { return s.name == name; });
        if (it == scenarios.end()) {
            std::cerr << "no tutorial '" << name << "' (see --list)\n";
            return 2;
        }
        chosen.push_back(&*it);
    }
    if (chosen.empty()) {
        for (const auto& s : scenarios) chosen.push_back(&s);
    }

    int failed = 0;
    for (const auto* s : chosen) {
        std::cout << "\n== " << s->title << " (" << s->name << ")\n";
        if (auto failure = run_one(*s, url)) {
            std::cout << "FAILED: " << *failure << '\n';
            ++failed;
        } else {
            std::cout << "ok\n";
        }
    }
    std::cout << '\n' << chosen.size() - failed << " of " << chosen.size() << " tutorials passed\n";
    return failed == 0 ? 0 : 1;
}
