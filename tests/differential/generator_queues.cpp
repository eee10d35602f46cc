// The generator's queue steps: declare (with arguments, redeclared, passive), delete, purge, bind and unbind.
#include "conversation_builder.hpp"

#include <string>
#include <vector>

namespace amqp::differential::detail {

proto::field_table conversation_builder::queue_arguments(bool quorum, bool& valid)
{
    proto::field_table t;
    valid = true;
    const int count = int(r_.below(3));
    for (int n = 0; n < count; ++n) {
        const int which = int(r_.below(quorum ? 5 : 7));
        const bool bad = r_.percent(12);
        if (bad) valid = false;
        switch (which) {
        case 0:
            if (bad)
                t.set("x-max-length",
                      r_.percent(50) ? proto::field_value(std::int32_t(-1)) : proto::field_value(std::string("two")));
            else t.set("x-max-length", std::int32_t(r_.between(1, 3)));
            break;
        case 1:
            t.set("x-overflow", std::string(bad ? "drop-tail" : r_.percent(50) ? "drop-head" : "reject-publish"));
            break;
        case 2:
            if (bad) t.set("x-dead-letter-exchange", std::int32_t(5));
            else
                t.set("x-dead-letter-exchange",
                      exchanges_.empty() || r_.percent(20) ? std::string("@missing-x") : pick(exchanges_).name);
            break;
        case 3:
            if (quorum) {
                if (bad) t.set("x-max-priority", std::int32_t(5));  // classic only
                else t.set("x-delivery-limit", std::int32_t(r_.between(1, 3)));
            } else {
                if (bad)
                    t.set("x-max-priority", r_.percent(50) ? proto::field_value(std::int32_t(300))
                                                           : proto::field_value(std::string("high")));
                else t.set("x-max-priority", std::int32_t(r_.between(1, 9)));
            }
            break;
        case 4:
            if (bad) t.set("x-expires", std::int32_t(0));
            else t.set("x-expires", std::int32_t(600000));
            break;
        case 5:
            if (bad)
                t.set("x-message-ttl",
                      r_.percent(50) ? proto::field_value(std::int32_t(-5)) : proto::field_value(std::string("soon")));
            else t.set("x-message-ttl", std::int32_t(600000));
            break;
        default:
            t.set("x-dead-letter-routing-key", std::string(bad ? "" : "k1"));
            if (bad) valid = valid && true;
            break;
        }
    }
    return t;
}

void conversation_builder::declare_queue(int i, int ch)
{
    proto::queue_declare d;
    const int kind = int(r_.below(100));
    channel_model& c = chan(i, ch);
    if (kind < 55 || queues_.empty()) {
        const bool quorum = r_.percent(20);
        bool valid = true;
        d.queue = "@q" + std::to_string(++queue_count_);
        if (r_.percent(8) && !quorum) d.queue.clear();  // server-named
        if (quorum) {
            d.durable = true;
            d.arguments.set("x-queue-type", std::string("quorum"));
            for (const auto& [k, v] : queue_arguments(true, valid)) d.arguments.set(k, v);
            if (r_.percent(10)) {
                valid = false;
                if (r_.percent(50)) d.durable = false;
                else d.exclusive = true;
            }
            if (r_.percent(3)) {
                d.arguments.set("x-queue-type", std::string("stream"));
                valid = false;
            }
        } else {
            d.durable = r_.percent(25);
            d.exclusive = d.queue.empty() || r_.percent(25);
            d.auto_delete = r_.percent(15);
            d.arguments = queue_arguments(false, valid);
            if (r_.percent(3)) {
                d.arguments.set("x-queue-type", std::string("classic"));
            }
        }
        send(i, std::uint16_t(ch), d);
        if (!valid) {
            channel_closed(i, ch);
            return;
        }
        if (d.queue.empty()) d.queue = "server-named." + std::to_string(queue_count_);
        queues_.push_back({d.queue, quorum, d.durable, d.exclusive, d.auto_delete, i, d.arguments, 0});
        c.last_queue = d.queue;
        return;
    }
    if (kind < 80) {  // redeclare
        const queue_model& q = pick(queues_);
        if (q.name.starts_with("server-named")) return declare_queue_passive(i, ch);
        d.queue = q.name;
        d.durable = q.durable;
        d.exclusive = q.exclusive;
        d.auto_delete = q.auto_delete;
        d.arguments = q.arguments;
        bool differs = false;
        if (r_.percent(35)) {
            differs = true;
            const int what = int(r_.below(3));
            if (what == 0) d.durable = !d.durable;
            else if (what == 1) d.auto_delete = !d.auto_delete;
            else if (!d.arguments.empty() && !q.quorum) d.arguments.clear();
            else d.arguments.set("x-max-length", std::int32_t(77));
        }
        send(i, std::uint16_t(ch), d);
        if (queue_locked(q.name, i)) channel_closed(i, ch);
        else if (differs) channel_closed(i, ch);
        else c.last_queue = d.queue;
        return;
    }
    declare_queue_passive(i, ch);
}

void conversation_builder::declare_queue_passive(int i, int ch)
{
    proto::queue_declare d;
    d.passive = true;
    d.queue = some_queue(i, false);
    if (d.queue.starts_with("server-named")) d.queue.clear();
    send(i, std::uint16_t(ch), d);
    if (queue_missing(d.queue, i, ch) || queue_locked(d.queue, i)) channel_closed(i, ch);
    else if (!d.queue.empty()) chan(i, ch).last_queue = d.queue;
}

void conversation_builder::delete_queue(int i, int ch)
{
    std::string model;
    proto::queue_delete d;
    d.queue = queue_ref(i, ch, model);
    if (model.starts_with("server-named") && d.queue.size()) model = d.queue;
    d.if_unused = r_.percent(25);
    d.if_empty = r_.percent(25);
    send(i, std::uint16_t(ch), d);
    queue_model* q = find_queue(model);
    if (d.queue.empty() && model.empty()) return channel_closed(i, ch);
    if (!q) return;  // delete of a missing queue is delete-ok
    if (queue_locked(model, i)) return channel_closed(i, ch);
    if (d.if_unused && q->consumers > 0) return channel_closed(i, ch);
    if (d.if_empty) {
        // The depth is not modelled: forget the queue either way.
        forget_queue(model);
        return;
    }
    forget_queue(model);
}

void conversation_builder::forget_queue(const std::string& name)
{
    std::erase_if(queues_, [&](const queue_model& q) { return q.name == name; });
}

void conversation_builder::purge_queue(int i, int ch)
{
    std::string model;
    proto::queue_purge p;
    p.queue = queue_ref(i, ch, model);
    send(i, std::uint16_t(ch), p);
    if (queue_error(model, i)) channel_closed(i, ch);
}

proto::field_table conversation_builder::headers_binding()
{
    proto::field_table t;
    t.set("x-match", std::string(r_.percent(50) ? "all" : "any"));
    t.set("h1", std::string("v1"));
    if (r_.percent(50)) t.set("h2", std::string("v2"));
    return t;
}

void conversation_builder::bind_queue(int i, int ch)
{
    std::string model;
    proto::queue_bind b;
    b.queue = queue_ref(i, ch, model);
    b.exchange = r_.percent(3) ? "" : some_exchange();
    b.routing_key = binding_key();
    const exchange_model* x = find_exchange(b.exchange);
    if (x && x->type == "headers") b.arguments = headers_binding();
    send(i, std::uint16_t(ch), b);
    const bool builtin = b.exchange.starts_with("amq.");
    if (queue_error(model, i) || (!x && !builtin) || b.exchange.empty()) channel_closed(i, ch);
    else sources_[b.exchange]++;
}

void conversation_builder::unbind_queue(int i, int ch)
{
    std::string model;
    proto::queue_unbind u;
    u.queue = queue_ref(i, ch, model);
    u.exchange = some_exchange();
    u.routing_key = binding_key();
    send(i, std::uint16_t(ch), u);
    // RabbitMQ 3.10 answers unbind-ok even for missing queues, exchanges and bindings.
    if (queue_locked(model, i)) channel_closed(i, ch);
}

}  // namespace amqp::differential::detail
