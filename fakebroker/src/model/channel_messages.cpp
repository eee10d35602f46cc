// basic.publish routing, publisher confirms, mandatory returns and basic.get.
#include "broker_state.hpp"
#include "dispatch.hpp"
#include "server_channel.hpp"
#include "server_connection.hpp"

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

std::optional<error> server_channel::publish(proto::basic_publish& m, proto::command& command)
{
    vhost& v = connection_.vhost();
    // Before existence, as in RabbitMQ: a refused publish to a missing exchange is a 403.
    if (auto e = check_permission(access::write, resource_kind::exchange, m.exchange)) return e;
    exchange* target = v.find_exchange(m.exchange);
    if (!target) {
        return error{reply_code::not_found, "no exchange '" + m.exchange + "' in vhost '" + v.name() + "'"};
    }
    if (target->internal()) {
        return error{reply_code::access_refused,
                     "cannot publish to internal exchange '" + m.exchange + "' in vhost '" + v.name() + "'"};
    }
    if (m.immediate) return error{reply_code::not_implemented, "immediate=true"};
    proto::basic_properties& properties = command.header->properties;
    // RabbitMQ checks user_id before the expiration.
    if (const auto& user_id = properties.user_id; user_id && *user_id != connection_.user_name()) {
        return error{
            reply_code::precondition_failed,
            "user_id property set to '" + *user_id + "' but authenticated user was '" + connection_.user_name() + "'"};
    }
    if (const auto& expiration = properties.expiration) {
        // RabbitMQ refuses an expiration that is not a non-negative integer.
        const bool digits = !expiration->empty() && expiration->find_first_not_of("0123456789") == std::string::npos;
        const bool negative = expiration->size() > 1 && (*expiration)[0] == '-' &&
                              expiration->find_first_not_of("0123456789", 1) == std::string::npos;
        if (!digits) {
            return error{reply_code::precondition_failed,
                         "invalid expiration '" + *expiration + "': " + (negative ? "negative" : "no_integer")};
        }
    }
    if (properties.reply_to == reply_to_queue) {
        // Direct reply-to: the reply address names this channel's reply consumer.
        if (reply_consumer_tag_.empty()) {
            return error{reply_code::precondition_failed, "fast reply consumer does not exist"};
        }
        properties.reply_to = std::string(reply_to_queue) + "." + reply_token_;
    }
    message_ref content = message_content::make(m.exchange, m.routing_key, properties, command.body);
    if (transactional_) {
        tx_publishes_.push_back({m, std::move(content)});
        return std::nullopt;
    }
    route_and_enqueue(m, content, *target, properties.headers ? &*properties.headers : nullptr);
    return std::nullopt;
}

void server_channel::route_and_enqueue(const proto::basic_publish& m, const message_ref& content, exchange& target,
                                       const proto::field_table* headers)
{
    vhost& v = connection_.vhost();
    const clock::time_point now = connection_.broker().now();
    const std::uint64_t seq = confirm_mode_ ? next_publish_seq_++ : 0;
    // Nothing below re-enters here (faults that strike inside a delivery wait for the
    // connection's next take_actions), so the scratch vector is used in place.
    std::vector<queue*>& routed = routed_;
    routed.clear();
    v.route(target, m.routing_key, headers, routed);

    static const std::string reply_prefix = std::string(reply_to_queue) + ".";
    if (m.exchange.empty() && m.routing_key.starts_with(reply_prefix)) {
        if (server_channel* replies =
                connection_.broker().find_reply_consumer(std::string_view(m.routing_key).substr(reply_prefix.size()))) {
            replies->deliver_reply(m, *content);
            if (confirm_mode_) pending_confirm_ = seq;
            return;
        }
    }

    if (routed.empty()) {
        if (m.mandatory) {
            connection_.send_message(number_, proto::basic_return{312, "NO_ROUTE", m.exchange, m.routing_key},
                                     *content);
        }
        if (confirm_mode_) pending_confirm_ = seq;
        return;
    }
    bool rejected = false;
    for (queue* q : routed) {
        if (q->enqueue(content, now) == enqueue_result::rejected) rejected = true;
        else connection_.enqueued(number_);
    }
    if (confirm_mode_) {
        if (rejected) {
            // x-overflow reject-publish: nack this one, after acking everything before it.
            pending_confirm_ = seq - 1;
            flush_confirms();
            // RabbitMQ sets multiple on this nack.
            connection_.send(number_, proto::basic_nack{seq, true, false});
            confirmed_through_ = seq;
        }
        pending_confirm_ = seq;
    }
    for (queue* q : routed) {
        dispatch(*q, now);
        // What a TTL of 0 did not get to a consumer at once goes now.
        q->expire(now);
    }
}

std::optional<error> server_channel::get(const proto::basic_get& m)
{
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::read, resource_kind::queue, name)) return e;
    std::shared_ptr<queue> q;
    if (auto e = find_named_queue(name, q)) return e;
    if (auto e = check_exclusive(*q)) return e;
    std::optional<queued_message> message = q->take(connection_.broker().now());
    if (!message) {
        connection_.send(number_, proto::basic_get_empty{});
        return std::nullopt;
    }
    const std::uint64_t tag = next_delivery_tag_++;
    const message_ref counted =
        q->quorum() ? with_delivery_count(*message->content, message->returns) : message->content;
    const message_content& content = *counted;
    connection_.send_message(number_,
                             proto::basic_get_ok_view{tag, message->redelivered != 0, content.exchange(),
                                                      content.routing_key(), std::uint32_t(q->ready_count())},
                             content);
    if (!m.no_ack) {
        q->delivered_unacked(this, 0);
        unacked_.push({tag, q, std::move(*message), 0, connection_.broker().now()});
    }
    return std::nullopt;
}

}  // namespace amqp::fakebroker
