#include "robust_state.hpp"

#include "channel_state.hpp"

#include <amqp/runtime/clock.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>

namespace amqp::client::detail {

namespace {

// How often recovery opens a channel again after the broker closed it while it was
// being restored, and how often a consumer the broker refused (other than for a
// missing queue) is tried again, before either is given up and reported.
constexpr unsigned channel_attempts = 5;

// "" and amq.* exist on every broker and cannot be declared.
bool predeclared(const std::string& exchange) { return exchange.empty() || exchange.rfind("amq.", 0) == 0; }

std::string describe(const recorded_binding& b)
{
    return std::string("binding of ") + (b.to_queue ? "queue '" : "exchange '") + b.destination + "' to exchange '" +
           b.source + "' with key '" + b.routing_key + "'";
}

template <class Handlers, class... Args>
void notify(const Handlers& handlers, const Args&... args)
{
    // A copy: a handler may add handlers, or close the connection.
    auto copy = handlers;
    for (auto& h : copy) h(args...);
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
{}

void robust_connection_state::start(completion<> done)
{
    loop_running_ = true;
    asio::co_spawn(executor_, reconnect_loop(std::move(done)), asio::detached);
}

void robust_connection_state::open_channel(channel_options options,
                                           completion<std::shared_ptr<robust_channel_state>> done)
{
    if (status_ == status::closed) {
        done(failure{errc::connection_closed, nullptr, nullptr}, nullptr);
        return;
    }
    if (status_ != status::connected) {
        // The same policy as any other operation while disconnected.
        if (recovery_.while_disconnected == while_disconnected::fail) {
            done(failure{errc::connection_closed,
                         std::make_shared<const close_info>(close_info{0, "the connection is recovering"}), nullptr},
                 nullptr);
            return;
        }
        waiting_opens_.add(waiting_open{options, std::move(done)}, *env_.clock, executor_, recovery_.operation_timeout);
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
        channel->attach(std::move(underlying), self->next_incarnation(), self->generation_);
        channel->set_ready();
        self->channels_[options.number] = channel;
        done(failure{}, std::move(channel));
    });
}

// Recovered (why is empty) or closed: the channel() calls that waited go on or fail.
void robust_connection_state::open_channels_waiting(const failure& why)
{
    for (auto& w : waiting_opens_.take_all()) {
        if (why) w(why, nullptr);
        else open_channel(w.options, std::move(w.done));
    }
}

void robust_connection_state::close(completion<> done)
{
    if (status_ == status::closed) {
        done(failure{});
        return;
    }
    status_ = status::closed;
    if (pause_timer_) pause_timer_->cancel();
    auto channels = std::exchange(channels_, {});
    for (auto& [number, channel] : channels) {
        channel->close_for_good(close_info{200, "Normal shutdown"}, failure{errc::connection_closed, nullptr, nullptr});
    }
    open_channels_waiting(failure{errc::connection_closed, nullptr, nullptr});
    if (!current_.is_open()) {
        done(failure{});
        return;
    }
    current_.close([done = std::move(done)](std::error_code ec) mutable { done(failure{ec, nullptr, nullptr}); });
}

void robust_connection_state::abandon()
{
    if (status_ == status::closed) return;
    status_ = status::closed;
    if (pause_timer_) pause_timer_->cancel();
    auto channels = std::exchange(channels_, {});
    for (auto& [number, channel] : channels)
        channel->close_for_good(close_info{}, failure{errc::connection_closed, nullptr, nullptr});
    open_channels_waiting(failure{errc::connection_closed, nullptr, nullptr});
    current_ = connection{};
}

void robust_connection_state::adopt(connection c)
{
    current_ = std::move(c);
    ++generation_;
    std::weak_ptr<robust_connection_state> weak = shared_from_this();
    current_.on_close([weak](const close_info& why) {
        if (auto self = weak.lock()) self->connection_lost(why);
    });
    current_.on_blocked([weak](bool blocked, const std::string& reason) {
        if (auto self = weak.lock()) notify(self->on.blocked, blocked, reason);
    });
}

void robust_connection_state::connection_lost(const close_info& why)
{
    if (status_ == status::closed) return;
    const bool was_connected = status_ == status::connected;
    status_ = status::recovering;
    for (auto& [number, channel] : channels_) channel->set_recovering();
    if (was_connected) notify(on.connection_lost, why);
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
        if (wait_first) co_await pause();
        wait_first = true;
        if (status_ == status::closed) break;
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
        if (status_ == status::closed) break;
        if (!error && current_.is_open()) {
            backoff_.reset();
            status_ = status::connected;
            for (auto& [number, channel] : std::map(channels_)) {
                // One the broker closed again at the last moment goes the usual way.
                if (channel->underlying_open()) channel->set_ready();
                else channel_closed_by_broker(channel, channel->underlying_close_reason());
            }
            if (first) {
                loop_running_ = false;
                first_done(failure{});
                co_return;
            }
            ++reconnects_;
            for (auto& [number, channel] : std::map(channels_)) notify(on.channel_restored, number);
            notify(on.reconnected);
            open_channels_waiting(failure{});
            break;
        }
        if (current_.is_open()) {
            // Restoring failed on a connection that is still up: start afresh.
            co_await current_.close(asio::experimental::as_tuple(asio::use_awaitable));
            if (status_ == status::closed) break;
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
    if (first_done) first_done(failure{errc::connection_closed, nullptr, nullptr});
}

asio::awaitable<void> robust_connection_state::pause()
{
    const auto delay = backoff_.next();
    pause_timer_ = env_.clock->make_timer(executor_);
    co_await runtime::async_wait_until(*pause_timer_, env_.clock->now() + delay,
                                       asio::experimental::as_tuple(asio::use_awaitable));
}

// Channels first, under their numbers (consumers and the application refer to them),
// then the topology on a channel of its own, then the consumers on their channels.
asio::awaitable<void> robust_connection_state::restore()
{
    const std::uint64_t generation = generation_;
    for (auto& [number, channel] : std::map(channels_)) co_await recover_channel(channel, generation, false);
    co_await restore_topology();
    // Again for every channel: one the broker closed meanwhile is opened again.
    for (auto& [number, channel] : std::map(channels_)) co_await recover_channel(channel, generation, true);
}

void robust_connection_state::expect_generation(std::uint64_t generation) const
{
    if (generation != generation_ || !current_.is_open())
        throw connection_closed_error(errc::connection_closed, close_info{0, "the connection was lost"});
}

// Opens the channel again if its underlying channel is closed, restores its qos and tx
// mode, and (with_consumers) starts its consumers. Channel errors are retried a few
// times; true when the channel is usable. Throws when the connection goes.
asio::awaitable<bool> robust_connection_state::recover_channel(std::shared_ptr<robust_channel_state> channel,
                                                               std::uint64_t generation, bool with_consumers)
{
    std::map<std::string, unsigned> refusals;
    unsigned failures = 0;
    std::error_code error;
    close_info why;
    for (;;) {
        expect_generation(generation);
        if (!channel->is_open()) co_return false;  // the application closed it
        if (!channel->underlying_open()) {
            try {
                co_await reopen(channel, generation);
            } catch (const channel_closed_error& e) {
                expect_generation(generation);
                error = e.code();
                why = e.info();
            }
        }
        if (!error && channel->underlying_open() && with_consumers) {
            const bool none_refused = co_await restore_consumers_of(channel, generation, refusals);
            if (!none_refused) continue;  // the refusal closed the channel: again, for the others
        }
        if (!channel->is_open()) {
            // Closed by the application meanwhile: nobody owns what we opened.
            if (channel->underlying_open())
                channel->current().state()->close(200, "Normal shutdown", [](const failure&) {});
            co_return false;
        }
        if (!error && channel->underlying_open()) co_return true;
        if (!error) {
            error = errc::channel_closed;
            why = channel->underlying_close_reason();
        }
        if (++failures >= channel_attempts) {
            give_up_channel(channel, error, why);
            co_return false;
        }
        error = {};
    }
}

asio::awaitable<void> robust_connection_state::reopen(std::shared_ptr<robust_channel_state> channel,
                                                      std::uint64_t generation)
{
    client::channel underlying = co_await current_.channel(channel->options());
    expect_generation(generation);
    channel->attach(underlying, next_incarnation(), generation);
    if (channel->qos) {
        const auto qos = *channel->qos;
        co_await underlying.set_qos(qos.prefetch_count, qos.prefetch_size, qos.global);
    }
    if (channel->transactional) co_await underlying.tx_select();
}

void robust_connection_state::give_up_channel(const std::shared_ptr<robust_channel_state>& channel, std::error_code ec,
                                              const close_info& why)
{
    report("channel " + std::to_string(channel->number()), ec, why);
    channel->close_for_good(why, failure{ec, std::make_shared<const close_info>(why), nullptr});
    channel_closed_for_good(channel->number());
}

asio::awaitable<void> robust_connection_state::restore_topology()
{
    client::channel scratch;
    // Copies: the application may declare or delete meanwhile.
    const auto exchanges = topology_.exchanges();
    for (const auto& e : exchanges) {
        if (predeclared(e.name)) continue;
        co_await declare_again(scratch, "exchange '" + e.name + "'",
                               [&e](client::channel& ch) -> asio::awaitable<void> {
                                   co_await ch.declare_exchange(e.name, e.type, e.options);
                               });
    }
    const auto queues = topology_.queues();
    for (const auto& q : queues) {
        // A server-named queue that outlives its connection may still be there, with
        // its messages: keep it. (Its name cannot be declared anew: amq.* is reserved.)
        if (q.server_named() && !q.options.exclusive && !q.options.auto_delete &&
            co_await still_declared(scratch, q.name))
            continue;
        co_await declare_again(scratch, "queue '" + q.name + "'",
                               [this, &q](client::channel& ch) -> asio::awaitable<void> {
                                   client::queue declared = co_await ch.declare_queue(q.requested, q.options);
                                   if (declared.name() != q.name) {
                                       topology_.rename_queue(q.name, declared.name());
                                       notify(on.queue_renamed, q.name, declared.name());
                                   }
                               });
    }
    // Exchange-to-exchange bindings first: queue bindings may route through them.
    const auto bindings = topology_.bindings();
    for (const bool to_queue : {false, true}) {
        for (const auto& b : bindings) {
            if (b.to_queue != to_queue) continue;
            co_await declare_again(scratch, describe(b), [&b](client::channel& ch) -> asio::awaitable<void> {
                if (b.to_queue) co_await ch.queue_bind(b.destination, b.source, b.routing_key, b.arguments);
                else co_await ch.exchange_bind(b.destination, b.source, b.routing_key, b.arguments);
            });
        }
    }
    if (scratch.is_open()) co_await scratch.close(asio::experimental::as_tuple(asio::use_awaitable));
}

// Whether the queue exists, by a passive declare on the scratch channel.
asio::awaitable<bool> robust_connection_state::still_declared(client::channel& scratch, const std::string& queue)
{
    try {
        if (!scratch.is_open()) scratch = co_await current_.channel();
        queue_options passive;
        passive.passive = true;
        co_await scratch.declare_queue(queue, passive);
        co_return true;
    } catch (const channel_closed_error&) {
        if (!current_.is_open()) throw;
    }
    co_return false;
}

// One declaration on the scratch channel. A refusal closes that channel: the next try
// opens another. 405 means the broker has not yet released the old connection's
// exclusive queue: wait and try again. Other refusals but 404 are tried again a few
// times, then reported (recovery goes on with the rest).
asio::awaitable<void> robust_connection_state::declare_again(
    client::channel& scratch, const std::string& what,
    const std::function<asio::awaitable<void>(client::channel&)>& declare)
{
    unsigned locked = 0;
    unsigned refused = 0;
    for (;;) {
        bool wait = false;
        try {
            if (!scratch.is_open()) scratch = co_await current_.channel();
            co_await declare(scratch);
            co_return;
        } catch (const channel_closed_error& e) {
            if (!current_.is_open()) throw;
            const auto code = e.info().reply_code;
            wait = code == 405 && locked++ < recovery_.locked_retries;
            if (!wait && (code == 404 || ++refused >= channel_attempts)) {
                report(what, e.code(), e.info());
                co_return;
            }
        }
        if (wait) {
            auto timer = env_.clock->make_timer(executor_);
            co_await runtime::async_wait_until(*timer, env_.clock->now() + recovery_.locked_retry_delay,
                                               asio::experimental::as_tuple(asio::use_awaitable));
        }
    }
}

// Starts the channel's consumers that are not consuming on its underlying channel of
// the moment, in the order they were made; false when the broker refused one (which
// closed the channel).
asio::awaitable<bool> robust_connection_state::restore_consumers_of(std::shared_ptr<robust_channel_state> channel,
                                                                    std::uint64_t generation,
                                                                    std::map<std::string, unsigned>& refusals)
{
    const std::uint64_t incarnation = channel->incarnation();
    for (;;) {
        // Looked up afresh each time: the application may consume or cancel meanwhile,
        // and a redeclared queue brings its cancelled consumers back.
        const auto& consumers = topology_.consumers();
        const auto next = std::find_if(consumers.begin(), consumers.end(), [&](const recorded_consumer& c) {
            return c.channel == channel->number() && !c.cancelled_by_broker && c.live_on != incarnation;
        });
        if (next == consumers.end()) co_return true;
        const recorded_consumer c = *next;
        try {
            client::channel underlying = channel->current();
            co_await initiate<std::string>(use_awaitable, executor_, [&](completion<std::string> done) {
                consume(underlying, c, incarnation, std::move(done));
            });
        } catch (const channel_closed_error& e) {
            expect_generation(generation);
            report("consumer '" + c.tag + "' on queue '" + c.queue + "'", e.code(), e.info());
            // A missing queue: back once it is declared again (queue_declared). Other
            // refusals are tried again on a new channel, a few times.
            if (e.info().reply_code == 404 || ++refusals[c.tag] >= channel_attempts)
                topology_.mark_cancelled_by_broker(c.tag, true);
            co_return false;
        }
        expect_generation(generation);
        if (channel->incarnation() != incarnation || !channel->underlying_open())
            co_return true;  // closed meanwhile: the caller sees it
    }
}

void robust_connection_state::consume(const client::channel& underlying, const recorded_consumer& c,
                                      std::uint64_t incarnation, completion<std::string> done)
{
    consume_options options = c.options;
    options.consumer_tag = c.tag;
    std::weak_ptr<robust_connection_state> weak = shared_from_this();
    consumer_callbacks callbacks{c.on_message, [weak, tag = c.tag](const failure& why) {
                                     if (why.ec != errc::consumer_cancelled)
                                         return;  // its channel closed: recovery's business
                                     if (auto self = weak.lock()) self->consumer_cancelled_by_broker(tag);
                                 }};
    // Live from now on, so that nobody else starts it on this channel.
    topology_.set_live_on(c.tag, incarnation);
    underlying.state()->consume(
        c.queue, options, std::move(callbacks),
        [weak, tag = c.tag, incarnation, done = std::move(done)](const failure& f, std::string t) mutable {
            auto self = weak.lock();
            if (f && self) {
                if (const auto* now = self->topology_.find_consumer(tag); now && now->live_on == incarnation)
                    self->topology_.set_live_on(tag, 0);
            }
            done(f, std::move(t));
        });
}

void robust_connection_state::consumer_cancelled_by_broker(const std::string& tag)
{
    const recorded_consumer* c = topology_.find_consumer(tag);
    if (!c) return;
    const std::string queue = c->queue;
    topology_.mark_cancelled_by_broker(tag, true);
    topology_.set_live_on(tag, 0);
    notify(on.consumer_cancelled, tag, queue);
}

void robust_connection_state::queue_declared(const std::string& name)
{
    const auto consumers = topology_.consumers();
    for (const auto& c : consumers) {
        if (!c.cancelled_by_broker || c.queue != name) continue;
        // Its queue exists again. A channel being restored starts it with the others.
        topology_.mark_cancelled_by_broker(c.tag, false);
        const auto it = channels_.find(c.channel);
        if (it == channels_.end() || !it->second->is_ready() || !it->second->underlying_open()) continue;
        const auto& channel = it->second;
        std::weak_ptr<robust_connection_state> weak = shared_from_this();
        consume(channel->current(), c, channel->incarnation(),
                [weak, tag = c.tag, generation = generation_](const failure& f, std::string) {
                    auto self = weak.lock();
                    // Gone again: wait for the next declare. Any other failure closed the
                    // channel, whose recovery tries again.
                    if (self && f && f.info && f.info->reply_code == 404 && generation == self->generation_)
                        self->topology_.mark_cancelled_by_broker(tag, true);
                });
    }
}

void robust_connection_state::channel_closed_by_broker(const std::shared_ptr<robust_channel_state>& channel,
                                                       const close_info& why)
{
    // Closed with its connection, or while the connection is being restored: that
    // recovery opens it again.
    if (channel->generation() != generation_ || status_ != status::connected || !current_.is_open()) return;
    if (!recovery_.reopen_closed_channels) {
        channel->close_for_good(why, failure{errc::channel_closed, std::make_shared<const close_info>(why), nullptr});
        channel_closed_for_good(channel->number());
        return;
    }
    if (channel->restorer == 0) spawn_channel_recovery(channel);
    // Otherwise the recovery under way sees its channel closed and opens it again.
}

void robust_connection_state::spawn_channel_recovery(const std::shared_ptr<robust_channel_state>& channel)
{
    const std::uint64_t task = ++restorers_;
    channel->restorer = task;
    asio::co_spawn(
        executor_,
        [](std::shared_ptr<robust_connection_state> self, std::shared_ptr<robust_channel_state> channel,
           std::uint64_t task, std::uint64_t generation) -> asio::awaitable<void> {
            bool restored = false;
            try {
                restored = co_await self->recover_channel(channel, generation, true);
            } catch (const amqp_error&) {
                // The connection went: its recovery restores the channel.
            }
            if (channel->restorer == task) channel->restorer = 0;
            if (!restored || generation != self->generation_ || self->status_ != status::connected) co_return;
            channel->set_ready();
            notify(self->on.channel_restored, channel->number());
        }(shared_from_this(), channel, task, generation_),
        asio::detached);
}

void robust_connection_state::channel_closed_for_good(std::uint16_t number)
{
    topology_.remove_channel(number);
    channels_.erase(number);
}

std::string robust_connection_state::make_consumer_tag() { return "robust.ctag-" + std::to_string(++consumer_tags_); }

void robust_connection_state::report(std::string what, std::error_code ec, close_info info)
{
    notify(on.recovery_failed, recovery_failure{std::move(what), ec, std::move(info)});
}

}  // namespace amqp::client::detail
