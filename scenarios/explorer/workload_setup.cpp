// The workload's setup: connect, channels, queues, consumers, each step retried; cancelled consumers restored.
#include "workload.hpp"
#include "workload_detail.hpp"

#include <chrono>
#include <utility>

namespace amqp::scenarios::explorer {

using namespace std::chrono_literals;
using detail::as_tuple;
using detail::describe;

client::queue_options workload::queue_options_for(const std::string& queue) const
{
    client::queue_options o;
    o.durable = shape_.durable && queue == work_queue;
    return o;
}

asio::awaitable<bool> workload::connect(side& s)
{
    client::connection_options options;
    options.endpoints = {client::endpoint{"fakebroker", 5672}};
    options.connection_name = s.name;
    options.heartbeat = 5;
    options.connection_timeout = 5s;
    options.reconnect_interval = 100ms;
    options.fail_fast = false;
    client::recovery_options recovery;
    recovery.backoff_multiplier = 2;
    recovery.max_interval = 2s;
    recovery.jitter = 0.2;
    recovery.seed = seed_;
    recovery.operation_timeout = 20s;
    recovery.republish_unconfirmed = shape_.republish_unconfirmed;
    recovery.reopen_closed_channels = true;
    const auto op = begin("connect " + s.name);
    auto [ec, c] = co_await client::robust_connection::connect(executor_, options, recovery, env_, as_tuple);
    end(op);
    if (ec) {
        record_.errors.push_back(s.name + ": connect failed: " + ec.message());
        co_return false;
    }
    s.connection = std::move(c);
    s.connected = true;
    log_.note([&] { return s.name + ": connected"; });
    watch(s);
    co_return true;
}

void workload::watch(side& s)
{
    std::weak_ptr<workload> weak = shared_from_this();
    const std::string name = s.name;
    s.connection.on_connection_lost([weak, name](const client::close_info& why) {
        if (auto self = weak.lock()) {
            self->record_.client_closes.push_back(name + " lost: " + describe(why));
            self->log_.note([&] { return name + ": connection lost (" + describe(why) + ")"; });
        }
    });
    s.connection.on_reconnected([weak, name] {
        if (auto self = weak.lock()) self->log_.note([&] { return name + ": reconnected"; });
    });
    s.connection.on_channel_restored([weak, name](std::uint16_t number) {
        if (auto self = weak.lock())
            self->log_.note([&] { return name + ": channel " + std::to_string(number) + " restored"; });
    });
    s.connection.on_recovery_failed([weak, name](const client::recovery_failure& f) {
        if (auto self = weak.lock()) {
            const std::string line =
                name + ": recovery could not restore " + f.what + ": " + f.error.message() + " " + describe(f.info);
            self->record_.client_closes.push_back(line);
            self->log_.note([&] { return line; });
        }
    });
    s.connection.on_consumer_cancelled([weak, name](const std::string& tag, const std::string& queue) {
        if (auto self = weak.lock()) self->consumer_cancelled(name, tag, queue);
    });
    s.connection.on_queue_renamed([weak, name](const std::string& from, const std::string& to) {
        if (auto self = weak.lock()) self->log_.note([&] { return name + ": queue " + from + " renamed " + to; });
    });
    s.connection.on_blocked([weak, name](bool blocked, const std::string& reason) {
        if (auto self = weak.lock())
            self->log_.note([&] { return name + (blocked ? ": blocked (" + reason + ")" : ": unblocked"); });
    });
}

asio::awaitable<std::optional<client::robust_channel>> workload::open_channel(side& s, bool confirms)
{
    client::channel_options options;
    options.publisher_confirms = confirms;
    // robust_connection::channel() fails at once while the connection is down (it does
    // not wait for recovery as robust channel operations do): keep trying until shutdown.
    while (!stopping_) {
        const auto op = begin(s.name + ": open a channel");
        auto [ec, ch] = co_await s.connection.channel(options, as_tuple);
        end(op);
        if (!ec) {
            log_.note([&] { return s.name + ": channel " + std::to_string(ch.number()) + " open"; });
            co_return ch;
        }
        log_.note([&] { return s.name + ": opening a channel failed: " + ec.message(); });
        co_await pause(options_.retry_delay);
    }
    co_return std::nullopt;
}

asio::awaitable<bool> workload::declare(client::robust_channel ch, std::string queue)
{
    const client::queue_options options = queue_options_for(queue);
    for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        const auto op = begin("declare queue " + queue + " on channel " + std::to_string(ch.number()));
        auto [ec, name] = co_await ch.declare_queue(queue, options, as_tuple);
        end(op);
        if (!ec) co_return true;
        log_.note([&] { return "declare " + queue + " failed: " + ec.message(); });
        if (!retry(ec, &ch)) break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_) record_.errors.push_back("gave up declaring queue " + queue);
    co_return false;
}

