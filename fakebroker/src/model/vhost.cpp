#include "vhost.hpp"

#include "broker_state.hpp"

#include <algorithm>
#include <unordered_set>

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
        add_exchange(std::make_unique<exchange>(exchange_name, type, true, false, false,
                                                protocol::field_table{}));
    }
    add_exchange(std::make_unique<exchange>("amq.rabbitmq.trace", exchange_type::topic, true, false,
                                            true, protocol::field_table{}));
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

void vhost::add_queue(std::shared_ptr<queue> q)
{
    queues_[q->name()] = std::move(q);
}

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
    q->mark_deleted();
    return ready;
}

void vhost::remove_bindings_to(std::string_view destination, bool to_queue)
{
    std::vector<std::string> emptied;
    for (auto& [name, e] : exchanges_) {
        if (e->remove_bindings_to(destination, to_queue) > 0 && e->auto_delete() &&
            e->binding_count() == 0) {
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

route_result vhost::route(exchange& source, std::string_view routing_key,
                          const protocol::field_table* headers)
{
    route_result result;
    std::unordered_set<const queue*> seen_queues;
    std::unordered_set<const exchange*> seen_exchanges;
    std::vector<const binding*> matched;

    // Breadth-first over exchange-to-exchange bindings; `seen` breaks cycles.
    std::vector<exchange*> pending{&source};
    seen_exchanges.insert(&source);
    auto visit = [&](exchange& e) {
        if (e.name().empty()) {
            // The default exchange binds every queue by its name.
            if (auto q = find_queue(routing_key); q && seen_queues.insert(q.get()).second) {
                result.queues.push_back(std::move(q));
            }
            return;
        }
        matched.clear();
        e.route(routing_key, headers, matched);
        for (const binding* b : matched) {
            if (b->to_queue) {
                if (auto q = find_queue(b->destination); q && seen_queues.insert(q.get()).second) {
                    result.queues.push_back(std::move(q));
                }
            } else if (exchange* next = find_exchange(b->destination);
                       next && seen_exchanges.insert(next).second) {
                pending.push_back(next);
            }
        }
    };
    for (std::size_t i = 0; i < pending.size(); ++i) visit(*pending[i]);

    // Unroutable through an exchange with an alternate-exchange: try that one (and its
    // own alternate), as RabbitMQ does.
    exchange* current = &source;
    while (result.queues.empty()) {
        const std::string* alternate = current->alternate_exchange();
        exchange* next = alternate ? find_exchange(*alternate) : nullptr;
        if (!next || !seen_exchanges.insert(next).second) break;
        pending.assign({next});
        for (std::size_t i = 0; i < pending.size(); ++i) visit(*pending[i]);
        current = next;
    }
    return result;
}

void vhost::dead_letter(queue& from, const queued_message& message, const char* reason,
                        clock::time_point now)
{
    const auto& limits = from.limits();
    exchange* target = find_exchange(*limits.dead_letter_exchange);
    if (!target) return;  // RabbitMQ drops the message when the DLX does not exist.

    auto content = std::make_shared<message_content>(*message.content);
    protocol::basic_properties& p = content->properties;
    protocol::field_table headers = p.headers.value_or(protocol::field_table{});

    // x-death: one table per (queue, reason), most recent first, with a count.
    protocol::field_array deaths;
    if (const auto* existing = headers.find("x-death")) {
        if (const auto* array = existing->get_if<protocol::field_array>()) deaths = *array;
    }
    const protocol::timestamp when = std::chrono::time_point_cast<std::chrono::seconds>(
        broker_.wall_clock());
    protocol::field_array routing_keys{std::string(message.content->routing_key)};
    std::int64_t count = 1;
    for (auto it = deaths.begin(); it != deaths.end(); ++it) {
        const auto* t = it->get_if<protocol::field_table>();
        if (!t) continue;
        const auto* q = t->find("queue");
        const auto* r = t->find("reason");
        if (q && r && q->string() && *q->string() == from.name() && r->string() &&
            *r->string() == reason) {
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
        {"exchange", message.content->exchange},
        {"routing-keys", routing_keys},
    };
    if (p.expiration) death.append("original-expiration", *p.expiration);
    deaths.insert(deaths.begin(), protocol::field_value{std::move(death)});
    headers.set("x-death", std::move(deaths));
    if (!headers.contains("x-first-death-reason")) {
        headers.set("x-first-death-reason", std::string(reason));
        headers.set("x-first-death-queue", from.name());
        headers.set("x-first-death-exchange", message.content->exchange);
    }
    p.headers = std::move(headers);
    // The per-message TTL is removed so the message does not expire again at once.
    p.expiration.reset();

    if (limits.dead_letter_routing_key) content->routing_key = *limits.dead_letter_routing_key;
    content->exchange = *limits.dead_letter_exchange;
    const route_result routed = route(*target, content->routing_key, &*p.headers);
    std::shared_ptr<const message_content> shared = std::move(content);
    for (const auto& q : routed.queues) {
        // A queue that dead-letters to itself with the same reason would loop; RabbitMQ
        // drops such cycles except for rejections.
        if (q.get() == &from && std::string_view(reason) != "rejected") continue;
        q->enqueue(shared, now);
        q->dispatch(now);
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
