#pragma once

#include "topic_trie.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/field_table.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace amqp::fakebroker {

enum class exchange_type { direct, fanout, topic, headers };

std::optional<exchange_type> parse_exchange_type(std::string_view name);
std::string_view to_string(exchange_type type);

struct binding {
    std::string source;
    std::string destination;
    bool to_queue = true;
    std::string routing_key;
    protocol::field_table arguments;

    bool same_as(const binding& other) const
    {
        return destination == other.destination && to_queue == other.to_queue &&
               routing_key == other.routing_key && arguments == other.arguments;
    }
};

// An exchange and its outgoing bindings, indexed for its type so routing cost
// follows the matching bindings, not all of them.
class exchange {
public:
    exchange(std::string name, exchange_type type, bool durable, bool auto_delete, bool internal,
             protocol::field_table arguments);

    const std::string& name() const noexcept { return name_; }
    exchange_type type() const noexcept { return type_; }
    bool durable() const noexcept { return durable_; }
    bool auto_delete() const noexcept { return auto_delete_; }
    bool internal() const noexcept { return internal_; }
    const protocol::field_table& arguments() const noexcept { return arguments_; }
    const std::string* alternate_exchange() const;

    // False when an identical binding exists (binding is idempotent).
    bool add_binding(binding b);
    // False when no such binding exists.
    bool remove_binding(const binding& b);
    // Removes every binding to the destination; how many.
    std::size_t remove_bindings_to(std::string_view destination, bool to_queue);
    std::size_t binding_count() const noexcept { return bindings_.size(); }
    const std::vector<std::unique_ptr<binding>>& bindings() const noexcept { return bindings_; }

    // Appends the bindings a message with this routing key and headers matches.
    void route(std::string_view routing_key, const protocol::field_table* headers,
               std::vector<const binding*>& out) const;

    exchange_info info(const std::string& vhost) const;

private:
    void index(binding* b);
    void unindex(binding* b);

    std::string name_;
    exchange_type type_;
    bool durable_;
    bool auto_delete_;
    bool internal_;
    protocol::field_table arguments_;
    std::vector<std::unique_ptr<binding>> bindings_;
    std::unordered_map<std::string, std::vector<binding*>> direct_;
    topic_trie<binding*> topic_;
};

}  // namespace amqp::fakebroker
