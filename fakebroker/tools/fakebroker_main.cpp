// The standalone broker: a fake RabbitMQ on a TCP port, for clients in any language.
//
//   fakebroker [--address ADDRESS] [--port 5672] [--user NAME:PASSWORD[:VHOST,...]]...
//              [--permissions USER:VHOST:CONFIGURE:WRITE:READ]...
//              [--vhost NAME]... [--http-port 15672 | --no-http] [-v]
//              [--faults FILE] [--chaos ACTION=P]... [--seed N] [--chaos-hooks H,...]
//
// A user has full permissions on the vhosts --user lists (every vhost when it lists
// none); --permissions gives it RabbitMQ's three regular expressions on one vhost
// instead, as `rabbitmqctl set_permissions` does (e.g. --permissions 'bob:/:^bob\.:.*:.*').
//
// Fault injection (docs/faults.md): --faults loads rules (and chaos options) from a
// JSON file; --chaos turns on seeded random faults; every fired fault is printed as a
// "fault #..." line, and the chaos seed as "fault chaos: seed N".
//
// Once listening it prints "fakebroker listening on amqp://..." and, unless disabled,
// "management API on http://.../", so a script can start it with port 0 and read
// the ports from its output.
#include <amqp/fakebroker/fault_json.hpp>
#include <amqp/fakebroker/management_api.hpp>

#include <amqp/fakebroker/broker.hpp>

#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

// "name:password" or "name:password:vhost1,vhost2".
amqp::fakebroker::user parse_user(const std::string& spec, const std::vector<std::string>& vhosts)
{
    const auto first = spec.find(':');
    if (first == std::string::npos) throw CLI::ValidationError("--user", "expected NAME:PASSWORD, got '" + spec + "'");
    amqp::fakebroker::user u;
    u.name = spec.substr(0, first);
    const auto second = spec.find(':', first + 1);
    u.password = spec.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (second == std::string::npos) {
        u.vhosts = vhosts;
    } else {
        std::string list = spec.substr(second + 1);
        for (std::size_t at = 0; at <= list.size();) {
            const auto comma = std::min(list.find(',', at), list.size());
            u.vhosts.push_back(list.substr(at, comma - at));
            at = comma + 1;
        }
    }
    return u;
}

// "user:vhost:configure:write:read", onto a user given with --user (or guest).
void apply_permissions(const std::string& spec, std::vector<amqp::fakebroker::user>& users,
                       const std::vector<std::string>& vhosts)
{
    std::vector<std::string> fields;
    for (std::size_t at = 0; at <= spec.size();) {
        const auto colon = std::min(spec.find(':', at), spec.size());
        fields.push_back(spec.substr(at, colon - at));
        at = colon + 1;
    }
    if (fields.size() != 5) {
        throw CLI::ValidationError("--permissions",
                                   "expected USER:VHOST:CONFIGURE:WRITE:READ (patterns without ':'), "
                                   "got '" +
                                       spec + "'");
    }
    auto user = std::find_if(users.begin(), users.end(), [&](const auto& u) { return u.name == fields[0]; });
    if (user == users.end()) {
        throw CLI::ValidationError("--permissions",
                                   "no user '" + fields[0] + "' (add it with --user) in '" + spec + "'");
    }
    if (std::find(vhosts.begin(), vhosts.end(), fields[1]) == vhosts.end()) {
        throw CLI::ValidationError("--permissions",
                                   "no vhost '" + fields[1] + "' (add it with --vhost) in '" + spec + "'");
    }
    user->vhost_permissions[fields[1]] = {fields[2], fields[3], fields[4]};
}

