// basic.publish routing, publisher confirms, mandatory returns and basic.get.
#include "broker_state.hpp"
#include "server_channel.hpp"
#include "server_connection.hpp"

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

std::optional<error> server_channel::publish(proto::basic_publish& m, std::shared_ptr<message_content> content)
{
    vhost& v = connection_.vhost();
    exchange* target = v.find_exchange(m.exchange);
    if (!target) {
        return error{reply_code::not_found, "no exchange '" + m.exchange + "' in vhost '" + v.name() + "'"};
    }
    if (target->internal()) {
        return error{reply_code::access_refused,
                     "cannot publish to internal exchange '" + m.exchange + "' in vhost '" + v.name() + "'"};
    }
    if (m.immediate) return error{reply_code::not_implemented, "immediate=true"};
    if (const auto& expiration = content->properties.expiration) {
        // RabbitMQ refuses an expiration that is not a non-negative integer.
        const bool digits = !expiration->empty() &&
                            expiration->find_first_not_of("0123456789") == std::string::npos;
        const bool negative = expiration->size() > 1 && (*expiration)[0] == '-' &&
                              expiration->find_first_not_of("0123456789", 1) == std::string::npos;
        if (!digits) {
            return error{reply_code::precondition_failed,
                         "invalid expiration '" + *expiration + "': " + (negative ? "negative" : "no_integer")};
        }
    }
    if (const auto& user_id = content->properties.user_id; user_id && *user_id != connection_.info().user) {
        return error{reply_code::precondition_failed, "user_id property set to '" + *user_id +
                                                          "' but authenticated user was '" +
                                                          connection_.info().user + "'"};
    }
    if (content->properties.reply_to == reply_to_queue) {
        // Direct reply-to: the reply address names this channel's reply consumer.
        if (reply_consumer_tag_.empty()) {
            return error{reply_code::precondition_failed, "fast reply consumer does not exist"};
        }
        content->properties.reply_to = std::string(reply_to_queue) + "." + reply_token_;
    }
    if (transactional_) {
        tx_publishes_.push_back({m, std::move(content)});
        return std::nullopt;
    }
    route_and_enqueue(m, std::move(content), *target);
    return std::nullopt;
}

void server_channel::route_and_enqueue(const proto::basic_publish& m, std::shared_ptr<message_content> content,
                                       exchange& target)
{
    vhost& v = connection_.vhost();
    const clock::time_point now = connection_.broker().now();
    const std::uint64_t seq = confirm_mode_ ? next_publish_seq_++ : 0;
    const proto::field_table* headers = content->properties.headers ? &*content->properties.headers : nullptr;
    route_result routed = v.route(target, m.routing_key, headers);

    static const std::string reply_prefix = std::string(reply_to_queue) + ".";
    if (m.exchange.empty() && m.routing_key.starts_with(reply_prefix)) {
        if (server_channel* replies = connection_.broker().find_reply_consumer(
                std::string_view(m.routing_key).substr(reply_prefix.size()))) {
            replies->deliver_reply(m, *content);
            if (confirm_mode_) pending_confirm_ = seq;
            return;
        }
    }

    if (routed.queues.empty()) {
        if (m.mandatory) {
            connection_.send_message(number_,
                                     proto::basic_return{312, "NO_ROUTE", m.exchange, m.routing_key},
                                     *content);
        }
        if (confirm_mode_) pending_confirm_ = seq;
        return;
    }
    std::shared_ptr<const message_content> shared = std::move(content);
    bool rejected = false;
    for (const auto& q : routed.queues) {
        if (q->enqueue(shared, now) == enqueue_result::rejected) rejected = true;
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
    for (const auto& q : routed.queues) {
        q->dispatch(now);
        // What a TTL of 0 did not get to a consumer at once goes now.
        q->expire(now);
    }
}

std::optional<error> server_channel::get(const proto::basic_get& m)
{
    std::shared_ptr<queue> q;
    if (auto e = find_queue_for(m.queue, q)) return e;
    if (auto e = check_exclusive(*q)) return e;
    std::optional<queued_message> message = q->take(connection_.broker().now());
    if (!message) {
        connection_.send(number_, proto::basic_get_empty{});
        return std::nullopt;
    }
    const std::uint64_t tag = next_delivery_tag_++;
    const std::shared_ptr<const message_content> content = message->content;
    connection_.send_message(number_,
                             proto::basic_get_ok{tag, message->redelivered, content->exchange,
                                                 content->routing_key, std::uint32_t(q->ready_count())},
                             *content);
    if (!m.no_ack) {
        q->delivered_unacked();
        unacked_.emplace(tag, unacked_delivery{q, std::move(*message), {}});
    }
    return std::nullopt;
}

}  // namespace amqp::fakebroker
