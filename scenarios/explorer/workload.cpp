#include "workload.hpp"

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <exception>
#include <sstream>
#include <utility>
#include <vector>

namespace amqp::scenarios::explorer {
namespace {

using namespace std::chrono_literals;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

std::string message_id(std::size_t index)
{
    return "m-" + std::to_string(index);
}

std::string describe(const client::close_info& why)
{
    if (why.reply_code == 0 && why.reply_text.empty())
        return "no close from the broker";
    return std::to_string(why.reply_code) + " " + why.reply_text;
}

}  // namespace

workload::workload(asio::any_io_executor executor, runtime::clock& clock, client::environment env,
                   const workload_options& options, run_shape shape, std::uint64_t seed,
                   harness::event_log& log)
    : executor_(std::move(executor)),
      clock_(clock),
      env_(std::move(env)),
      options_(options),
      shape_(shape),
      seed_(seed),
      log_(log),
      random_(seed ^ 0x9e3779b97f4a7c15ull)
{
    producer_.name = "explore-producer";
    consumer_.name = "explore-consumer";
    for (std::size_t i = 0; i < options_.messages; ++i)
        record_.published.insert(message_id(i));
    record_.drained_queues = {work_queue, requests_queue, replies_queue};
}

void workload::start()
{
    spawn(run_producer());
    spawn(run_consumer());
}

std::uint64_t workload::begin(std::string what)
{
    const std::uint64_t id = ++next_op_;
    ops_.emplace(id, std::move(what));
    return id;
}

void workload::end(std::uint64_t op)
{
    ops_.erase(op);
}

void workload::spawn(asio::awaitable<void> body)
{
    ++live_;
    asio::co_spawn(executor_, std::move(body), [self = shared_from_this()](std::exception_ptr e) {
        --self->live_;
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& error) {
            self->record_.errors.push_back(std::string("a workload coroutine threw: ") + error.what());
        }
    });
}

void workload::after(std::chrono::milliseconds d, std::function<void()> fn)
{
    const std::uint64_t id = ++next_timer_;
    auto timer = clock_.make_timer(executor_);
    auto* t = timer.get();
    timers_.emplace(id, std::move(timer));
    t->wait_until(clock_.now() + d, [self = shared_from_this(), id, fn = std::move(fn)](std::error_code ec) {
        self->timers_.erase(id);
        if (!ec && !self->stopping_)
            fn();
    });
}

asio::awaitable<void> workload::pause(std::chrono::milliseconds d)
{
    auto timer = clock_.make_timer(executor_);
    co_await runtime::async_wait_until(*timer, clock_.now() + d, as_tuple);
}

bool workload::retry(std::error_code ec, const client::robust_channel* ch) const
{
    if (stopping_)
        return false;
    if (client::is_retriable(ec))
        return true;
    // A broker close of the channel: with reopen_closed_channels the robust channel
    // comes back, so the operation may be tried again on it.
    return ec == client::errc::channel_closed && (!ch || ch->is_open());
}

client::queue_options workload::queue_options_for(const std::string& queue) const
{
    client::queue_options o;
    o.durable = shape_.durable && queue == work_queue;
    return o;
}

// Setup: connect, channels, queues, consumers; each step retried.

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
        if (auto self = weak.lock())
            self->log_.note([&] { return name + ": reconnected"; });
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
        if (auto self = weak.lock())
            self->consumer_cancelled(name, tag, queue);
    });
    s.connection.on_queue_renamed([weak, name](const std::string& from, const std::string& to) {
        if (auto self = weak.lock())
            self->log_.note([&] { return name + ": queue " + from + " renamed " + to; });
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
        if (!ec)
            co_return true;
        log_.note([&] { return "declare " + queue + " failed: " + ec.message(); });
        if (!retry(ec, &ch))
            break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_)
        record_.errors.push_back("gave up declaring queue " + queue);
    co_return false;
}

asio::awaitable<bool> workload::set_qos(client::robust_channel ch, std::uint16_t prefetch)
{
    for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        const auto op = begin("basic.qos on channel " + std::to_string(ch.number()));
        auto [ec] = co_await ch.set_qos(prefetch, 0, false, as_tuple);
        end(op);
        if (!ec)
            co_return true;
        if (!retry(ec, &ch))
            break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_)
        record_.errors.push_back("gave up setting qos on channel " + std::to_string(ch.number()));
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
        if (!retry(ec, &ch))
            break;
        co_await pause(options_.retry_delay);
    }
    if (!stopping_)
        record_.errors.push_back("gave up consuming " + queue);
    co_return false;
}

