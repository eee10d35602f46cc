#include "vhost.hpp"

#include "broker_state.hpp"
#include "dispatch.hpp"
#include "server_channel.hpp"

#include <algorithm>

namespace amqp::fakebroker {

vhost::vhost(broker_state& broker, std::string name) : broker_(broker), name_(std::move(name))
{
    // The exchanges every RabbitMQ vhost starts with.
    const std::pair<const char*, exchange_type> predeclared[] = {
        {"", exchange_type::direct},
        {"amq.direct", exchange_type::direct},
        {"amq.fanout", exchange_type::fanout},
        {"amq.topic", exchange_type::topic},
        {"amq.headers", exchange_type::headers},
        {"amq.match", exchange_type::headers},
    };
    for (const auto& [exchange_name, type] : predeclared) {
        add_exchange(std::make_unique<exchange>(exchange_name, type, true, false, false, protocol::field_table{}));
    }
    add_exchange(std::make_unique<exchange>("amq.rabbitmq.trace", exchange_type::topic, true, false, true,
                                            protocol::field_table{}));
}

exchange* vhost::find_exchange(std::string_view name)
{
    auto it = exchanges_.find(name);
    return it == exchanges_.end() ? nullptr : it->second.get();
}

std::shared_ptr<queue> vhost::find_queue(std::string_view name)
{
    auto it = queues_.find(name);
    return it == queues_.end() ? nullptr : it->second;
}

exchange& vhost::add_exchange(std::unique_ptr<exchange> e)
{
    auto& slot = exchanges_[e->name()];
    slot = std::move(e);
    return *slot;
}

void vhost::add_queue(std::shared_ptr<queue> q) { queues_[q->name()] = std::move(q); }

void vhost::delete_exchange(std::string_view name)
{
    auto it = exchanges_.find(name);
    if (it == exchanges_.end()) return;
    const std::string owned(name);
    exchanges_.erase(it);
    // Bindings that pointed at it from other exchanges go too.
    remove_bindings_to(owned, false);
}

std::size_t vhost::delete_queue(std::string_view name)
{
    auto it = queues_.find(name);
    if (it == queues_.end()) return 0;
    std::shared_ptr<queue> q = it->second;
    queues_.erase(it);
    const std::size_t ready = q->ready_count();
    remove_bindings_to(q->name(), true);
    for (consumer* c : q->mark_deleted()) c->channel->cancelled_by_server(*c);
    return ready;
}

void vhost::delete_exclusive_queues(std::uint64_t owner)
{
    std::vector<std::string> exclusive;
    for (const auto& [name, q] : queues_) {
        if (q->exclusive() && q->exclusive_owner() == owner) exclusive.push_back(name);
    }
    for (const auto& name : exclusive) delete_queue(name);
}

void vhost::remove_bindings_to(std::string_view destination, bool to_queue)
{
    std::vector<std::string> emptied;
    for (auto& [name, e] : exchanges_) {
        if (e->remove_bindings_to(destination, to_queue) > 0 && e->auto_delete() && e->binding_count() == 0) {
            emptied.push_back(name);
        }
    }
    for (const auto& name : emptied) delete_if_unused_auto_delete(name);
}

bool vhost::unbind(const binding& b)
{
    exchange* source = find_exchange(b.source);
    if (!source || !source->remove_binding(b)) return false;
    delete_if_unused_auto_delete(b.source);
    return true;
}

void vhost::delete_if_unused_auto_delete(const std::string& exchange_name)
{
    exchange* e = find_exchange(exchange_name);
    if (e && e->auto_delete() && e->binding_count() == 0) delete_exchange(exchange_name);
}

queue* vhost::lookup_queue(std::string_view name) const
{
    auto it = queues_.find(name);
    return it == queues_.end() ? nullptr : it->second.get();
}

void vhost::route(exchange& source, std::string_view routing_key, const protocol::field_table* headers,
                  std::vector<queue*>& out)
{
    const std::size_t first = out.size();
    // A pass number marks what this call has visited: no per-call sets.
    const std::uint64_t pass = ++route_pass_;
    auto reach = [&](queue* q) {
        if (q && q->mark_routed(pass)) out.push_back(q);
    };
    if (source.name().empty()) {
        // The default exchange binds every queue by its name, and has no alternate.
        reach(lookup_queue(routing_key));
        return;
    }

    std::vector<exchange*> pending = std::move(pending_scratch_);
    std::vector<binding*> matched = std::move(matched_scratch_);
    pending.clear();

    // Breadth-first over exchange-to-exchange bindings; the marks break cycles.
    pending.push_back(&source);
    source.mark_routed(pass);
    auto visit = [&](exchange& e) {
        if (e.name().empty()) {
            reach(lookup_queue(routing_key));
            return;
        }
        matched.clear();
        e.route(routing_key, headers, matched);
        for (const binding* b : matched) {
            if (b->to_queue) {
                reach(lookup_queue(b->destination));
            } else if (exchange* next = find_exchange(b->destination); next && next->mark_routed(pass)) {
                pending.push_back(next);
            }
        }
    };
    for (std::size_t i = 0; i < pending.size(); ++i) visit(*pending[i]);

    // Unroutable through an exchange with an alternate-exchange: try that one (and its
    // own alternate), as RabbitMQ does.
    exchange* current = &source;
    while (out.size() == first) {
        const std::string* alternate = current->alternate_exchange();
        exchange* next = alternate ? find_exchange(*alternate) : nullptr;
        if (!next || !next->mark_routed(pass)) break;
        pending.assign({next});
        for (std::size_t i = 0; i < pending.size(); ++i) visit(*pending[i]);
        current = next;
    }
    pending_scratch_ = std::move(pending);
    matched_scratch_ = std::move(matched);
}

void vhost::dead_letter(queue& from, const queued_message& message, const char* reason, clock::time_point now)
{
    const auto& limits = from.limits();
    exchange* target = find_exchange(*limits.dead_letter_exchange);
    if (!target) return;  // RabbitMQ drops the message when the DLX does not exist.

    // Rare enough to decode the properties, rewrite them and build a new message.
    const message_content& original = *message.content;
    protocol::basic_properties p = original.properties();
    protocol::field_table headers = p.headers.value_or(protocol::field_table{});

    // x-death: one table per (queue, reason), most recent first, with a count.
    protocol::field_array deaths;
    if (const auto* existing = headers.find("x-death")) {
        if (const auto* array = existing->get_if<protocol::field_array>()) deaths = *array;
    }
    const protocol::timestamp when = std::chrono::time_point_cast<std::chrono::seconds>(broker_.wall_clock());
    protocol::field_array routing_keys{std::string(original.routing_key())};
    std::int64_t count = 1;
    for (auto it = deaths.begin(); it != deaths.end(); ++it) {
        const auto* t = it->get_if<protocol::field_table>();
        if (!t) continue;
        const auto* q = t->find("queue");
        const auto* r = t->find("reason");
        if (q && r && q->string() && *q->string() == from.name() && r->string() && *r->string() == reason) {
            std::int64_t previous = 0;
            if (const auto* c = t->find("count")) c->to_int64(previous);
            count = previous + 1;
            deaths.erase(it);
            break;
        }
    }
    protocol::field_table death{
        {"count", count},
        {"reason", std::string(reason)},
        {"queue", from.name()},
        {"time", when},
        {"exchange", std::string(original.exchange())},
        {"routing-keys", routing_keys},
    };
    if (p.expiration) death.append("original-expiration", *p.expiration);
    deaths.insert(deaths.begin(), protocol::field_value{std::move(death)});
    headers.set("x-death", std::move(deaths));
    if (!headers.contains("x-first-death-reason")) {
        headers.set("x-first-death-reason", std::string(reason));
        headers.set("x-first-death-queue", from.name());
        headers.set("x-first-death-exchange", std::string(original.exchange()));
    }
    p.headers = std::move(headers);
    // The per-message TTL is removed so the message does not expire again at once.
    p.expiration.reset();

    const std::string_view routing_key =
        limits.dead_letter_routing_key ? std::string_view(*limits.dead_letter_routing_key) : original.routing_key();
    const message_ref content = message_content::make(*limits.dead_letter_exchange, routing_key, p, original.body());
    std::vector<queue*> routed;
    route(*target, routing_key, &*p.headers, routed);
    for (queue* q : routed) {
        // A queue that dead-letters to itself with the same reason would loop; RabbitMQ
        // drops such cycles except for rejections.
        if (q == &from && std::string_view(reason) != "rejected") continue;
        q->enqueue(content, now);
        dispatch(*q, now);
    }
}

std::optional<clock::time_point> vhost::on_timer(clock::time_point now)
{
    std::optional<clock::time_point> next;
    auto earliest = [&next](std::optional<clock::time_point> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    std::vector<std::string> idle;
    for (auto& [name, q] : queues_) {
        earliest(q->expire(now));
        if (auto at = q->expires_at()) {
            if (*at <= now) idle.push_back(name);
            else earliest(at);
        }
    }
    for (const auto& name : idle) delete_queue(name);
    return next;
}

std::vector<binding_info> vhost::binding_infos() const
{
    std::vector<binding_info> out;
    // The default exchange's implicit bindings, listed as RabbitMQ lists them.
    for (const auto& [name, q] : queues_) {
        out.push_back({name_, "", name, true, name, {}});
    }
    for (const auto& [name, e] : exchanges_) {
        for (const auto& b : e->bindings()) {
            out.push_back({name_, b->source, b->destination, b->to_queue, b->routing_key, b->arguments});
        }
    }
    return out;
}

void vhost::restart()
{
    std::vector<std::string> transient_queues, transient_exchanges;
    for (const auto& [name, q] : queues_) {
        if (q->durable()) q->restart();
        else transient_queues.push_back(name);
    }
    for (const auto& [name, e] : exchanges_) {
        if (!e->durable()) transient_exchanges.push_back(name);
    }
    for (const auto& name : transient_queues) delete_queue(name);
    for (const auto& name : transient_exchanges) delete_exchange(name);
}

}  // namespace amqp::fakebroker
