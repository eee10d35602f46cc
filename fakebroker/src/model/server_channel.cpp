#include "server_channel.hpp"

#include "broker_state.hpp"
#include "dispatch.hpp"
#include "erlang_terms.hpp"
#include "server_connection.hpp"

#include <algorithm>
#include <set>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

server_channel::server_channel(server_connection& connection, std::uint16_t number)
    : connection_(connection), number_(number)
{}

server_channel::~server_channel() { shutdown(); }

std::optional<error> server_channel::handle(proto::command& command)
{
    return std::visit(
        [&](auto& m) -> std::optional<error> {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, proto::exchange_declare>) return exchange_declare(m);
            else if constexpr (std::is_same_v<M, proto::exchange_delete>) return exchange_delete(m);
            else if constexpr (std::is_same_v<M, proto::exchange_bind>) return exchange_bind(m, true);
            else if constexpr (std::is_same_v<M, proto::exchange_unbind>) {
                return exchange_bind(
                    proto::exchange_bind{m.ticket, m.destination, m.source, m.routing_key, m.nowait, m.arguments},
                    false);
            } else if constexpr (std::is_same_v<M, proto::queue_declare>) return queue_declare(m);
            else if constexpr (std::is_same_v<M, proto::queue_bind>) return queue_bind(m);
            else if constexpr (std::is_same_v<M, proto::queue_unbind>) return queue_unbind(m);
            else if constexpr (std::is_same_v<M, proto::queue_purge>) return queue_purge(m);
            else if constexpr (std::is_same_v<M, proto::queue_delete>) return queue_delete(m);
            else if constexpr (std::is_same_v<M, proto::basic_publish>) return publish(m, command);
            else if constexpr (std::is_same_v<M, proto::basic_get>) return get(m);
            else if constexpr (std::is_same_v<M, proto::basic_consume>) return consume(m);
            else if constexpr (std::is_same_v<M, proto::basic_cancel>) return cancel(m);
            else if constexpr (std::is_same_v<M, proto::basic_ack>) {
                return settle(m.delivery_tag, m.multiple, true, false, "basic.ack");
            } else if constexpr (std::is_same_v<M, proto::basic_nack>) {
                return settle(m.delivery_tag, m.multiple, false, m.requeue, "basic.nack");
            } else if constexpr (std::is_same_v<M, proto::basic_reject>) {
                return settle(m.delivery_tag, false, false, m.requeue, "basic.reject");
            } else if constexpr (std::is_same_v<M, proto::basic_recover>) {
                if (!m.requeue) return error{reply_code::not_implemented, "requeue=false"};
                auto e = recover(m.requeue);
                if (!e) connection_.send(number_, proto::basic_recover_ok{});
                return e;
            } else if constexpr (std::is_same_v<M, proto::basic_recover_async>) {
                if (!m.requeue) return error{reply_code::not_implemented, "requeue=false"};
                return recover(m.requeue);
            } else if constexpr (std::is_same_v<M, proto::basic_qos>) {
                // RabbitMQ's reading: global=false limits each new consumer, global=true
                // the channel as a whole. prefetch_size is not supported by RabbitMQ either.
                if (m.prefetch_size != 0) {
                    return error{reply_code::not_implemented,
                                 "prefetch_size!=0 (" + std::to_string(m.prefetch_size) + ")"};
                }
                if (m.global) {
                    credit_.global_prefetch = m.prefetch_count;
                } else {
                    // RabbitMQ 3.10 lifts the channel's global limit too (unlimit_prefetch).
                    prefetch_count_ = m.prefetch_count;
                    credit_.global_prefetch = 0;
                }
                connection_.send(number_, proto::basic_qos_ok{});
                dispatch_own_queues();
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::channel_flow>) {
                // RabbitMQ does not implement client-side flow control.
                if (!m.active) return error{reply_code::not_implemented, "active=false"};
                connection_.send(number_, proto::channel_flow_ok{true});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::confirm_select>) {
                if (transactional_) {
                    return error{reply_code::precondition_failed, "cannot switch from tx to confirm mode"};
                }
                confirm_mode_ = true;
                if (!m.nowait) connection_.send(number_, proto::confirm_select_ok{});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::tx_select>) {
                if (confirm_mode_) {
                    return error{reply_code::precondition_failed, "cannot switch from confirm to tx mode"};
                }
                transactional_ = true;
                connection_.send(number_, proto::tx_select_ok{});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::tx_commit>) {
                if (!transactional_) {
                    return error{reply_code::precondition_failed, "channel is not transactional"};
                }
                auto publishes = std::move(tx_publishes_);
                auto settles = std::move(tx_settles_);
                tx_publishes_.clear();
                tx_settles_.clear();
                for (auto& p : publishes) {
                    if (exchange* target = connection_.vhost().find_exchange(p.method.exchange)) {
                        // Routing may need the headers again: decoded from the stored bytes.
                        std::optional<proto::basic_properties> props;
                        if (p.content->has_headers()) props = p.content->properties();
                        route_and_enqueue(p.method, p.content, *target, props ? &*props->headers : nullptr);
                    }
                }
                for (const auto& s : settles) {
                    transactional_ = false;  // apply now rather than buffering again
                    auto e = settle(s.delivery_tag, s.multiple, s.ack, s.requeue, "tx.commit");
                    transactional_ = true;
                    if (e) return e;
                }
                connection_.send(number_, proto::tx_commit_ok{});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::tx_rollback>) {
                if (!transactional_) {
                    return error{reply_code::precondition_failed, "channel is not transactional"};
                }
                tx_publishes_.clear();
                tx_settles_.clear();
                connection_.send(number_, proto::tx_rollback_ok{});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::access_request>) {
                connection_.send(number_, proto::access_request_ok{1});
                return std::nullopt;
            } else if constexpr (std::is_same_v<M, proto::channel_flow_ok>) return std::nullopt;
            else if constexpr (M::key.class_id == proto::class_ids::connection) {
                return error{reply_code::command_invalid, "unimplemented method"};
            } else {
                // A method a client never sends (a reply, or a server-only method).
                return error{reply_code::command_invalid,
                             "unexpected method " + std::string(M::name) + " from the client"};
            }
        },
        command.method);
}

