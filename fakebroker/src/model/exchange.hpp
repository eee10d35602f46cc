#pragma once

#include "topic_trie.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/field_table.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
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
        return destination == other.destination && to_queue == other.to_queue && routing_key == other.routing_key &&
               arguments == other.arguments;
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
    bool has_binding(const binding& b) const { return find_same(b) != nullptr; }
    // False when no such binding exists.
    bool remove_binding(const binding& b);
    // Removes every binding to the destination; how many.
    std::size_t remove_bindings_to(std::string_view destination, bool to_queue);
    std::size_t binding_count() const noexcept { return bindings_.size(); }
    const std::vector<std::unique_ptr<binding>>& bindings() const noexcept { return bindings_; }

    // Appends the bindings a message with this routing key and headers matches.
    void route(std::string_view routing_key, const protocol::field_table* headers, std::vector<binding*>& out) const;

    // Routing visits each exchange once: see queue::mark_routed.
    bool mark_routed(std::uint64_t pass) noexcept { return std::exchange(routed_pass_, pass) != pass; }

    exchange_info info(const std::string& vhost) const;

private:
    // Looked up by string_view without building a std::string.
    template <class T>
    using string_map = std::unordered_map<std::string, T, detail::string_hash, std::equal_to<>>;

    void index(binding* b);
    void unindex(binding* b);
    void unindex_direct(binding* b);
    // The destination and its kind; with the routing key, the key of bindings_by_key_.
    static std::string target_key(std::string_view destination, bool to_queue);
    static std::string binding_key(const binding& b);
    binding* find_same(const binding& b) const;

    std::string name_;
    exchange_type type_;
    bool durable_;
    bool auto_delete_;
    bool internal_;
    protocol::field_table arguments_;
    std::vector<std::unique_ptr<binding>> bindings_;
    // Indexes so that declaring, removing and deleting a destination cost does not
    // grow with the number of bindings: by destination and routing key (those differ
    // at most in their arguments) for the duplicate check, and by destination.
    string_map<std::vector<binding*>> bindings_by_key_;
    string_map<std::unordered_set<binding*>> bindings_by_target_;
    string_map<std::vector<binding*>> direct_;
    topic_trie<binding*> topic_;
    std::uint64_t routed_pass_ = 0;
};

}  // namespace amqp::fakebroker
