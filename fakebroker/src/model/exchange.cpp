#include "exchange.hpp"

#include "headers_match.hpp"

#include <algorithm>

namespace amqp::fakebroker {

std::optional<exchange_type> parse_exchange_type(std::string_view name)
{
    if (name == "direct") return exchange_type::direct;
    if (name == "fanout") return exchange_type::fanout;
    if (name == "topic") return exchange_type::topic;
    if (name == "headers") return exchange_type::headers;
    return std::nullopt;
}

std::string_view to_string(exchange_type type)
{
    switch (type) {
    case exchange_type::direct: return "direct";
    case exchange_type::fanout: return "fanout";
    case exchange_type::topic: return "topic";
    case exchange_type::headers: return "headers";
    }
    return "direct";
}

exchange::exchange(std::string name, exchange_type type, bool durable, bool auto_delete, bool internal,
                   protocol::field_table arguments)
    : name_(std::move(name)),
      type_(type),
      durable_(durable),
      auto_delete_(auto_delete),
      internal_(internal),
      arguments_(std::move(arguments))
{}

const std::string* exchange::alternate_exchange() const
{
    const protocol::field_value* v = arguments_.find("alternate-exchange");
    return v ? v->string() : nullptr;
}

std::string exchange::target_key(std::string_view destination, bool to_queue)
{
    std::string key(destination);
    key += to_queue ? 'q' : 'e';
    return key;
}

std::string exchange::binding_key(const binding& b)
{
    std::string key = target_key(b.destination, b.to_queue);
    // Names may hold NUL bytes, so two bindings could share a key: harmless, since
    // find_same() compares the bindings themselves.
    key += '\0';
    key += b.routing_key;
    return key;
}

binding* exchange::find_same(const binding& b) const
{
    auto it = bindings_by_key_.find(binding_key(b));
    if (it == bindings_by_key_.end()) return nullptr;
    for (binding* existing : it->second) {
        if (existing->same_as(b)) return existing;
    }
    return nullptr;
}

bool exchange::add_binding(binding b)
{
    if (find_same(b)) return false;
    bindings_.push_back(std::make_unique<binding>(std::move(b)));
    index(bindings_.back().get());
    return true;
}

bool exchange::remove_binding(const binding& b)
{
    binding* found = find_same(b);
    if (!found) return false;
    unindex(found);
    auto it = std::find_if(bindings_.begin(), bindings_.end(),
                           [found](const auto& existing) { return existing.get() == found; });
    bindings_.erase(it);
    return true;
}

std::size_t exchange::remove_bindings_to(std::string_view destination, bool to_queue)
{
    auto it = bindings_by_target_.find(target_key(destination, to_queue));
    if (it == bindings_by_target_.end()) return 0;
    const std::unordered_set<binding*> doomed = std::move(it->second);
    bindings_by_target_.erase(it);
    for (binding* b : doomed) {
        bindings_by_key_.erase(binding_key(*b));
        if (type_ == exchange_type::direct) unindex_direct(b);
        if (type_ == exchange_type::topic) topic_.remove(b->routing_key, b);
    }
    // One pass over the vector, rather than one erase per binding.
    std::erase_if(bindings_, [&](const auto& b) { return b->to_queue == to_queue && b->destination == destination; });
    return doomed.size();
}

void exchange::index(binding* b)
{
    bindings_by_key_[binding_key(*b)].push_back(b);
    bindings_by_target_[target_key(b->destination, b->to_queue)].insert(b);
    if (type_ == exchange_type::direct) direct_[b->routing_key].push_back(b);
    if (type_ == exchange_type::topic) topic_.add(b->routing_key, b);
}

void exchange::unindex_direct(binding* b)
{
    auto it = direct_.find(b->routing_key);
    if (it != direct_.end()) {
        std::erase(it->second, b);
        if (it->second.empty()) direct_.erase(it);
    }
}

void exchange::unindex(binding* b)
{
    if (auto it = bindings_by_key_.find(binding_key(*b)); it != bindings_by_key_.end()) {
        std::erase(it->second, b);
        if (it->second.empty()) bindings_by_key_.erase(it);
    }
    if (auto it = bindings_by_target_.find(target_key(b->destination, b->to_queue)); it != bindings_by_target_.end()) {
        it->second.erase(b);
        if (it->second.empty()) bindings_by_target_.erase(it);
    }
    if (type_ == exchange_type::direct) unindex_direct(b);
    if (type_ == exchange_type::topic) topic_.remove(b->routing_key, b);
}

void exchange::route(std::string_view routing_key, const protocol::field_table* headers,
                     std::vector<binding*>& out) const
{
    switch (type_) {
    case exchange_type::direct: {
        auto it = direct_.find(routing_key);
        if (it != direct_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
        break;
    }
    case exchange_type::fanout:
        for (const auto& b : bindings_) out.push_back(b.get());
        break;
    case exchange_type::topic: {
        topic_.match(routing_key, out);
        break;
    }
    case exchange_type::headers:
        for (const auto& b : bindings_) {
            if (headers_match(b->arguments, headers)) out.push_back(b.get());
        }
        break;
    }
}

exchange_info exchange::info(const std::string& vhost) const
{
    return {vhost, name_, std::string(to_string(type_)), durable_, auto_delete_, internal_, arguments_};
}

}  // namespace amqp::fakebroker