void server_channel::deliver(delivery d, queue& from, clock::time_point now)
{
    consumer& c = *d.to;
    const std::uint64_t tag = next_delivery_tag_++;
    if (from.quorum() && d.message.returns > 0) [[unlikely]] {
        const message_ref counted = with_delivery_count(*d.message.content, d.message.returns);
        connection_.send_delivery(number_, c.tag, tag, true, *counted);
    } else {
        connection_.send_delivery(number_, c.tag, tag, d.message.redelivered != 0, *d.message.content);
    }
    if (c.no_ack) return;
    ++c.unacked;
    from.delivered_unacked(this, c.id);
    // The consumer's own reference to its queue: no shared_from_this() per delivery.
    unacked_.push({tag, c.source.get() == &from ? c.source : from.shared_from_this(), std::move(d.message), c.id, now});
}

void server_channel::cancelled_by_server(consumer& c)
{
    // consumer_cancel_notify: tell the client its consumer is gone, if it asked to know.
    if (connection_.client_announces("consumer_cancel_notify")) {
        if (deleting_queue_) cancels_after_delete_.push_back(c.tag);
        else connection_.send(number_, proto::basic_cancel{c.tag, true});
    }
    const std::string tag = c.tag;
    remove_consumer(tag);
}

bool server_channel::cancel_consumer_by_broker(std::string_view tag)
{
    auto it = std::find_if(consumers_.begin(), consumers_.end(),
                           [tag](const consumer& c) { return tag.empty() || c.tag == tag; });
    if (it == consumers_.end()) return false;
    cancelled_by_server(*it);
    return true;
}

