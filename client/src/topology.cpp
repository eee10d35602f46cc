#include "topology.hpp"

#include <algorithm>

namespace amqp::client::detail {

namespace {

template <class T, class Predicate>
void erase_where(std::vector<T>& items, Predicate p)
{
    items.erase(std::remove_if(items.begin(), items.end(), p), items.end());
}

}  // namespace

bool recorded_binding::same_as(const recorded_binding& other) const
{
    return to_queue == other.to_queue && destination == other.destination && source == other.source &&
           routing_key == other.routing_key && arguments == other.arguments;
}

void topology::add_exchange(recorded_exchange e)
{
    if (e.options.passive) return;  // a check, not a declaration
    auto same = std::find_if(exchanges_.begin(), exchanges_.end(), [&](const auto& x) { return x.name == e.name; });
    if (same != exchanges_.end()) *same = std::move(e);
    else exchanges_.push_back(std::move(e));
}

void topology::add_queue(recorded_queue q)
{
    if (q.options.passive) return;
    auto same = std::find_if(queues_.begin(), queues_.end(), [&](const auto& x) { return x.name == q.name; });
    if (same != queues_.end()) *same = std::move(q);
    else queues_.push_back(std::move(q));
}

void topology::add_binding(recorded_binding b)
{
    if (b.to_queue) b.destination = current_name(b.destination);
    const bool known = std::any_of(bindings_.begin(), bindings_.end(), [&](const auto& x) { return x.same_as(b); });
    if (!known) bindings_.push_back(std::move(b));
}

void topology::add_consumer(recorded_consumer c)
{
    c.queue = current_name(c.queue);
    erase_where(consumers_, [&](const auto& x) { return x.tag == c.tag; });
    consumers_.push_back(std::move(c));
}

void topology::remove_exchange(const std::string& name)
{
    erase_where(exchanges_, [&](const auto& x) { return x.name == name; });
    // RabbitMQ deletes the bindings of a deleted exchange, both ways.
    std::vector<std::string> destinations;
    for (const auto& b : bindings_) {
        if (!b.to_queue && b.source == name) destinations.push_back(b.destination);
    }
    erase_where(bindings_, [&](const auto& b) { return b.source == name || (!b.to_queue && b.destination == name); });
    for (const auto& d : destinations) forget_auto_delete_exchange_without_bindings(d);
}

void topology::remove_queue(const std::string& name)
{
    const std::string current = current_name(name);
    erase_where(queues_, [&](const auto& x) { return x.name == current; });
    std::vector<std::string> sources;
    for (const auto& b : bindings_) {
        if (b.to_queue && b.destination == current) sources.push_back(b.source);
    }
    erase_where(bindings_, [&](const auto& b) { return b.to_queue && b.destination == current; });
    erase_where(consumers_, [&](const auto& c) { return c.queue == current; });
    for (auto it = renamed_.begin(); it != renamed_.end();) {
        it = it->second == current ? renamed_.erase(it) : std::next(it);
    }
    for (const auto& s : sources) forget_auto_delete_exchange_without_bindings(s);
}

void topology::remove_binding(const recorded_binding& b)
{
    recorded_binding key = b;
    if (key.to_queue) key.destination = current_name(b.destination);
    erase_where(bindings_, [&](const auto& x) { return x.same_as(key); });
    forget_auto_delete_exchange_without_bindings(key.source);
}

void topology::remove_consumer(const std::string& tag)
{
    const recorded_consumer* c = find_consumer(tag);
    if (!c) return;
    const std::string queue = c->queue;
    erase_where(consumers_, [&](const auto& x) { return x.tag == tag; });
    forget_auto_delete_queue_without_consumers(queue);
}

void topology::remove_channel(std::uint16_t channel)
{
    std::vector<std::string> queues;
    for (const auto& c : consumers_) {
        if (c.channel == channel) queues.push_back(c.queue);
    }
    erase_where(consumers_, [&](const auto& c) { return c.channel == channel; });
    for (const auto& q : queues) forget_auto_delete_queue_without_consumers(q);
}

void topology::mark_cancelled_by_broker(const std::string& tag, bool cancelled)
{
    for (auto& c : consumers_) {
        if (c.tag == tag) c.cancelled_by_broker = cancelled;
    }
}

void topology::set_live_on(const std::string& tag, std::uint64_t incarnation)
{
    for (auto& c : consumers_) {
        if (c.tag == tag) c.live_on = incarnation;
    }
}

void topology::rename_queue(const std::string& old_name, const std::string& new_name)
{
    if (old_name == new_name) return;
    for (auto& q : queues_) {
        if (q.name == old_name) q.name = new_name;
    }
    for (auto& b : bindings_) {
        if (b.to_queue && b.destination == old_name) b.destination = new_name;
    }
    for (auto& c : consumers_) {
        if (c.queue == old_name) c.queue = new_name;
    }
    // Every older name now leads to the newest; the names in between are kept only as
    // keys, one per rename the application may still hold.
    for (auto& [from, to] : renamed_) {
        if (to == old_name) to = new_name;
    }
    renamed_[old_name] = new_name;
}

std::string topology::current_name(const std::string& name) const
{
    const auto it = renamed_.find(name);
    return it == renamed_.end() ? name : it->second;
}

const recorded_consumer* topology::find_consumer(const std::string& tag) const
{
    const auto it = std::find_if(consumers_.begin(), consumers_.end(), [&](const auto& c) { return c.tag == tag; });
    return it == consumers_.end() ? nullptr : &*it;
}

const recorded_queue* topology::find_queue(const std::string& name) const
{
    const std::string current = current_name(name);
    const auto it = std::find_if(queues_.begin(), queues_.end(), [&](const auto& q) { return q.name == current; });
    return it == queues_.end() ? nullptr : &*it;
}

void topology::forget_auto_delete_queue_without_consumers(const std::string& queue)
{
    const recorded_queue* q = find_queue(queue);
    if (!q || !q->options.auto_delete) return;
    const bool consumed =
        std::any_of(consumers_.begin(), consumers_.end(), [&](const auto& c) { return c.queue == q->name; });
    if (!consumed) remove_queue(q->name);
}

void topology::forget_auto_delete_exchange_without_bindings(const std::string& exchange)
{
    const auto it =
        std::find_if(exchanges_.begin(), exchanges_.end(), [&](const auto& x) { return x.name == exchange; });
    if (it == exchanges_.end() || !it->options.auto_delete) return;
    // RabbitMQ deletes an auto-delete exchange when its last binding as a source goes.
    const bool bound =
        std::any_of(bindings_.begin(), bindings_.end(), [&](const auto& b) { return b.source == exchange; });
    if (!bound) remove_exchange(exchange);
}

}  // namespace amqp::client::detail
