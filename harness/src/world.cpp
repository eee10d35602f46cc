#include <amqp/harness/world.hpp>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <exception>
#include <ostream>
#include <stdexcept>
#include <utility>

namespace amqp::harness {

using namespace std::chrono_literals;

std::string_view to_string(world_mode mode) noexcept { return mode == world_mode::tcp ? "tcp" : "simulation"; }

std::ostream& operator<<(std::ostream& os, world_mode mode) { return os << to_string(mode); }

world::world(world_options options)
    : mode_(options.mode),
      virtual_clock_(mode_ == world_mode::simulation ? std::make_unique<runtime::virtual_clock>() : nullptr),
      clock_(virtual_clock_ ? static_cast<runtime::clock*>(virtual_clock_.get()) : &runtime::system_clock()),
      log_(*clock_, options.log, std::move(options.on_line)),
      start_(clock_->now())
{
    environment_.clock = clock_;
    if (!options.broker) {
        if (mode_ == world_mode::tcp) throw std::invalid_argument("a world over TCP needs the fake broker");
        environment_ = pipes({});
        return;
    }
    auto& broker_options = *options.broker;
    if (mode_ == world_mode::simulation) {
        broker_options.clock = virtual_clock_.get();
        broker_options.listen = false;
        broker_options.fault_log = [this, theirs = std::move(broker_options.fault_log)](std::string_view line) {
            say(line);
            if (theirs) theirs(line);
        };
        if (options.trace) {
            broker_options.trace = [this, trace = std::move(options.trace)](std::string_view line) {
                trace(*this, line);
            };
        }
        broker_ = std::make_unique<fakebroker::broker>(io_, std::move(broker_options));
        environment_ = pipes(
            [this](std::shared_ptr<runtime::pipe_end> end) {
                broker_->attach(std::move(end), "pipe:" + std::to_string(++pipes_));
            },
            std::move(options.read_limit));
    } else {
        // The broker runs on its own thread: what it logs is posted to the world's.
        broker_options.fault_log = [this, theirs = std::move(broker_options.fault_log)](std::string_view line) {
            asio::post(io_, [this, text = std::string(line)] { say(text); });
            if (theirs) theirs(line);
        };
        if (options.trace) {
            auto trace = std::make_shared<std::function<void(world&, std::string_view)>>(std::move(options.trace));
            broker_options.trace = [this, trace](std::string_view line) {
                asio::post(io_, [this, trace, text = std::string(line)] { (*trace)(*this, text); });
            };
        }
        broker_ = std::make_unique<fakebroker::broker>(std::move(broker_options));
    }
    broker_->start();
}

world::~world() { stop(); }

void world::stop()
{
    if (stopped_) return;
    stopped_ = true;
    if (broker_) broker_->stop();
    io_.restart();
    io_.poll();
}

client::environment world::pipes(std::function<void(std::shared_ptr<runtime::pipe_end>)> serve,
                                 runtime::read_limit limit)
{
    client::environment env;
    env.clock = clock_;
    env.open_transport = [this, serve = std::move(serve), limit = std::move(limit)](
                             const client::endpoint& where, const asio::any_io_executor& executor,
                             client::environment::transport_handler done) {
        auto [client_end, server_end] = runtime::make_memory_pipe(executor, limit);
        if (serve) serve(std::move(server_end));
        else unserved_.push_back(std::move(server_end));
        done({}, client::make_memory_transport(client_end, where.host));
    };
    return env;
}

client::connection_options world::options(const std::string& name) const
{
    client::connection_options o;
    o.endpoints = {client::endpoint{"127.0.0.1", broker_->port()}};
    o.connection_name = name;
    o.reconnect_interval = 50ms;
    o.connection_timeout = 2s;
    return o;
}

asio::awaitable<client::robust_connection> world::connect_robust(client::recovery_options recovery,
                                                                 std::optional<std::uint16_t> heartbeat)
{
    auto o = options("app");
    o.heartbeat = heartbeat;
    return connect_robust(std::move(o), recovery);
}

asio::awaitable<client::robust_connection> world::connect_robust(client::connection_options options,
                                                                 client::recovery_options recovery)
{
    auto executor = co_await asio::this_coro::executor;
    co_return co_await client::robust_connection::connect(executor, options, recovery, environment_);
}

asio::awaitable<client::connection> world::connect_plain(std::string name)
{
    auto executor = co_await asio::this_coro::executor;
    co_return co_await client::connection::connect(executor, options(name), environment_);
}

bool world::run(const std::function<asio::awaitable<void>(world&)>& body, std::chrono::seconds limit)
{
    bool finished = false;
    std::exception_ptr failure;
    asio::co_spawn(io_, body(*this), [&](std::exception_ptr e) {
        failure = e;
        finished = true;
    });
    if (run_until([&] { return finished; }, limit) != runtime::simulation_end::done) {
        say("FAILED: did not finish within " + std::to_string(limit.count()) + " s");
        return false;
    }
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            say(std::string("FAILED: ") + e.what());
        }
        return false;
    }
    return true;
}

runtime::simulation_end world::run_until(const std::function<bool()>& until, runtime::duration limit)
{
    if (virtual_clock_) return runtime::run_simulation(io_, *virtual_clock_, until, limit);
    const runtime::time_point deadline = clock_->now() + limit;
    while (!until()) {
        if (clock_->now() >= deadline) return runtime::simulation_end::time_limit;
        io_.restart();
        io_.run_one_until(deadline);
    }
    return runtime::simulation_end::done;
}

void world::run_for(runtime::duration d)
{
    const runtime::time_point end = clock_->now() + d;
    run_until([] { return false; }, d);
    if (!virtual_clock_) return;
    // Nothing was due in what is left of `d`: move there, and run what that readies.
    virtual_clock_->advance_to(end);
    runtime::run_simulation(
        io_, *virtual_clock_, [] { return false; }, runtime::duration::zero());
}

asio::awaitable<bool> world::until(std::function<bool()> condition, std::chrono::milliseconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    auto& c = clock();
    const auto deadline = c.now() + timeout;
    auto timer = c.make_timer(executor);
    while (!condition()) {
        if (c.now() >= deadline) co_return false;
        co_await runtime::async_wait_until(*timer, c.now() + 1ms, asio::experimental::as_tuple(asio::use_awaitable));
    }
    co_return true;
}

asio::awaitable<void> world::pause(std::chrono::milliseconds d)
{
    auto executor = co_await asio::this_coro::executor;
    auto timer = clock().make_timer(executor);
    co_await runtime::async_wait_until(*timer, clock().now() + d, asio::experimental::as_tuple(asio::use_awaitable));
}

}  // namespace amqp::harness