std::optional<error> server_channel::consume(const proto::basic_consume& m)
{
    if (m.queue == reply_to_queue) return consume_replies(m);
    // RabbitMQ refuses a reused tag before it looks at the queue.
    if (std::any_of(consumers_.begin(), consumers_.end(), [&](const consumer& c) { return c.tag == m.consumer_tag; })) {
        return error{reply_code::not_allowed, "attempt to reuse consumer tag '" + m.consumer_tag + "'"};
    }
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::read, resource_kind::queue, name)) return e;
    std::shared_ptr<queue> q;
    if (auto e = find_named_queue(name, q)) return e;
    if (auto e = check_exclusive(*q)) return e;
    if (q->quorum() && credit_.global_prefetch != 0) {
        return error{reply_code::not_implemented,
                     "queue '" + name + "' in vhost '" + connection_.vhost().name() + "' does not support global qos"};
    }
    std::int64_t priority = 0;
    if (const proto::field_value* v = m.arguments.find("x-priority"); v && !v->to_int64(priority)) {
        return error{reply_code::precondition_failed,
                     invalid_arg("x-priority", name, connection_.vhost().name(), wrong_type("integer", *v))};
    }
    // A generated tag is unique.
    std::string tag = m.consumer_tag.empty() ? connection_.broker().generate_name("amq.ctag-") : m.consumer_tag;
    const auto& existing = q->consumers();
    // Quorum queues in RabbitMQ 3.10 do not enforce exclusive consumers.
    if (!q->quorum() && !existing.empty() &&
        (m.exclusive ||
         std::any_of(existing.begin(), existing.end(), [](const consumer* c) { return c->exclusive; }))) {
        return error{reply_code::access_refused,
                     "queue '" + q->name() + "' in vhost '" + connection_.vhost().name() + "' in exclusive use"};
    }
    consumers_.push_back(consumer{tag, next_consumer_id_++, this, &credit_, q, m.no_ack, m.exclusive, m.arguments,
                                  prefetch_count_, 0, priority});
    q->add_consumer(&consumers_.back());
    if (!m.nowait) connection_.send(number_, proto::basic_consume_ok{tag});
    dispatch(*q, connection_.broker().now());
    return std::nullopt;
}

std::optional<error> server_channel::consume_replies(const proto::basic_consume& m)
{
    if (!m.no_ack) return error{reply_code::precondition_failed, "reply consumer cannot acknowledge"};
    if (!reply_consumer_tag_.empty()) return error{reply_code::precondition_failed, "reply consumer already set"};
    reply_consumer_tag_ = m.consumer_tag.empty() ? connection_.broker().generate_name("amq.ctag-") : m.consumer_tag;
    reply_token_ = connection_.broker().generate_name("");
    connection_.broker().register_reply_consumer(reply_token_, this);
    if (!m.nowait) connection_.send(number_, proto::basic_consume_ok{reply_consumer_tag_});
    return std::nullopt;
}

void server_channel::stop_replies()
{
    if (reply_consumer_tag_.empty()) return;
    connection_.broker().unregister_reply_consumer(reply_token_);
    reply_consumer_tag_.clear();
    reply_token_.clear();
}

void server_channel::deliver_reply(const proto::basic_publish& m, const message_content& content)
{
    connection_.send_message(
        number_, proto::basic_deliver{reply_consumer_tag_, next_delivery_tag_++, false, m.exchange, m.routing_key},
        content);
}

std::optional<error> server_channel::cancel(const proto::basic_cancel& m)
{
    if (m.consumer_tag == reply_consumer_tag_) stop_replies();
    remove_consumer(m.consumer_tag);
    // Cancelling an unknown tag is not an error in RabbitMQ.
    if (!m.nowait) connection_.send(number_, proto::basic_cancel_ok{m.consumer_tag});
    return std::nullopt;
}

void server_channel::remove_consumer(const std::string& tag)
{
    auto it = std::find_if(consumers_.begin(), consumers_.end(), [&](const consumer& c) { return c.tag == tag; });
    if (it == consumers_.end()) return;
    std::shared_ptr<queue> source = std::move(it->source);
    source->remove_consumer(&*it);
    consumers_.erase(it);
    // An auto-delete queue goes with its last consumer.
    if (source->auto_delete() && source->consumer_count() == 0 && !source->deleted()) {
        connection_.vhost().delete_queue(source->name());
    }
}