amqp::fakebroker::fault_script load_faults(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the fault file '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return amqp::fakebroker::fault_script_from_json(amqp::fakebroker::parse_fault_json(text.str()));
    } catch (const amqp::fakebroker::fault_json_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"An embedded AMQP 0-9-1 broker that behaves like RabbitMQ, for tests"};
    amqp::fakebroker::broker_options options;
    options.port = 5672;
    std::vector<std::string> users;
    std::vector<std::string> permissions;
    std::vector<std::string> vhosts;
    int verbosity = 0;
    int http_port = 15672;
    bool no_http = false;
    app.add_option("--address", options.address,
                   "Address to listen on (default: both loopbacks, 127.0.0.1 and ::1 where there is IPv6)");
    app.add_option("--port", options.port, "AMQP port (0: any free port)")->capture_default_str();
    app.add_option("--user", users,
                   "NAME:PASSWORD[:VHOST,...], full permissions on those vhosts (default guest:guest on every vhost)");
    app.add_option("--permissions", permissions,
                   "USER:VHOST:CONFIGURE:WRITE:READ, regular expressions (which may not contain ':') that names "
                   "must match, as rabbitmqctl set_permissions; \"\" allows nothing, \".*\" everything");
    app.add_option("--vhost", vhosts, "A virtual host to create (default /)");
    app.add_option("--heartbeat", options.heartbeat, "Heartbeat interval proposed to clients, in seconds")
        ->capture_default_str();
    app.add_option("--frame-max", options.frame_max, "frame_max proposed to clients")->capture_default_str();
    std::int64_t consumer_timeout_ms = options.consumer_timeout->count();
    app.add_option("--consumer-timeout", consumer_timeout_ms,
                   "Close a channel (406) whose delivery waits longer than this for its ack, in ms (0: never)")
        ->capture_default_str();
    app.add_option("--http-port", http_port, "Management HTTP API port (0: any free port, negative: no HTTP API)")
        ->capture_default_str();
    app.add_flag("--no-http", no_http, "Do not serve the management HTTP API");
    app.add_flag("-v,--verbose", verbosity, "Log every method sent and received");
    amqp::fakebroker::tls_listener_options tls;
    int tls_port = -1;
    app.add_option("--tls-port", tls_port, "amqps port (0: any free port); needs --tls-cert and --tls-key");
    app.add_option("--tls-cert", tls.certfile, "The broker's certificate chain (PEM) for amqps");
    app.add_option("--tls-key", tls.keyfile, "Its private key (PEM)");
    app.add_option("--tls-ca", tls.cafile, "CA certificates (PEM) that sign client certificates");
    app.add_flag("--tls-verify-peer", tls.verify_peer, "Ask clients for a certificate and verify it when sent");
    app.add_flag("--tls-require-peer-cert", tls.require_peer_certificate, "Refuse clients without a certificate");
    std::string faults_file;
    std::vector<std::string> chaos_odds;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> chaos_hooks;
    std::int64_t chaos_max_delay = -1;
    std::uint64_t chaos_max_faults = 0;
    app.add_option("--faults", faults_file,
                   "JSON fault rules: a rule, a list, or {\"rules\": [...], \"chaos\": {...}}");
    app.add_option("--chaos", chaos_odds,
                   "ACTION=PROBABILITY of a seeded random fault at each hook event, e.g. drop=0.01");
    app.add_option("--seed", seed, "The chaos seed (default: from the clock, printed)");
    app.add_option("--chaos-hooks", chaos_hooks, "Hooks where chaos strikes (default: all)")->delimiter(',');
    app.add_option("--chaos-max-delay", chaos_max_delay, "Longest random delay, stall or block, in ms (default 1000)");
    app.add_option("--chaos-max-faults", chaos_max_faults, "Stop chaos after this many faults (0: never)");
    CLI11_PARSE(app, argc, argv);
    if (tls_port > 65535 || (tls_port >= 0 && (tls.certfile.empty() || tls.keyfile.empty()))) {
        std::cerr << "fakebroker: --tls-port needs a port number, --tls-cert and --tls-key\n";
        return 2;
    }
    options.consumer_timeout =
        consumer_timeout_ms == 0 ? std::nullopt : std::optional(std::chrono::milliseconds(consumer_timeout_ms));
    if (tls_port >= 0) {
        tls.port = std::uint16_t(tls_port);
        options.tls = tls;
    }
    if (consumer_timeout_ms < 0) {
        std::cerr << "fakebroker: --consumer-timeout " << consumer_timeout_ms
                  << " is negative: give milliseconds, or 0 for no timeout\n";
        return 2;
    }
    if (http_port > 65535) {
        std::cerr << "fakebroker: --http-port " << http_port << " is not a port\n";
        return 2;
    }

    try {
        if (!vhosts.empty()) options.vhosts = vhosts;
        if (!users.empty()) {
            options.users.clear();
            for (const auto& spec : users) options.users.push_back(parse_user(spec, options.vhosts));
        } else {
            options.users = {{"guest", "guest", options.vhosts}};
        }
        for (const auto& spec : permissions) apply_permissions(spec, options.users, options.vhosts);
        if (verbosity > 0) {
            options.trace = [](std::string_view line) { std::cout << line << '\n'; };
        }
        options.fault_log = [](std::string_view line) { std::cout << line << std::endl; };
        amqp::fakebroker::fault_script script;
        if (!faults_file.empty()) script = load_faults(faults_file);
        if (!chaos_odds.empty() || !chaos_hooks.empty() || chaos_max_delay >= 0 || chaos_max_faults != 0) {
            auto chaos = script.chaos.value_or(amqp::fakebroker::chaos_options{});
            for (const auto& spec : chaos_odds) {
                if (auto problem = chaos.set_odds(spec)) throw CLI::ValidationError("--chaos", *problem);
            }
            for (const auto& name : chaos_hooks) {
                const auto h = amqp::fakebroker::parse_hook(name);
                if (!h) throw CLI::ValidationError("--chaos-hooks", "unknown hook '" + name + "'");
                chaos.hooks.push_back(*h);
            }
            if (chaos_max_delay >= 0) chaos.max_delay = std::chrono::milliseconds(chaos_max_delay);
            if (chaos_max_faults != 0) chaos.max_faults = chaos_max_faults;
            if (!script.chaos && !seed) {
                // Not std::random_device: the seed is printed so that the run can be replayed.
                seed = std::uint64_t(std::chrono::system_clock::now().time_since_epoch().count());
            }
            script.chaos = chaos;
        }
        if (script.chaos && seed) script.chaos->seed = *seed;
        if (script.chaos) {
            if (auto problem = script.chaos->problem()) throw std::runtime_error("chaos: " + *problem);
            options.chaos = script.chaos;
        }

        // Handlers first: a signal sent as soon as the URLs are printed must not kill
        // the process before it can stop cleanly.
        asio::io_context signals_io(1);
        asio::signal_set signals(signals_io, SIGINT, SIGTERM);
        signals.async_wait([](std::error_code, int) {});

        // The broker and the API run on their own threads; this one waits for a signal.
        amqp::fakebroker::broker broker(options);
        for (auto& rule : script.rules) {
            const auto description = rule.describe();
            const auto id = broker.add_fault(std::move(rule));
            std::cout << "fault rule " << id << ": " << description << std::endl;
        }
        broker.start();
        std::cout << "fakebroker listening on " << broker.url() << std::endl;
        if (options.tls) {
            std::cout << "amqps listening on amqps://" << options.users.front().name << ":"
                      << options.users.front().password << "@" << broker.host() << ":" << broker.tls_port() << "/"
                      << std::endl;
        }
        std::optional<amqp::fakebroker::management_api> management;
        if (!no_http && http_port >= 0) {
            // The management API listens on one address: 127.0.0.1 unless told otherwise.
            const std::string http_address = options.address.empty() ? "127.0.0.1" : options.address;
            management.emplace(broker, http_address, std::uint16_t(http_port));
            management->start();
            std::cout << "management API on " << management->url() << std::endl;
        }

        signals_io.run();
        // The API reads the broker: it goes first.
        if (management) management->stop();
        broker.stop();
        std::cout << "fakebroker stopped" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "fakebroker: " << e.what() << '\n';
        return 1;
    }
}
