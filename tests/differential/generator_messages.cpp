// The generator's message steps: publish (properties and bodies), get, consume, cancel, qos, ack/nack/reject, recover.
#include "conversation_builder.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace amqp::differential::detail {

proto::basic_properties conversation_builder::properties()
{
    proto::basic_properties p;
    if (r_.percent(40)) return p;
    if (r_.percent(40)) p.content_type = "text/plain";
    if (r_.percent(30)) p.delivery_mode = std::uint8_t(r_.percent(50) ? 2 : 1);
    if (r_.percent(25)) p.priority = std::uint8_t(r_.between(0, 9));
    if (r_.percent(20)) p.correlation_id = "corr-" + std::to_string(r_.between(1, 9));
    if (r_.percent(15)) p.reply_to = "reply";
    if (r_.percent(15)) p.expiration = r_.percent(85) ? "600000" : "soon";
    if (r_.percent(15)) p.message_id = "m" + std::to_string(r_.between(1, 99));
    if (r_.percent(10)) p.timestamp = proto::timestamp(std::chrono::seconds(1700000000 + r_.between(0, 1000)));
    if (r_.percent(10)) p.type = "t";
    if (r_.percent(10)) p.app_id = "differential";
    if (r_.percent(5)) p.user_id = r_.percent(50) ? "guest" : "someone-else";
    if (r_.percent(30)) {
        proto::field_table h;
        h.set("h1", std::string(r_.percent(70) ? "v1" : "other"));
        if (r_.percent(40)) h.set("h2", std::string("v2"));
        if (r_.percent(20)) h.set("n", std::int32_t(r_.between(-5, 5)));
        if (r_.percent(10)) h.set("nested", proto::field_table{{"a", true}});
        p.headers = std::move(h);
    }
    return p;
}

std::string conversation_builder::body()
{
    const int kind = int(r_.below(100));
    if (kind < 10) return "";
    if (kind < 15) return std::string(std::size_t(200000 + r_.between(0, 1000)), 'b');
    return "body-" + std::to_string(++body_count_);
}

void conversation_builder::publish(int i, int ch)
{
    proto::basic_publish p;
    const int target = int(r_.below(100));
    std::string to_queue;
    if (target < 35) {
        p.exchange = "";
        std::string model;
        to_queue = some_queue(i, false);
        if (to_queue.starts_with("server-named")) to_queue = "@unrouted";
        p.routing_key = to_queue;
    } else {
        p.exchange = some_exchange();
        p.routing_key = routing_key();
    }
    p.mandatory = r_.percent(30);
    outgoing o{std::uint16_t(ch), p, properties(), body(), {}};
    const bool missing_exchange = !p.exchange.empty() && !p.exchange.starts_with("amq.") && !find_exchange(p.exchange);
    const bool bad_property = (o.properties.expiration && *o.properties.expiration == "soon") ||
                              (o.properties.user_id && *o.properties.user_id != "guest");
    std::vector<outgoing> frames{o};
    channel_model& c = chan(i, ch);
    // Without confirms, a synchronous method on the same channel after the publish
    // makes sure the broker has taken it before the next step goes elsewhere
    // (RabbitMQ's queues work asynchronously).
    if (!c.confirm && !c.tx && !missing_exchange && !bad_property) {
        frames.push_back({std::uint16_t(ch),
                          proto::exchange_declare{0, "amq.direct", "direct", true, false, false, false, false, {}},
                          {},
                          {},
                          {}});
    }
    send(i, std::move(frames));
    if (missing_exchange || bad_property) return channel_closed(i, ch);
    for (int k = 1; k <= 3; ++k) {
        for (const consumer_model& consumer : chan(i, k).consumers) {
            (void)consumer;
            ++chan(i, k).deliveries;
        }
    }
}

void conversation_builder::get(int i, int ch)
{
    std::string model;
    proto::basic_get g;
    g.queue = queue_ref(i, ch, model);
    g.no_ack = r_.percent(30);
    send(i, std::uint16_t(ch), g);
    if (queue_error(model, i)) return channel_closed(i, ch);
    if (!g.no_ack) ++chan(i, ch).deliveries;
}

void conversation_builder::consume(int i, int ch)
{
    std::string model;
    proto::basic_consume b;
    b.queue = queue_ref(i, ch, model);
    channel_model& c = chan(i, ch);
    const bool reuse = !c.consumers.empty() && r_.percent(5);
    b.consumer_tag = reuse ? c.consumers.front().tag : r_.percent(10) ? "" : "c" + std::to_string(++consumer_count_);
    b.no_ack = r_.percent(30);
    b.exclusive = r_.percent(10);
    if (r_.percent(5)) b.arguments.set("x-priority", std::int32_t(r_.between(-1, 5)));
    send(i, std::uint16_t(ch), b);
    if (queue_error(model, i)) return channel_closed(i, ch);
    if (reuse) return connection_closed(i);  // 530 NOT_ALLOWED, reused tag
    queue_model* q = find_queue(model);
    if (q->quorum && c.global_qos) return channel_closed(i, ch);
    if (b.exclusive && q->consumers > 0) return channel_closed(i, ch);
    ++q->consumers;
    if (b.consumer_tag.empty()) b.consumer_tag = "server-tag";  // cannot be cancelled by name
    c.consumers.push_back({b.consumer_tag, model});
    if (!b.no_ack) c.deliveries += 3;
}

void conversation_builder::cancel(int i, int ch)
{
    channel_model& c = chan(i, ch);
    proto::basic_cancel b;
    std::vector<std::string> tags;
    for (const auto& k : c.consumers) {
        if (k.tag != "server-tag") tags.push_back(k.tag);
    }
    b.consumer_tag = tags.empty() || r_.percent(15) ? "no-such-tag" : pick(tags);
    send(i, std::uint16_t(ch), b);
    for (auto it = c.consumers.begin(); it != c.consumers.end(); ++it) {
        if (it->tag == b.consumer_tag) {
            const std::string queue = it->queue;
            c.consumers.erase(it);
            consumer_gone(queue);
            break;
        }
    }
}

void conversation_builder::qos(int i, int ch)
{
    proto::basic_qos q;
    q.prefetch_count = std::uint16_t(r_.between(0, 3));
    q.global = r_.percent(30);
    send(i, std::uint16_t(ch), q);
    if (q.global) chan(i, ch).global_qos = q.prefetch_count > 0;
}

void conversation_builder::settle(int i, int ch)
{
    channel_model& c = chan(i, ch);
    const int kind = int(r_.below(3));
    const bool multiple = r_.percent(35);
    std::uint64_t tag = 0;
    if (!(multiple && r_.percent(30))) tag = std::uint64_t(r_.between(1, std::max(1, c.deliveries + 1)));
    const bool requeue = r_.percent(60);
    if (kind == 0) send(i, std::uint16_t(ch), proto::basic_ack{tag, multiple});
    else if (kind == 1) send(i, std::uint16_t(ch), proto::basic_nack{tag, multiple, requeue});
    else send(i, std::uint16_t(ch), proto::basic_reject{tag, requeue});
    const bool zero_ok = tag == 0 && multiple && kind != 2;
    if (!zero_ok && (int(tag) > c.deliveries || c.deliveries == 0)) channel_closed(i, ch);
}

void conversation_builder::recover(int i, int ch) { send(i, std::uint16_t(ch), proto::basic_recover{!r_.percent(10)}); }

}  // namespace amqp::differential::detail
