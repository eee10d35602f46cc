// client_bench's broker under test: the embedded broker on its own thread, on the client's io_context or over pipes, or RabbitMQ.
#include "client_bench.hpp"

#include <amqp/client/memory_transport.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <exception>
#include <memory>

namespace amqp::bench::client_bench {

const char* name_of(broker_kind kind)
{
    switch (kind) {
    case broker_kind::fake_thread: return "fake_thread";
    case broker_kind::fake_io: return "fake_io";
    case broker_kind::fake_pipe: return "fake_pipe";
    case broker_kind::rabbitmq: return "rabbitmq";
    }
    return "?";
}

std::size_t target::messages() const
{
    const double n =
        static_cast<double>(kind == broker_kind::rabbitmq ? rabbitmq_messages : fake_messages) * g_options.scale;
    return std::max<std::size_t>(100, static_cast<std::size_t>(n));
}

environment::environment(broker_kind kind) : kind_(kind), io_(1)
{
    switch (kind) {
    case broker_kind::fake_thread:
        broker_.emplace();
        broker_->start();
        url_ = broker_->url();
        break;
    case broker_kind::fake_io:
        broker_.emplace(io_);
        broker_->start();
        url_ = broker_->url();
        break;
    case broker_kind::fake_pipe: {
        amqp::fakebroker::broker_options options;
        options.listen = false;
        broker_.emplace(io_, options);
        broker_->start();
        url_ = "amqp://guest:guest@in-process/";
        client_env_.open_transport = [this](const client::endpoint&, const asio::any_io_executor& executor,
                                            client::environment::transport_handler done) {
            auto [client_end, broker_end] = amqp::runtime::make_memory_pipe(executor);
            broker_->attach(broker_end);
            done({}, client::make_memory_transport(client_end, "in-process"));
        };
        break;
    }
    case broker_kind::rabbitmq: url_ = *g_options.rabbitmq_url; break;
    }
}

environment::~environment()
{
    if (broker_) {
        broker_->stop();
        broker_.reset();
    }
    io_.restart();
    io_.poll();
}

void environment::drive(const std::function<bool()>& done, steady::duration timeout, std::string_view what)
{
    if (done()) return;
    auto expired = std::make_shared<bool>(false);
    asio::steady_timer timer(io_, timeout);
    timer.async_wait([expired, this](std::error_code ec) {
        if (!ec) {
            *expired = true;
            io_.stop();
        }
    });
    auto work = asio::make_work_guard(io_);
    while (!done() && !*expired) {
        io_.restart();
        io_.run();
    }
    if (!done()) throw bench_error(std::string(what) + ": timed out");
}

void environment::run(asio::awaitable<void> task, std::string_view what, steady::duration timeout)
{
    struct result {
        bool done = false;
        std::exception_ptr error;
    };
    auto r = std::make_shared<result>();
    asio::co_spawn(io_, std::move(task), [r, this](std::exception_ptr e) {
        r->error = e;
        r->done = true;
        io_.stop();
    });
    drive([&] { return r->done; }, timeout, what);
    if (r->error) std::rethrow_exception(r->error);
}

}  // namespace amqp::bench::client_bench
