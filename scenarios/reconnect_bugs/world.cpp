#include "world.hpp"

#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdio>
#include <exception>
#include <ostream>

namespace amqp::scenarios {

using namespace std::chrono_literals;

std::string_view to_string(world_mode mode) noexcept
{
    return mode == world_mode::tcp ? "tcp" : "simulation";
}

world::world(world_mode mode, std::ostream& out) : mode_(mode), out_(out)
{
    fakebroker::broker_options options;
    options.fault_log = [this](std::string_view line) { say(line); };
    if (mode == world_mode::simulation) {
        virtual_clock_ = std::make_unique<runtime::virtual_clock>();
        options.clock = virtual_clock_.get();
        options.listen = false;
        broker_ = std::make_unique<fakebroker::broker>(io_, options);
        environment_.clock = virtual_clock_.get();
        environment_.open_transport = [this](const client::endpoint&, const asio::any_io_executor& executor,
                                             client::environment::transport_handler done) {
            auto [client_end, broker_end] = runtime::make_memory_pipe(executor);
            broker_->attach(broker_end, "pipe:" + std::to_string(++pipes_));
            done({}, client::make_memory_transport(client_end, "fakebroker"));
        };
    } else {
        // Fault lines come from the broker's thread.
        options.fault_log = [this](std::string_view line) {
            asio::post(io_, [this, text = std::string(line)] { say(text); });
        };
        broker_ = std::make_unique<fakebroker::broker>(options);
    }
    broker_->start();
    start_ = clock().now();
}

world::~world()
{
    broker_->stop();
    io_.restart();
    io_.poll();
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
    if (virtual_clock_) {
        runtime::run_simulation(io_, *virtual_clock_, [&] { return finished; }, limit);
    } else {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!finished && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_one_until(deadline);
        }
    }
    if (!finished) {
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

asio::awaitable<bool> world::until(std::function<bool()> condition, std::chrono::milliseconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    auto& c = clock();
    const auto deadline = c.now() + timeout;
    auto timer = c.make_timer(executor);
    while (!condition()) {
        if (c.now() >= deadline)
            co_return false;
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

void world::say(std::string_view line)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock().now() - start_).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%6.3fs  ", static_cast<double>(ms) / 1000.0);
    out_ << stamp << line << '\n';
}

}  // namespace amqp::scenarios