asio::awaitable<void> workload::run_producer()
{
    if (!co_await connect(producer_))
        co_return;
    auto publish = co_await open_channel(producer_, true);
    if (!publish)
        co_return;
    publish_channel_ = *publish;
    auto calls = co_await open_channel(producer_, false);
    if (!calls)
        co_return;
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
        if (auto self = weak.lock())
            self->on_reply(m);
    };
    if (!co_await consume(producer_, call_channel_, replies, true, on_reply))
        co_return;
    producer_ready_ = true;
    log_.note([] { return std::string("producer: ready"); });
    pump();
    co_await rpc_calls();
}

asio::awaitable<void> workload::run_consumer()
{
    if (!co_await connect(consumer_))
        co_return;
    auto work = co_await open_channel(consumer_, false);
    if (!work)
        co_return;
    work_channel_ = *work;
    auto serve = co_await open_channel(consumer_, false);
    if (!serve)
        co_return;
    serve_channel_ = *serve;
    const std::string work_name = work_queue;
    const std::string requests = requests_queue;
    if (!co_await declare(work_channel_, work_name) || !co_await set_qos(work_channel_, options_.prefetch) ||
        !co_await declare(serve_channel_, requests) || !co_await set_qos(serve_channel_, options_.prefetch))
        co_return;
    std::weak_ptr<workload> weak = shared_from_this();
    std::function<void(client::incoming_message)> on_work = [weak](client::incoming_message m) {
        if (auto self = weak.lock())
            self->on_work(std::move(m));
    };
    std::function<void(client::incoming_message)> on_request = [weak](client::incoming_message m) {
        if (auto self = weak.lock())
            self->on_request(std::move(m));
    };
    if (!co_await consume(consumer_, work_channel_, work_name, false, on_work) ||
        !co_await consume(consumer_, serve_channel_, requests, false, on_request))
        co_return;
    consumer_ready_ = true;
    log_.note([] { return std::string("consumer: ready"); });
}

// The publisher: at most publish_window messages unsettled; a failed attempt is sent
// again (same message_id) when a retry may cure it.

void workload::pump()
{
    while (!stopping_ && in_flight_ < options_.publish_window && next_message_ < options_.messages) {
        ++in_flight_;
        publish(next_message_++, 1);
    }
}

void workload::publish(std::size_t index, unsigned attempt)
{
    const std::string id = message_id(index);
    client::message m("message " + std::to_string(index));
    m.message_id = id;
    if (shape_.durable)
        m.delivery_mode = client::persistent;
    const auto op = begin("publish " + id + " (attempt " + std::to_string(attempt) + ")");
    publish_channel_.basic_publish("", work_queue, std::move(m), false,
                                   [self = shared_from_this(), index, attempt, op](std::error_code ec) {
                                       self->published(index, attempt, op, ec);
                                   });
}

void workload::published(std::size_t index, unsigned attempt, std::uint64_t op, std::error_code ec)
{
    end(op);
    const std::string id = message_id(index);
    if (!ec) {
        record_.confirmed.insert(id);
        if (!record_.consumed.contains(id))
            awaiting_consumption_.insert(id);
        log_.note([&] { return "publish " + id + ": confirmed"; });
        settled(index);
        return;
    }
    if (ec == client::errc::message_nacked)
        record_.nacked.insert(id);
    log_.note([&] { return "publish " + id + " (attempt " + std::to_string(attempt) + "): " + ec.message(); });
    const bool again = ec == client::errc::message_nacked ? !stopping_ : retry(ec, &publish_channel_);
    if (again && attempt < options_.max_attempts) {
        record_.republished.insert(id);
        after(options_.retry_delay, [self = shared_from_this(), index, attempt] { self->publish(index, attempt + 1); });
        return;
    }
    record_.failed[id] = ec.message();
    settled(index);
}

void workload::settled(std::size_t)
{
    --in_flight_;
    ++settled_;
    pump();
}

// Consumers. A delivery is recorded under the generation of the underlying channel it
// came on (deliveries are dispatched as their frame is read, so that is the robust
// channel's current one) and acked now or after a drawn while.

