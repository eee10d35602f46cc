#include "robust_state.hpp"

namespace amqp::client {

using detail::completion;
using detail::failure;
using detail::robust_channel_state;

bool is_retriable(std::error_code ec) noexcept
{
    return ec == errc::connection_closed || ec == errc::heartbeat_timeout || ec == errc::timeout;
}

// robust_connection

robust_connection::robust_connection(std::shared_ptr<detail::robust_connection_state> state) : state_(std::move(state))
{}

robust_connection::~robust_connection()
{
    if (state_) state_->abandon();
}

robust_connection& robust_connection::operator=(robust_connection&& other) noexcept
{
    if (this != &other) {
        if (state_) state_->abandon();
        state_ = std::move(other.state_);
    }
    return *this;
}

void robust_connection::start_connect(asio::any_io_executor executor, connection_options options,
                                      recovery_options recovery, environment env, completion<robust_connection> done)
{
    auto state = std::make_shared<detail::robust_connection_state>(std::move(executor), std::move(options), recovery,
                                                                   std::move(env));
    state->start([state, done = std::move(done)](const failure& f) mutable {
        done(f, f ? robust_connection{} : robust_connection{state});
    });
}

void robust_connection::start_channel(const std::shared_ptr<detail::robust_connection_state>& state,
                                      channel_options options, completion<robust_channel> done)
{
    if (!state) {
        done(failure{errc::connection_closed, nullptr, nullptr}, robust_channel{});
        return;
    }
    state->open_channel(
        options, [done = std::move(done)](const failure& f, std::shared_ptr<robust_channel_state> channel) mutable {
            done(f, f ? robust_channel{} : robust_channel{std::move(channel)});
        });
}

void robust_connection::start_close(const std::shared_ptr<detail::robust_connection_state>& state, completion<> done)
{
    if (!state) {
        done(failure{});
        return;
    }
    state->close(std::move(done));
}

bool robust_connection::is_connected() const noexcept { return state_ && state_->is_connected(); }
bool robust_connection::is_closed() const noexcept { return !state_ || state_->is_closed(); }
std::uint64_t robust_connection::reconnects() const noexcept { return state_ ? state_->reconnects() : 0; }
asio::any_io_executor robust_connection::get_executor() const { return state_->executor(); }
const connection& robust_connection::current() const { return state_->current(); }

void robust_connection::on_connection_lost(std::function<void(const close_info&)> handler)
{
    state_->on.connection_lost.push_back(std::move(handler));
}
void robust_connection::on_reconnected(std::function<void()> handler)
{
    state_->on.reconnected.push_back(std::move(handler));
}
void robust_connection::on_channel_restored(std::function<void(std::uint16_t)> handler)
{
    state_->on.channel_restored.push_back(std::move(handler));
}
void robust_connection::on_recovery_failed(std::function<void(const recovery_failure&)> handler)
{
    state_->on.recovery_failed.push_back(std::move(handler));
}
void robust_connection::on_consumer_cancelled(std::function<void(const std::string&, const std::string&)> handler)
{
    state_->on.consumer_cancelled.push_back(std::move(handler));
}
void robust_connection::on_queue_renamed(std::function<void(const std::string&, const std::string&)> handler)
{
    state_->on.queue_renamed.push_back(std::move(handler));
}
void robust_connection::on_blocked(std::function<void(bool, const std::string&)> handler)
{
    state_->on.blocked.push_back(std::move(handler));
}

// robust_channel

namespace {

// What recording needs after a success: the connection's topology, while it lives.
template <class F>
void with_topology(const std::shared_ptr<robust_channel_state>& channel, F f)
{
    if (auto owner = channel->owner()) f(owner->topology(), *owner);
}

std::string current_queue_name(const std::shared_ptr<robust_channel_state>& channel, const std::string& name)
{
    auto owner = channel->owner();
    return owner && !name.empty() ? owner->topology().current_name(name) : name;
}

}  // namespace

robust_channel::robust_channel(std::shared_ptr<robust_channel_state> state) : state_(std::move(state)) {}

std::uint16_t robust_channel::number() const noexcept { return state_ ? state_->number() : 0; }
bool robust_channel::is_open() const noexcept { return state_ && state_->is_open(); }
client::channel robust_channel::current() const { return state_->current(); }
asio::any_io_executor robust_channel::get_executor() const { return state_->executor(); }

void robust_channel::on_close(std::function<void(const close_info&)> handler) const
{
    state_->add_close_handler(std::move(handler));
}

void robust_channel::on_return(std::function<void(const returned_message&)> handler) const
{
    state_->add_return_handler(std::move(handler));
}

void robust_channel::start_declare_exchange(const std::string& name, const std::string& type,
                                            const exchange_options& options, completion<> done) const
{
    state_->when_ready([ch = state_, name, type, options, done = std::move(done)](const failure& f,
                                                                                  client::channel* under) mutable {
        if (f) return done(f);
        under->start_declare_exchange(
            name, type, options, [ch, name, type, options, done = std::move(done)](const failure& f, exchange) mutable {
                if (!f) {
                    with_topology(ch, [&](detail::topology& t, auto&) {
                        t.add_exchange({name, type, options, ch->number()});
                    });
                }
                done(f);
            });
    });
}

void robust_channel::start_declare_queue(const std::string& name, const queue_options& options,
                                         completion<std::string> done) const
{
    state_->when_ready([ch = state_, name, options, done = std::move(done)](const failure& f,
                                                                            client::channel* under) mutable {
        if (f) return done(f, {});
        const std::string requested = current_queue_name(ch, name);
        under->start_declare_queue(requested, options,
                                   [ch, requested, options, done = std::move(done)](const failure& f, queue q) mutable {
                                       if (f) return done(f, {});
                                       with_topology(ch, [&](detail::topology& t, auto& owner) {
                                           t.add_queue({requested, q.name(), options, ch->number()});
                                           owner.queue_declared(q.name());
                                       });
                                       done(f, q.name());
                                   });
    });
}

void robust_channel::start_exchange_delete(const std::string& name, bool if_unused, completion<> done) const
{
    state_->when_ready(
        [ch = state_, name, if_unused, done = std::move(done)](const failure& f, client::channel* under) mutable {
            if (f) return done(f);
            under->start_exchange_delete(name, if_unused, [ch, name, done = std::move(done)](const failure& f) mutable {
                if (!f) with_topology(ch, [&](detail::topology& t, auto&) { t.remove_exchange(name); });
                done(f);
            });
        });
}

void robust_channel::start_queue_delete(const std::string& name, bool if_unused, bool if_empty,
                                        completion<std::uint32_t> done) const
{
    state_->when_ready([ch = state_, name, if_unused, if_empty, done = std::move(done)](
                           const failure& f, client::channel* under) mutable {
        if (f) return done(f, 0);
        const std::string current = current_queue_name(ch, name);
        under->start_queue_delete(current, if_unused, if_empty,
                                  [ch, current, done = std::move(done)](const failure& f, std::uint32_t n) mutable {
                                      if (!f)
                                          with_topology(ch,
                                                        [&](detail::topology& t, auto&) { t.remove_queue(current); });
                                      done(f, n);
                                  });
    });
}

void robust_channel::start_queue_purge(const std::string& name, completion<std::uint32_t> done) const
{
    state_->when_ready([ch = state_, name, done = std::move(done)](const failure& f, client::channel* under) mutable {
        if (f) return done(f, 0);
        under->start_queue_purge(current_queue_name(ch, name), std::move(done));
    });
}

void robust_channel::start_bind(bool to_queue, bool bind, const std::string& destination, const std::string& source,
                                const std::string& routing_key, const field_table& arguments, completion<> done) const
{
    detail::recorded_binding b{to_queue,  to_queue ? current_queue_name(state_, destination) : destination,
                               source,    routing_key,
                               arguments, state_->number()};
    state_->when_ready([ch = state_, bind, b = std::move(b), done = std::move(done)](const failure& f,
                                                                                     client::channel* under) mutable {
        if (f) return done(f);
        under->start_bind(b.to_queue, bind, b.destination, b.source, b.routing_key, b.arguments,
                          [ch, bind, b, done = std::move(done)](const failure& f) mutable {
                              if (!f) {
                                  with_topology(ch, [&](detail::topology& t, auto&) {
                                      if (bind) t.add_binding(b);
                                      else t.remove_binding(b);
                                  });
                              }
                              done(f);
                          });
    });
}

void robust_channel::start_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size, bool global,
                               completion<> done) const
{
    state_->when_ready([ch = state_, prefetch_count, prefetch_size, global, done = std::move(done)](
                           const failure& f, client::channel* under) mutable {
        if (f) return done(f);
        under->start_qos(prefetch_count, prefetch_size, global,
                         [ch, prefetch_count, prefetch_size, global, done = std::move(done)](const failure& f) mutable {
                             if (!f)
                                 ch->qos = robust_channel_state::qos_settings{prefetch_count, prefetch_size, global};
                             done(f);
                         });
    });
}