std::optional<error> server_channel::settle(std::uint64_t tag, bool multiple, bool ack, bool requeue,
                                            const char* method)
{
    (void)method;
    if (transactional_) {
        // Checked now so an unknown tag fails at once, applied at commit.
        if (!(multiple && tag == 0) && !unacked_.contains(tag)) {
            return error{reply_code::precondition_failed, "unknown delivery tag " + std::to_string(tag)};
        }
        tx_settles_.push_back({tag, multiple, ack, requeue});
        return std::nullopt;
    }
    if (multiple) {
        // Tag 0 with multiple means "everything outstanding".
        if (tag != 0 && !unacked_.contains(tag)) {
            return error{reply_code::precondition_failed, "unknown delivery tag " + std::to_string(tag)};
        }
        std::vector<unacked_delivery> settled = tag == 0 ? unacked_.take_all() : unacked_.take_through(tag);
        for (auto& d : settled) settle_one(d, ack, requeue);
    } else {
        unacked_delivery d;
        if (!unacked_.take(tag, d)) {
            return error{reply_code::precondition_failed, "unknown delivery tag " + std::to_string(tag)};
        }
        settle_one(d, ack, requeue);
    }
    dispatch_own_queues();
    return std::nullopt;
}

void server_channel::settle_one(unacked_delivery& d, bool ack, bool requeue)
{
    for (consumer& c : consumers_) {
        if (d.consumer_id != 0 && c.id == d.consumer_id) {
            if (c.unacked > 0) --c.unacked;
            break;
        }
    }
    if (d.from->deleted()) return;
    d.from->settled(this, d.consumer_id);
    const clock::time_point now = connection_.broker().now();
    if (ack) return;
    if (requeue) {
        d.from->requeue(std::move(d.message), now);
        dispatch(*d.from, now);
    } else {
        d.from->dead_letter(d.message, "rejected", now);
    }
}

std::optional<error> server_channel::recover(bool requeue)
{
    (void)requeue;  // RabbitMQ always requeues (requeue=false is not supported either)
    std::vector<unacked_delivery> all = unacked_.take_all();
    for (auto& d : all) settle_one(d, false, true);
    dispatch_own_queues();
    return std::nullopt;
}

void server_channel::dispatch_own_queues()
{
    const clock::time_point now = connection_.broker().now();
    std::set<queue*> seen;
    for (const auto& [name, q] : connection_.vhost().queues()) {
        for (const consumer* c : q->consumers()) {
            if (c->channel == this && seen.insert(q.get()).second) dispatch(*q, now);
        }
    }
}

void server_channel::remove_consumers()
{
    while (!consumers_.empty()) remove_consumer(consumers_.front().tag);
}

void server_channel::shutdown()
{
    stop_replies();
    // Consumers first, so requeued messages are not delivered back to this channel.
    remove_consumers();
    std::vector<unacked_delivery> all = unacked_.take_all();
    const clock::time_point now = connection_.broker().now();
    std::set<queue*> touched;
    for (auto& d : all) {
        if (d.from->deleted()) continue;
        d.from->settled(this, d.consumer_id);
        d.from->requeue(std::move(d.message), now);
        touched.insert(d.from.get());
    }
    for (queue* q : touched) dispatch(*q, now);
}

void server_channel::flush_confirms()
{
    if (!confirm_mode_ || pending_confirm_ <= confirmed_through_) return;
    const bool multiple = pending_confirm_ - confirmed_through_ > 1;
    connection_.send(number_, proto::basic_ack{pending_confirm_, multiple});
    confirmed_through_ = pending_confirm_;
}

channel_info server_channel::info() const
{
    channel_info i;
    i.number = number_;
    i.prefetch_count = prefetch_count_;
    i.global_prefetch_count = credit_.global_prefetch;
    i.unacked = unacked_.size();
    i.consumers = consumers_.size();
    i.confirm = confirm_mode_;
    i.transactional = transactional_;
    return i;
}

}  // namespace amqp::fakebroker