std::uint64_t workload::generation(const client::robust_channel& ch)
{
    client::channel under = ch.current();
    // The underlying channel's state is the only identity a client::channel has.
    const auto& state = under.state();
    if (!state)
        return 0;
    auto& g = generations_[state.get()];
    if (g.id != 0 && !g.alive.expired())
        return g.id;
    g.id = ++last_generation_;
    g.alive = state;
    std::weak_ptr<workload> weak = shared_from_this();
    under.on_close([weak, id = g.id, number = under.number()](const client::close_info& why) {
        auto self = weak.lock();
        if (!self || !why.by_broker)
            return;
        const std::string line =
            "channel " + std::to_string(number) + " (generation " + std::to_string(id) + ") closed: " + describe(why);
        self->record_.client_closes.push_back(line);
        self->log_.note([&] { return line; });
    });
    return g.id;
}

void workload::on_work(client::incoming_message m)
{
    const std::uint64_t gen = generation(work_channel_);
    record_.delivered[gen].insert(m.delivery_tag);
    const std::string id = m.message_id.value_or("");
    ++record_.consumed[id];
    awaiting_consumption_.erase(id);
    log_.note([&] {
        return "deliver " + id + " tag " + std::to_string(m.delivery_tag) + " generation " + std::to_string(gen) +
               (m.redelivered ? " (redelivered)" : "");
    });
    const auto max = options_.max_ack_delay.count();
    // A third at once, the rest after up to max_ack_delay.
    const auto delay = max > 0 && random_() % 3 != 0 ? std::int64_t(random_() % std::uint64_t(max)) + 1 : 0;
    if (delay == 0) {
        ack(work_channel_, m, gen);
        return;
    }
    after(std::chrono::milliseconds(delay),
          [self = shared_from_this(), m = std::move(m), gen] { self->ack(self->work_channel_, m, gen); });
}

void workload::ack(const client::robust_channel& ch, const client::incoming_message& m,
                   std::uint64_t delivered_generation)
{
    const std::uint64_t gen = generation(ch);
    const std::error_code ec = m.ack();
    record_.acks.push_back(ack_record{delivered_generation, gen, m.delivery_tag, m.message_id.value_or(""), ec});
    log_.note([&] {
        return "ack " + m.message_id.value_or("") + " tag " + std::to_string(m.delivery_tag) + " (generation " +
               std::to_string(delivered_generation) + ", now " + std::to_string(gen) +
               "): " + (ec ? ec.message() : "sent");
    });
}

void workload::on_request(client::incoming_message m)
{
    const std::uint64_t gen = generation(serve_channel_);
    record_.delivered[gen].insert(m.delivery_tag);
    log_.note([&] {
        return "rpc server: request " + m.correlation_id.value_or("?") + " tag " + std::to_string(m.delivery_tag) +
               " generation " + std::to_string(gen);
    });
    if (!m.reply_to || !m.correlation_id) {
        ack(serve_channel_, m, gen);
        return;
    }
    client::message reply("re: " + m.body);
    reply.correlation_id = m.correlation_id;
    const std::string to = *m.reply_to;
    const auto op = begin("rpc reply " + *m.correlation_id);
    serve_channel_.basic_publish("", to, std::move(reply), false,
                                 [self = shared_from_this(), m = std::move(m), gen, op](std::error_code) {
                                     self->end(op);
                                     self->ack(self->serve_channel_, m, gen);
                                 });
}

void workload::on_reply(const client::incoming_message& m)
{
    const auto it = calls_.find(m.correlation_id.value_or(""));
    if (it == calls_.end() || it->second.replied) {
        ++record_.rpc_late_replies;
        return;
    }
    it->second.replied = true;
    it->second.timer->cancel();
}

asio::awaitable<void> workload::rpc_calls()
{
    for (std::size_t i = 0; i < options_.rpc_calls && !stopping_; ++i)
        co_await rpc_call(i);
    rpc_done_ = true;
}

