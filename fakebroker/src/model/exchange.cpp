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
    case exchange_type::direct:
        return "direct";
    case exchange_type::fanout:
        return "fanout";
    case exchange_type::topic:
        return "topic";
    case exchange_type::headers:
        return "headers";
    }
    return "direct";
}

exchange::exchange(std::string name, exchange_type type, bool durable, bool auto_delete,
                   bool internal, protocol::field_table arguments)
    : name_(std::move(name)),
      type_(type),
      durable_(durable),
      auto_delete_(auto_delete),
      internal_(internal),
      arguments_(std::move(arguments))
{
}

const std::string* exchange::alternate_exchange() const
{
    const protocol::field_value* v = arguments_.find("alternate-exchange");
    return v ? v->string() : nullptr;
}

bool exchange::add_binding(binding b)
{
    for (const auto& existing : bindings_) {
        if (existing->same_as(b)) return false;
    }
    bindings_.push_back(std::make_unique<binding>(std::move(b)));
    index(bindings_.back().get());
    return true;
}

bool exchange::remove_binding(const binding& b)
{
    auto it = std::find_if(bindings_.begin(), bindings_.end(),
                           [&](const auto& existing) { return existing->same_as(b); });
    if (it == bindings_.end()) return false;
    unindex(it->get());
    bindings_.erase(it);
    return true;
}

std::size_t exchange::remove_bindings_to(std::string_view destination, bool to_queue)
{
    std::size_t removed = 0;
    for (auto it = bindings_.begin(); it != bindings_.end();) {
        if ((*it)->destination == destination && (*it)->to_queue == to_queue) {
            unindex(it->get());
            it = bindings_.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

void exchange::index(binding* b)
{
    if (type_ == exchange_type::direct) direct_[b->routing_key].push_back(b);
    if (type_ == exchange_type::topic) topic_.add(b->routing_key, b);
}

void exchange::unindex(binding* b)
{
    if (type_ == exchange_type::direct) {
        auto it = direct_.find(b->routing_key);
        if (it != direct_.end()) {
            std::erase(it->second, b);
            if (it->second.empty()) direct_.erase(it);
        }
    }
    if (type_ == exchange_type::topic) topic_.remove(b->routing_key, b);
}

void exchange::route(std::string_view routing_key, const protocol::field_table* headers,
                     std::vector<const binding*>& out) const
{
    switch (type_) {
    case exchange_type::direct: {
        auto it = direct_.find(std::string(routing_key));
        if (it != direct_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
        break;
    }
    case exchange_type::fanout:
        for (const auto& b : bindings_) out.push_back(b.get());
        break;
    case exchange_type::topic: {
        std::vector<binding*> matched;
        topic_.match(routing_key, matched);
        out.insert(out.end(), matched.begin(), matched.end());
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