void robust_channel::start_publish(std::string exchange, std::string routing_key, message m, bool mandatory,
                                   completion<> done) const
{
    state_->when_ready([ch = state_, exchange = std::move(exchange), routing_key = std::move(routing_key),
                        m = std::move(m), mandatory,
                        done = std::move(done)](const failure& f, client::channel* under) mutable {
        if (f) return done(f);
        auto owner = ch->owner();
        // The default exchange routes by queue name: follow a renamed server-named queue.
        const std::string target = exchange.empty() ? current_queue_name(ch, routing_key) : routing_key;
        if (!owner || !owner->recovery().republish_unconfirmed || !under->publisher_confirms()) {
            under->start_publish(exchange, target, m, mandatory, std::move(done));
            return;
        }
        // Kept until confirmed: a confirm the drop swallowed means "send it again".
        auto payload = std::make_shared<message>(std::move(m));
        under->start_publish(
            exchange, target, *payload, mandatory,
            [ch, exchange, routing_key, payload, mandatory, done = std::move(done)](const failure& f) mutable {
                const bool lost = f.ec == errc::connection_closed || f.ec == errc::heartbeat_timeout;
                if (lost && ch->is_open()) {
                    robust_channel{ch}.start_publish(std::move(exchange), std::move(routing_key), std::move(*payload),
                                                     mandatory, std::move(done));
                    return;
                }
                done(f);
            });
    });
}

