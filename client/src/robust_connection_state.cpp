#include "robust_state.hpp"

#include "channel_state.hpp"

#include <amqp/runtime/clock.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/use_awaitable.hpp>

namespace amqp::client::detail {

namespace {

// "" and amq.* exist on every broker and cannot be declared.
bool predeclared(const std::string& exchange)
{
    return exchange.empty() || exchange.rfind("amq.", 0) == 0;
}

std::string describe(const recorded_binding& b)
{
    return std::string("binding of ") + (b.to_queue ? "queue '" : "exchange '") + b.destination +
           "' to exchange '" + b.source + "' with key '" + b.routing_key + "'";
}

template <class Handlers, class... Args>
void notify(const Handlers& handlers, const Args&... args)
{
    // A copy: a handler may add handlers, or close the connection.
    auto copy = handlers;
    for (auto& h : copy)
        h(args...);
}

}  // namespace

robust_connection_state::robust_connection_state(asio::any_io_executor executor, connection_options options,
                                                 recovery_options recovery, environment env)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      recovery_(recovery),
      env_(std::move(env)),
      backoff_(options_.reconnect_interval, recovery_.backoff_multiplier, recovery_.max_interval, recovery_.jitter,
               recovery_.seed)
{
}

void robust_connection_state::start(completion<> done)
{
    loop_running_ = true;
    asio::co_spawn(executor_, reconnect_loop(std::move(done)), asio::detached);
}

void robust_connection_state::open_channel(channel_options options,
                                           completion<std::shared_ptr<robust_channel_state>> done)
{
    if (status_ != status::connected) {
        done(failure{errc::connection_closed, nullptr, nullptr}, nullptr);
        return;
    }
    current_.channel(options, [self = shared_from_this(), options, done = std::move(done)](
                                  std::error_code ec, client::channel underlying) mutable {
        if (ec) {
            done(failure{ec, nullptr, nullptr}, nullptr);
            return;
        }
        options.number = underlying.number();
        auto channel = std::make_shared<robust_channel_state>(self, self->executor_, options);
        channel->attach(std::move(underlying));
        channel->set_ready();
        self->channels_[options.number] = channel;
        done(failure{}, std::move(channel));
    });
}

void robust_connection_state::close(completion<> done)
{
    if (status_ == status::closed) {
        done(failure{});
        return;
    }
    status_ = status::closed;
    if (pause_timer_)
        pause_timer_->cancel();
    auto channels = std::exchange(channels_, {});
    for (auto& [number, channel] : channels) {
        channel->close_for_good(close_info{200, "Normal shutdown"}, failure{errc::connection_closed, nullptr, nullptr});
    }
    if (!current_.is_open()) {
        done(failure{});
        return;
    }
    current_.close([done = std::move(done)](std::error_code ec) mutable { done(failure{ec, nullptr, nullptr}); });
}

void robust_connection_state::abandon()
{
    if (status_ == status::closed)
        return;
    status_ = status::closed;
    if (pause_timer_)
        pause_timer_->cancel();
    auto channels = std::exchange(channels_, {});
    for (auto& [number, channel] : channels)
        channel->close_for_good(close_info{}, failure{errc::connection_closed, nullptr, nullptr});
    current_ = connection{};
}

void robust_connection_state::adopt(connection c)
{
    current_ = std::move(c);
    std::weak_ptr<robust_connection_state> weak = shared_from_this();
    current_.on_close([weak](const close_info& why) {
        if (auto self = weak.lock())
            self->connection_lost(why);
    });
    current_.on_blocked([weak](bool blocked, const std::string& reason) {
        if (auto self = weak.lock())
            notify(self->on.blocked, blocked, reason);
    });
}

void robust_connection_state::connection_lost(const close_info& why)
{
    if (status_ == status::closed)
        return;
    const bool was_connected = status_ == status::connected;
    status_ = status::recovering;
    for (auto& [number, channel] : channels_)
        channel->set_recovering();
    if (was_connected)
        notify(on.connection_lost, why);
    if (!loop_running_ && status_ != status::closed) {
        loop_running_ = true;
        asio::co_spawn(executor_, reconnect_loop({}), asio::detached);
    }
}

asio::awaitable<void> robust_connection_state::reconnect_loop(completion<> first_done)
{
    auto self = shared_from_this();
    const bool first = static_cast<bool>(first_done);
    bool wait_first = !first;
    for (;;) {
        if (wait_first)
            co_await pause();
        wait_first = true;
        if (status_ == status::closed)
            break;
        std::error_code error;
        close_info info;
        try {
            connection c = co_await connection::connect(executor_, options_, env_);
            if (status_ == status::closed) {
                co_await c.close(asio::experimental::as_tuple(asio::use_awaitable));
                break;
            }
            adopt(std::move(c));
            co_await restore();
        } catch (const amqp_error& e) {
            error = e.code();
            info = e.info();
        }
        if (status_ == status::closed)
            break;
        if (!error && current_.is_open()) {
            backoff_.reset();
            status_ = status::connected;
            for (auto& [number, channel] : std::map(channels_))
                channel->set_ready();
            if (first) {
                loop_running_ = false;
                first_done(failure{});
                co_return;
            }
            ++reconnects_;
            for (auto& [number, channel] : std::map(channels_))
                notify(on.channel_restored, number);
            notify(on.reconnected);
            break;
        }
        if (first && options_.fail_fast) {
            status_ = status::closed;
            loop_running_ = false;
            first_done(failure{error ? error : std::error_code(errc::connection_closed),
                               std::make_shared<const close_info>(info), nullptr});
            co_return;
        }
    }
    loop_running_ = false;
    // Closed meanwhile: the first caller still gets an answer.
    if (first_done)
        first_done(failure{errc::connection_closed, nullptr, nullptr});
}

asio::awaitable<void> robust_connection_state::pause()
{
    const auto delay = backoff_.next();
    pause_timer_ = env_.clock->make_timer(executor_);
    co_await runtime::async_wait_until(*pause_timer_, env_.clock->now() + delay, asio::experimental::as_tuple(asio::use_awaitable));
}

// Channels first, under their numbers (consumers and the application refer to them),
// then the topology on a channel of its own, then the consumers on their channels.
asio::awaitable<void> robust_connection_state::restore()
{
    for (auto& [number, channel] : std::map(channels_)) {
        if (!channel->is_open())
            continue;
        co_await reopen(channel);
    }
    co_await restore_topology();
    co_await restore_consumers();
}

asio::awaitable<void> robust_connection_state::reopen(std::shared_ptr<robust_channel_state> channel)
{
    client::channel underlying = co_await current_.channel(channel->options());
    channel->attach(underlying);
    if (channel->qos) {
        const auto qos = *channel->qos;
        co_await underlying.set_qos(qos.prefetch_count, qos.prefetch_size, qos.global);
    }
    if (channel->transactional)
        co_await underlying.tx_select();
}

asio::awaitable<void> robust_connection_state::restore_topology()
{
    client::channel scratch;
    // A refusal closes the scratch channel: open another and go on with the rest.
    auto failed = [&](const std::string& what, const amqp_error& e) {
        if (!current_.is_open())
            throw;
        report(what, e.code(), e.info());
    };
    const auto exchanges = topology_.exchanges();
    for (const auto& e : exchanges) {
        if (predeclared(e.name))
            continue;
        try {
            if (!scratch.is_open())
                scratch = co_await current_.channel();
            co_await scratch.declare_exchange(e.name, e.type, e.options);
        } catch (const channel_closed_error& error) {
            failed("exchange '" + e.name + "'", error);
        }
    }
    const auto queues = topology_.queues();
    for (const auto& q : queues) {
        for (unsigned attempt = 0;; ++attempt) {
            bool locked = false;
            try {
                if (!scratch.is_open())
                    scratch = co_await current_.channel();
                client::queue declared = co_await scratch.declare_queue(q.requested, q.options);
                if (declared.name() != q.name) {
                    topology_.rename_queue(q.name, declared.name());
                    notify(on.queue_renamed, q.name, declared.name());
                }
            } catch (const channel_closed_error& error) {
                // The broker has not yet released the old connection's exclusive queue.
                locked = error.info().reply_code == 405 && attempt < recovery_.locked_retries;
                if (!locked)
                    failed("queue '" + q.name + "'", error);
            }
            if (!locked)
                break;
            auto timer = env_.clock->make_timer(executor_);
            co_await runtime::async_wait_until(*timer, env_.clock->now() + recovery_.locked_retry_delay,
                                               asio::experimental::as_tuple(asio::use_awaitable));
        }
    }
    // Exchange-to-exchange bindings first: queue bindings may route through them.
    const auto bindings = topology_.bindings();
    for (const bool to_queue : {false, true}) {
        for (const auto& b : bindings) {
            if (b.to_queue != to_queue)
                continue;
            try {
                if (!scratch.is_open())
                    scratch = co_await current_.channel();
                if (to_queue)
                    co_await scratch.queue_bind(b.destination, b.source, b.routing_key, b.arguments);
                else
                    co_await scratch.exchange_bind(b.destination, b.source, b.routing_key, b.arguments);
            } catch (const channel_closed_error& error) {
                failed(describe(b), error);
            }
        }
    }
    if (scratch.is_open())
        co_await scratch.close(asio::experimental::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> robust_connection_state::restore_consumers()
{
    // A copy: the application may consume or cancel meanwhile.
    const auto consumers = topology_.consumers();
    for (const auto& c : consumers) {
        if (c.cancelled_by_broker)
            continue;
        const auto it = channels_.find(c.channel);
        if (it == channels_.end() || !it->second->is_open())
            continue;
        auto channel = it->second;
        bool refused = false;
        try {
            client::channel underlying = channel->current();
            co_await initiate<std::string>(use_awaitable, executor_, [&](completion<std::string> done) {
                consume(underlying, c, std::move(done));
            });
        } catch (const channel_closed_error& error) {
            if (!current_.is_open())
                throw;
            report("consumer '" + c.tag + "' on queue '" + c.queue + "'", error.code(), error.info());
            // Back when its queue is (see queue_declared).
            topology_.mark_cancelled_by_broker(c.tag, true);
            refused = true;
        }
        // The refusal closed the consumer's channel; the others on it still need it.
        if (refused)
            co_await reopen(channel);
    }
}

void robust_connection_state::consume(client::channel& underlying, const recorded_consumer& c,
                                      completion<std::string> done)
{
    consume_options options = c.options;
    options.consumer_tag = c.tag;
    std::weak_ptr<robust_connection_state> weak = shared_from_this();
    consumer_callbacks callbacks{c.on_message, [weak, tag = c.tag](const failure& why) {
                                     if (why.ec != errc::consumer_cancelled)
                                         return;  // its channel closed: recovery's business
                                     if (auto self = weak.lock())
                                         self->consumer_cancelled_by_broker(tag);
                                 }};
    underlying.state()->consume(c.queue, options, std::move(callbacks), std::move(done));
}

void robust_connection_state::consumer_cancelled_by_broker(const std::string& tag)
{
    const recorded_consumer* c = topology_.find_consumer(tag);
    if (!c)
        return;
    const std::string queue = c->queue;
    topology_.mark_cancelled_by_broker(tag, true);
    notify(on.consumer_cancelled, tag, queue);
}

void robust_connection_state::queue_declared(const std::string& name)
{
    for (const auto& c : topology_.consumers()) {
        if (!c.cancelled_by_broker || c.queue != name)
            continue;
        const auto it = channels_.find(c.channel);
        if (it == channels_.end() || !it->second->is_ready())
            continue;
        client::channel underlying = it->second->current();
        topology_.mark_cancelled_by_broker(c.tag, false);
        std::weak_ptr<robust_connection_state> weak = shared_from_this();
        consume(underlying, c, [weak, tag = c.tag](const failure& f, std::string) {
            if (auto self = weak.lock(); self && f)
                self->topology_.mark_cancelled_by_broker(tag, true);
        });
    }
}

void robust_connection_state::channel_closed_by_broker(const std::shared_ptr<robust_channel_state>& channel,
                                                       const close_info& why)
{
    if (!recovery_.reopen_closed_channels) {
        channel->close_for_good(why, failure{errc::channel_closed, std::make_shared<const close_info>(why), nullptr});
        channel_closed_for_good(channel->number());
        return;
    }
    channel->set_recovering();
    asio::co_spawn(
        executor_,
        [](std::shared_ptr<robust_connection_state> self,
           std::shared_ptr<robust_channel_state> channel) -> asio::awaitable<void> {
            std::error_code error;
            close_info info;
            try {
                co_await self->reopen(channel);
                // Its consumers, in the order they were made; a refused one waits for its queue.
                const auto consumers = self->topology_.consumers();
                for (const auto& c : consumers) {
                    if (c.channel != channel->number() || c.cancelled_by_broker)
                        continue;
                    bool refused = false;
                    try {
                        client::channel underlying = channel->current();
                        co_await initiate<std::string>(use_awaitable, self->executor_,
                                                       [&](completion<std::string> done) {
                                                           self->consume(underlying, c, std::move(done));
                                                       });
                    } catch (const channel_closed_error& e) {
                        if (!self->current_.is_open())
                            throw;
                        self->report("consumer '" + c.tag + "' on queue '" + c.queue + "'", e.code(), e.info());
                        self->topology_.mark_cancelled_by_broker(c.tag, true);
                        refused = true;
                    }
                    if (refused)
                        co_await self->reopen(channel);
                }
            } catch (const amqp_error& e) {
                error = e.code();
                info = e.info();
            }
            if (!channel->is_open() || !self->current_.is_open())
                co_return;  // closed meanwhile, or the connection's recovery takes over
            if (error) {
                self->report("channel " + std::to_string(channel->number()), error, info);
                channel->close_for_good(info, failure{error, std::make_shared<const close_info>(info), nullptr});
                self->channel_closed_for_good(channel->number());
                co_return;
            }
            channel->set_ready();
            notify(self->on.channel_restored, channel->number());
        }(shared_from_this(), channel),
        asio::detached);
}

void robust_connection_state::channel_closed_for_good(std::uint16_t number)
{
    topology_.remove_channel(number);
    channels_.erase(number);
}

std::string robust_connection_state::make_consumer_tag()
{
    return "robust.ctag-" + std::to_string(++consumer_tags_);
}

void robust_connection_state::report(std::string what, std::error_code ec, close_info info)
{
    notify(on.recovery_failed, recovery_failure{std::move(what), ec, std::move(info)});
}

}  // namespace amqp::client::detail
