#include <amqp/client/channel.hpp>

#include "channel_state.hpp"
#include "connection_state.hpp"

namespace amqp::client {
namespace {

template <class Method>
const Method& reply_as(const protocol::command& c)
{
    return std::get<Method>(c.method);
}

}  // namespace

channel::channel(std::shared_ptr<detail::channel_state> state) : state_(std::move(state)) {}

std::uint16_t channel::number() const noexcept { return state_ ? state_->id() : 0; }
bool channel::is_open() const noexcept { return state_ && state_->is_open(); }
bool channel::publisher_confirms() const noexcept { return state_ && state_->confirm_mode(); }
const close_info& channel::close_reason() const { return state_->close_reason(); }
asio::any_io_executor channel::get_executor() const { return state_->executor(); }

exchange channel::default_exchange() const { return exchange(*this, ""); }

void channel::start_declare_exchange(const std::string& name, const std::string& type, const exchange_options& options,
                                     detail::completion<exchange> done) const
{
    protocol::exchange_declare declare;
    declare.exchange = name;
    declare.type = type;
    declare.passive = options.passive;
    declare.durable = options.durable;
    declare.auto_delete = options.auto_delete;
    declare.internal = options.internal;
    declare.arguments = options.arguments;
    state_->call(declare, {protocol::exchange_declare_ok::key},
                 [self = *this, name, done = std::move(done)](const detail::failure& f, protocol::command) mutable {
                     done(f, f ? exchange{} : exchange(self, name));
                 });
}

void channel::start_declare_queue(const std::string& name, const queue_options& options,
                                  detail::completion<queue> done) const
{
    protocol::queue_declare declare;
    declare.queue = name;
    declare.passive = options.passive;
    declare.durable = options.durable;
    declare.exclusive = options.exclusive;
    declare.auto_delete = options.auto_delete;
    declare.arguments = options.arguments;
    state_->call(declare, {protocol::queue_declare_ok::key},
                 [self = *this, done = std::move(done)](const detail::failure& f, protocol::command reply) mutable {
                     if (f) {
                         done(f, queue{});
                         return;
                     }
                     const auto& ok = reply_as<protocol::queue_declare_ok>(reply);
                     done(f, queue(self, ok.queue, ok.message_count, ok.consumer_count));
                 });
}

void channel::start_exchange_delete(const std::string& name, bool if_unused, detail::completion<> done) const
{
    protocol::exchange_delete del;
    del.exchange = name;
    del.if_unused = if_unused;
    state_->call(del, {protocol::exchange_delete_ok::key},
                 [done = std::move(done)](const detail::failure& f, protocol::command) mutable { done(f); });
}

void channel::start_queue_delete(const std::string& name, bool if_unused, bool if_empty,
                                 detail::completion<std::uint32_t> done) const
{
    protocol::queue_delete del;
    del.queue = name;
    del.if_unused = if_unused;
    del.if_empty = if_empty;
    state_->call(del, {protocol::queue_delete_ok::key},
                 [done = std::move(done)](const detail::failure& f, protocol::command reply) mutable {
                     done(f, f ? 0 : reply_as<protocol::queue_delete_ok>(reply).message_count);
                 });
}

void channel::start_queue_purge(const std::string& name, detail::completion<std::uint32_t> done) const
{
    protocol::queue_purge purge;
    purge.queue = name;
    state_->call(purge, {protocol::queue_purge_ok::key},
                 [done = std::move(done)](const detail::failure& f, protocol::command reply) mutable {
                     done(f, f ? 0 : reply_as<protocol::queue_purge_ok>(reply).message_count);
                 });
}

void channel::start_bind(bool to_queue, bool bind, const std::string& destination, const std::string& source,
                         const std::string& routing_key, const field_table& arguments, detail::completion<> done) const
{
    auto finish = [done = std::move(done)](const detail::failure& f, protocol::command) mutable { done(f); };
    if (to_queue && bind) {
        state_->call(protocol::queue_bind{0, destination, source, routing_key, false, arguments},
                     {protocol::queue_bind_ok::key}, std::move(finish));
    } else if (to_queue) {
        state_->call(protocol::queue_unbind{0, destination, source, routing_key, arguments},
                     {protocol::queue_unbind_ok::key}, std::move(finish));
    } else if (bind) {
        state_->call(protocol::exchange_bind{0, destination, source, routing_key, false, arguments},
                     {protocol::exchange_bind_ok::key}, std::move(finish));
    } else {
        state_->call(protocol::exchange_unbind{0, destination, source, routing_key, false, arguments},
                     {protocol::exchange_unbind_ok::key}, std::move(finish));
    }
}

void channel::start_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size, bool global,
                        detail::completion<> done) const
{
    state_->call(protocol::basic_qos{prefetch_size, prefetch_count, global}, {protocol::basic_qos_ok::key},
                 [done = std::move(done)](const detail::failure& f, protocol::command) mutable { done(f); });
}

void channel::start_publish(const std::string& exchange, const std::string& routing_key, const message& m,
                            bool mandatory, detail::completion<> done) const
{
    state_->publish(exchange, routing_key, m, mandatory, std::move(done));
}

void channel::start_consume(const std::string& queue, std::function<void(incoming_message)> on_message,
                            const consume_options& options, detail::completion<std::string> done) const
{
    state_->consume(queue, options, detail::consumer_callbacks{std::move(on_message), {}}, std::move(done));
}

void channel::start_cancel(const std::string& consumer_tag, detail::completion<> done) const
{
    state_->cancel(consumer_tag, std::move(done));
}

void channel::start_get(const std::string& queue, bool no_ack,
                        detail::completion<std::optional<incoming_message>> done) const
{
    state_->get(queue, no_ack, std::move(done));
}

void channel::start_recover(bool requeue, detail::completion<> done) const
{
    state_->recover(requeue, std::move(done));
}

void channel::start_tx(int which, detail::completion<> done) const
{
    auto finish = [done = std::move(done)](const detail::failure& f, protocol::command) mutable { done(f); };
    if (which == 0) state_->call(protocol::tx_select{}, {protocol::tx_select_ok::key}, std::move(finish));
    else if (which == 1) state_->call(protocol::tx_commit{}, {protocol::tx_commit_ok::key}, std::move(finish));
    else state_->call(protocol::tx_rollback{}, {protocol::tx_rollback_ok::key}, std::move(finish));
}

void channel::start_transaction(detail::completion<client::transaction> done) const
{
    start_tx(0, [self = *this, done = std::move(done)](const detail::failure& f) mutable {
        done(f, f ? client::transaction{} : client::transaction{self});
    });
}

transaction::~transaction()
{
    if (active_ && channel_.is_open()) channel_.start_tx(2, [](const detail::failure&) {});
}

transaction& transaction::operator=(transaction&& other) noexcept
{
    if (this != &other) {
        transaction dropped(std::move(*this));
        channel_ = std::move(other.channel_);
        active_ = std::exchange(other.active_, false);
    }
    return *this;
}

void channel::start_close(detail::completion<> done) const { state_->close(200, "Normal shutdown", std::move(done)); }

void channel::on_close(std::function<void(const close_info&)> handler) const
{
    state_->add_close_handler(std::move(handler));
}

void channel::on_return(std::function<void(const returned_message&)> handler) const
{
    state_->add_return_handler(std::move(handler));
}

}  // namespace amqp::client