void robust_channel::start_consume(const std::string& queue, std::function<void(incoming_message)> on_message,
                                   const consume_options& options, completion<std::string> done) const
{
    auto owner = state_->owner();
    if (!owner) {
        done(failure{errc::connection_closed, nullptr, nullptr}, {});
        return;
    }
    detail::recorded_consumer c;
    c.tag = options.consumer_tag.empty() ? owner->make_consumer_tag() : options.consumer_tag;
    c.queue = current_queue_name(state_, queue);
    c.options = options;
    c.on_message = std::move(on_message);
    c.channel = state_->number();
    state_->when_ready(
        [ch = state_, c = std::move(c), done = std::move(done)](const failure& f, client::channel* under) mutable {
            if (f) return done(f, {});
            auto owner = ch->owner();
            if (!owner) return done(failure{errc::connection_closed, nullptr, nullptr}, {});
            const std::uint64_t incarnation = ch->incarnation();
            owner->consume(*under, c, incarnation,
                           [ch, c, incarnation, done = std::move(done)](const failure& f, std::string tag) mutable {
                               if (!f) {
                                   c.live_on = incarnation;
                                   with_topology(ch, [&](detail::topology& t, auto&) { t.add_consumer(c); });
                               }
                               done(f, std::move(tag));
                           });
        });
}

void robust_channel::start_cancel(const std::string& consumer_tag, completion<> done) const
{
    state_->when_ready(
        [ch = state_, consumer_tag, done = std::move(done)](const failure& f, client::channel* under) mutable {
            if (f) return done(f);
            under->start_cancel(consumer_tag, [ch, consumer_tag, done = std::move(done)](const failure& f) mutable {
                if (!f) with_topology(ch, [&](detail::topology& t, auto&) { t.remove_consumer(consumer_tag); });
                done(f);
            });
        });
}

void robust_channel::start_get(const std::string& queue, bool no_ack,
                               completion<std::optional<incoming_message>> done) const
{
    state_->when_ready(
        [ch = state_, queue, no_ack, done = std::move(done)](const failure& f, client::channel* under) mutable {
            if (f) return done(f, std::nullopt);
            under->start_get(current_queue_name(ch, queue), no_ack, std::move(done));
        });
}

void robust_channel::start_tx(int which, completion<> done) const
{
    state_->when_ready([ch = state_, which, done = std::move(done)](const failure& f, client::channel* under) mutable {
        if (f) return done(f);
        under->start_tx(which, [ch, which, done = std::move(done)](const failure& f) mutable {
            if (!f && which == 0) ch->transactional = true;
            done(f);
        });
    });
}

void robust_channel::start_close(completion<> done) const
{
    auto ch = state_;
    auto forget = [ch] {
        ch->close_for_good(close_info{200, "Normal shutdown"}, failure{errc::channel_closed, nullptr, nullptr});
        if (auto owner = ch->owner()) owner->channel_closed_for_good(ch->number());
    };
    if (!ch->is_open()) {
        done(failure{});
        return;
    }
    if (!ch->is_ready()) {
        // Nothing open on the broker to close: recovery will just leave it out.
        forget();
        done(failure{});
        return;
    }
    ch->set_closing();
    client::channel under = ch->current();
    under.start_close([forget, done = std::move(done)](const failure& f) mutable {
        forget();
        done(f);
    });
}

}  // namespace amqp::client
