#include "recovery_fixture.hpp"

#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <exception>

namespace amqp::test {

using namespace std::chrono_literals;

std::ostream& operator<<(std::ostream& os, transport_mode mode)
{
    return os << (mode == transport_mode::tcp ? "tcp" : "simulation");
}

recovery_test::recovery_test()
{
    fakebroker::broker_options options;
    // The client's heartbeats stay on (60 s): a silent broker is detected in tests that
    // ask for a shorter interval.
    if (simulated()) {
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
        broker_ = std::make_unique<fakebroker::broker>(options);
    }
    broker_->start();
}

recovery_test::~recovery_test()
{
    broker_->stop();
    // Let the client see its sockets close, so nothing outlives the test.
    io_.restart();
    io_.poll();
}

client::connection_options recovery_test::options(const std::string& name) const
{
    client::connection_options o;
    o.endpoints = {client::endpoint{"127.0.0.1", broker_->port()}};
    o.connection_name = name;
    o.reconnect_interval = 20ms;
    o.connection_timeout = 2s;
    return o;
}

asio::awaitable<client::robust_connection> recovery_test::connect_robust(client::recovery_options recovery,
                                                                         const std::string& name)
{
    auto executor = co_await asio::this_coro::executor;
    co_return co_await client::robust_connection::connect(executor, options(name), recovery, environment_);
}

asio::awaitable<client::connection> recovery_test::connect_plain(const std::string& name)
{
    auto executor = co_await asio::this_coro::executor;
    co_return co_await client::connection::connect(executor, options(name), environment_);
}

void recovery_test::run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit)
{
    bool finished = false;
    std::exception_ptr failure;
    asio::co_spawn(io_, body(), [&](std::exception_ptr e) {
        failure = e;
        finished = true;
    });
    if (simulated()) {
        const auto end = runtime::run_simulation(io_, *virtual_clock_, [&] { return finished; }, limit);
        ASSERT_TRUE(finished) << "the simulation stopped: "
                              << (end == runtime::simulation_end::idle ? "nothing left to run" : "time limit");
    } else {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!finished && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_one_until(deadline);
        }
        ASSERT_TRUE(finished) << "the test body did not finish in time";
    }
    if (failure)
        std::rethrow_exception(failure);
}

asio::awaitable<bool> recovery_test::until(std::function<bool()> condition, std::chrono::milliseconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    auto& c = clock();
    const auto deadline = c.now() + timeout;
    auto timer = c.make_timer(executor);
    while (!condition()) {
        if (c.now() >= deadline)
            co_return false;
        co_await runtime::async_wait_until(*timer, c.now() + 1ms,
                                           asio::experimental::as_tuple(asio::use_awaitable));
    }
    co_return true;
}

}  // namespace amqp::test