asio::awaitable<bool> workload::set_qos(client::robust_channel ch, std::uint16_t prefetch)
{
    for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        const auto op = begin("basic.qos on channel " + std::to_string(ch.number()));
        auto [ec] = co_await ch.set_qos(prefetch, 0, false, as_tuple);
        end(op);
        if (!ec) co_return true;
        if (!retry(ec, &ch)) break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_) record_.errors.push_back("gave up setting qos on channel " + std::to_string(ch.number()));
    co_return false;
}

asio::awaitable<bool> workload::consume(side& s, client::robust_channel ch, std::string queue, bool no_ack,
                                        std::function<void(client::incoming_message)> handler)
{
    client::consume_options options;
    options.no_ack = no_ack;
    for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        const auto op = begin("basic.consume " + queue + " on channel " + std::to_string(ch.number()));
        auto [ec, tag] = co_await ch.basic_consume(queue, handler, options, as_tuple);
        end(op);
        if (!ec) {
            record_.consumers.push_back(consumer_record{s.name, ch.number(), queue, tag});
            consumer_channels_[{s.name, tag}] = ch;
            log_.note([&] { return s.name + ": consuming " + queue + " as " + tag; });
            if (early_cancels_.erase({s.name, tag}) != 0 && !stopping_) {
                ++repairs_;
                spawn(repair(ch, queue));
            }
            co_return true;
        }
        log_.note([&] { return "consume " + queue + " failed: " + ec.message(); });
        if (!retry(ec, &ch)) break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_) record_.errors.push_back("gave up consuming " + queue);
    co_return false;
}

asio::awaitable<void> workload::run_producer()
{
    if (!co_await connect(producer_)) co_return;
    auto publish = co_await open_channel(producer_, true);
    if (!publish) co_return;
    publish_channel_ = *publish;
    auto calls = co_await open_channel(producer_, false);
    if (!calls) co_return;
    call_channel_ = *calls;
    // Both sides declare what they use, as applications do.
    const std::string work = work_queue;
    const std::string requests = requests_queue;
    const std::string replies = replies_queue;
    if (!co_await declare(publish_channel_, work) || !co_await declare(call_channel_, requests) ||
        !co_await declare(call_channel_, replies))
        co_return;
    std::weak_ptr<workload> weak = shared_from_this();
    std::function<void(client::incoming_message)> on_reply = [weak](client::incoming_message m) {
        if (auto self = weak.lock()) self->on_reply(m);
    };
    if (!co_await consume(producer_, call_channel_, replies, true, on_reply)) co_return;
    producer_ready_ = true;
    log_.note([] { return std::string("producer: ready"); });
    pump();
    co_await rpc_calls();
}

asio::awaitable<void> workload::run_consumer()
{
    if (!co_await connect(consumer_)) co_return;
    auto work = co_await open_channel(consumer_, false);
    if (!work) co_return;
    work_channel_ = *work;
    auto serve = co_await open_channel(consumer_, false);
    if (!serve) co_return;
    serve_channel_ = *serve;
    const std::string work_name = work_queue;
    const std::string requests = requests_queue;
    if (!co_await declare(work_channel_, work_name) || !co_await set_qos(work_channel_, options_.prefetch) ||
        !co_await declare(serve_channel_, requests) || !co_await set_qos(serve_channel_, options_.prefetch))
        co_return;
    std::weak_ptr<workload> weak = shared_from_this();
    std::function<void(client::incoming_message)> on_work = [weak](client::incoming_message m) {
        if (auto self = weak.lock()) self->on_work(std::move(m));
    };
    std::function<void(client::incoming_message)> on_request = [weak](client::incoming_message m) {
        if (auto self = weak.lock()) self->on_request(std::move(m));
    };
    if (!co_await consume(consumer_, work_channel_, work_name, false, on_work) ||
        !co_await consume(consumer_, serve_channel_, requests, false, on_request))
        co_return;
    consumer_ready_ = true;
    log_.note([] { return std::string("consumer: ready"); });
}

// A consumer the broker cancelled comes back when its queue is declared again.

void workload::consumer_cancelled(const std::string& connection, const std::string& tag, const std::string& queue)
{
    log_.note([&] { return connection + ": consumer " + tag + " on " + queue + " cancelled by the broker"; });
    if (stopping_) return;
    const auto it = consumer_channels_.find({connection, tag});
    if (it == consumer_channels_.end()) {
        // The broker cancelled it before basic_consume completed: repaired then.
        early_cancels_.insert({connection, tag});
        return;
    }
    ++repairs_;
    spawn(repair(it->second, queue));
}

asio::awaitable<void> workload::repair(client::robust_channel ch, std::string queue)
{
    co_await declare(ch, queue);
    --repairs_;
}

}  // namespace amqp::scenarios::explorer
