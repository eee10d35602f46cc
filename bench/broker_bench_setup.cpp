// broker_bench's brokers and topology: a fresh embedded broker or the RabbitMQ given, and the names each benchmark declares.
#include "broker_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#include <unistd.h>

namespace amqp::bench::broker_bench {

std::size_t target::messages() const
{
    const double n = static_cast<double>(fake ? fake_messages : rabbitmq_messages) * g_options.scale;
    return std::max<std::size_t>(100, static_cast<std::size_t>(n));
}

broker_under_test::broker_under_test(bool fake)
{
    if (fake) {
        fake_.emplace();
        fake_->start();
        url_ = amqp_url::parse(fake_->url());
    } else {
        url_ = *g_options.rabbitmq;
    }
}

broker_under_test::~broker_under_test()
{
    if (fake_) fake_->stop();
}

topology::~topology()
{
    if (queues_.empty() && exchanges_.empty()) return;
    const auto deadline = steady::now() + setup_timeout;
    try {
        bench_connection admin(url_, "broker_bench cleanup", deadline);
        for (const auto& q : queues_) {
            admin.call<proto::queue_delete_ok>(1, proto::queue_delete{.ticket = 0, .queue = q}, deadline);
        }
        for (const auto& e : exchanges_) {
            admin.call<proto::exchange_delete_ok>(1, proto::exchange_delete{.ticket = 0, .exchange = e}, deadline);
        }
        admin.close(deadline);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "broker_bench: cleanup failed: %s\n", e.what());
    }
}

std::string topology::unique(std::string_view what)
{
    static int counter = 0;
    return "broker_bench." + std::to_string(::getpid()) + "." + std::to_string(++counter) + "." + std::string(what);
}

std::string topology::queue(bench_connection& c, std::string_view what, bool durable)
{
    std::string name = unique(what);
    queues_.push_back(name);
    proto::queue_declare declare;
    declare.queue = name;
    declare.durable = durable;
    c.call<proto::queue_declare_ok>(1, declare, steady::now() + setup_timeout);
    return name;
}

std::string topology::exchange(bench_connection& c, std::string_view what, std::string type)
{
    std::string name = unique(what);
    exchanges_.push_back(name);
    proto::exchange_declare declare;
    declare.exchange = name;
    declare.type = std::move(type);
    c.call<proto::exchange_declare_ok>(1, declare, steady::now() + setup_timeout);
    return name;
}

void topology::bind(bench_connection& c, const std::string& queue, const std::string& exchange,
                    const std::vector<std::string>& keys)
{
    proto::queue_bind bind;
    bind.queue = queue;
    bind.exchange = exchange;
    for (const auto& key : keys) {
        bind.routing_key = key;
        c.send(1, bind);
    }
    const auto deadline = steady::now() + setup_timeout;
    c.flush(deadline);
    for (std::size_t i = 0; i < keys.size(); ++i) c.expect<proto::queue_bind_ok>(1, deadline);
}

void consume(bench_connection& c, const std::string& queue, bool no_ack)
{
    proto::basic_consume m;
    m.queue = queue;
    m.no_ack = no_ack;
    c.call<proto::basic_consume_ok>(1, m, steady::now() + setup_timeout);
}

void purge(bench_connection& c, const std::string& queue)
{
    c.call<proto::queue_purge_ok>(1, proto::queue_purge{.ticket = 0, .queue = queue}, steady::now() + setup_timeout);
}

}  // namespace amqp::bench::broker_bench