asio::awaitable<void> workload::rpc_call(std::size_t index)
{
    ++record_.rpc_calls;
    const auto op = begin("rpc call " + std::to_string(index));
    bool answered = false;
    const std::string exchange;
    const std::string key = requests_queue;
    for (unsigned attempt = 1; attempt <= options_.max_attempts && !stopping_ && !answered; ++attempt) {
        const std::string correlation = "c" + std::to_string(index) + "." + std::to_string(attempt);
        client::message request("request " + std::to_string(index));
        request.correlation_id = correlation;
        request.reply_to = replies_queue;
        calls_[correlation].timer = clock_.make_timer(executor_);
        const auto sent = begin("rpc request " + correlation);
        auto [ec] = co_await call_channel_.basic_publish(exchange, key, std::move(request), false, as_tuple);
        end(sent);
        if (ec) {
            calls_.erase(correlation);
            log_.note([&] { return "rpc call " + correlation + ": publish failed: " + ec.message(); });
            co_await pause(options_.retry_delay);
            continue;
        }
        if (!calls_[correlation].replied) {
            auto* timer = calls_[correlation].timer.get();
            co_await runtime::async_wait_until(*timer, clock_.now() + options_.rpc_timeout, as_tuple);
        }
        answered = calls_[correlation].replied;
        calls_.erase(correlation);
        log_.note([&] { return "rpc call " + correlation + (answered ? ": answered" : ": timed out"); });
    }
    ++(answered ? record_.rpc_answered : record_.rpc_gave_up);
    end(op);
}

// A consumer the broker cancelled comes back when its queue is declared again.

void workload::consumer_cancelled(const std::string& connection, const std::string& tag, const std::string& queue)
{
    log_.note([&] { return connection + ": consumer " + tag + " on " + queue + " cancelled by the broker"; });
    if (stopping_)
        return;
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

bool workload::finished() const noexcept
{
    return producer_ready_ && consumer_ready_ && settled_ == options_.messages && awaiting_consumption_.empty() &&
           rpc_done_ && repairs_ == 0 && timers_.empty() && producer_.connection.is_connected() &&
           consumer_.connection.is_connected();
}

std::string workload::progress() const
{
    std::ostringstream os;
    os << "producer " << (producer_ready_ ? "ready" : "not set up") << ", consumer "
       << (consumer_ready_ ? "ready" : "not set up") << "; " << settled_ << " of " << options_.messages
       << " publishes settled (" << record_.confirmed.size() << " confirmed), " << awaiting_consumption_.size()
       << " confirmed not consumed; rpc " << (rpc_done_ ? "done" : "running") << "; " << repairs_
       << " consumer(s) being restored; " << timers_.size() << " ack(s) or retries waiting; producer "
       << (producer_.connection.is_connected() ? "connected" : "not connected") << ", consumer "
       << (consumer_.connection.is_connected() ? "connected" : "not connected");
    return os.str();
}

workload_record workload::record() const
{
    workload_record r = record_;
    r.unresolved = ops_;
    const auto open = [](const client::robust_channel& a, const client::robust_channel& b) {
        return std::size_t(a.is_open()) + std::size_t(b.is_open());
    };
    if (producer_.connected) {
        r.reconnects += producer_.connection.reconnects();
        r.open_channels[producer_.name] = open(publish_channel_, call_channel_);
    }
    if (consumer_.connected) {
        r.reconnects += consumer_.connection.reconnects();
        r.open_channels[consumer_.name] = open(work_channel_, serve_channel_);
    }
    r.finished = finished();
    if (!r.finished)
        r.progress = progress();
    return r;
}

void workload::shutdown()
{
    stopping_ = true;
    std::vector<runtime::timer*> timers;
    for (auto& [id, t] : timers_)
        timers.push_back(t.get());
    for (auto* t : timers)
        t->cancel();
    for (auto& [id, c] : calls_)
        c.timer->cancel();
    for (side* s : {&producer_, &consumer_}) {
        if (!s->connected) {
            s->closed = true;
            continue;
        }
        s->connection.close([self = shared_from_this(), s](std::error_code) { s->closed = true; });
    }
}

bool workload::stopped() const noexcept
{
    return live_ == 0 && timers_.empty() && producer_.closed && consumer_.closed;
}

void workload::release()
{
    publish_channel_ = {};
    call_channel_ = {};
    work_channel_ = {};
    serve_channel_ = {};
    consumer_channels_.clear();
    calls_.clear();
    producer_.connection = {};
    consumer_.connection = {};
}

}  // namespace amqp::scenarios::explorer
