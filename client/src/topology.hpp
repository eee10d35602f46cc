#pragma once

#include <amqp/client/incoming_message.hpp>
#include <amqp/client/options.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amqp::client::detail {

struct recorded_exchange {
    std::string name;
    std::string type;
    exchange_options options;
    std::uint16_t channel = 0;
};

struct recorded_queue {
    // What the application asked for; empty for a server-named queue.
    std::string requested;
    // The name it has now: a server-named queue gets a new one at each recovery.
    std::string name;
    queue_options options;
    std::uint16_t channel = 0;
    bool server_named() const noexcept { return requested.empty(); }
};

struct recorded_binding {
    bool to_queue = true;  // queue.bind, or exchange.bind (exchange to exchange)
    std::string destination;
    std::string source;
    std::string routing_key;
    field_table arguments;
    std::uint16_t channel = 0;

    bool same_as(const recorded_binding& other) const;
};

struct recorded_consumer {
    std::string tag;
    std::string queue;
    consume_options options;
    std::function<void(incoming_message)> on_message;
    std::uint16_t channel = 0;
    // The broker cancelled it (its queue was deleted): back once the queue is.
    bool cancelled_by_broker = false;
    // The underlying channel (its incarnation) it consumes on, or is being started on;
    // 0 when none. Recovery starts only the consumers not live on the channel of the moment.
    std::uint64_t live_on = 0;
};

// What the application declared through a robust connection, kept so that it can be
// declared again after a reconnect, in dependency order. Entities the application
// deletes are forgotten, and so are auto-delete entities once RabbitMQ would have
// removed them, so nothing deleted comes back and nothing grows without bound.
class topology {
public:
    void add_exchange(recorded_exchange e);
    void add_queue(recorded_queue q);
    void add_binding(recorded_binding b);
    void add_consumer(recorded_consumer c);

    void remove_exchange(const std::string& name);
    void remove_queue(const std::string& name);
    void remove_binding(const recorded_binding& b);
    // The application cancelled it: forgets it, and an auto-delete queue that had no
    // other consumer (RabbitMQ deletes it then).
    void remove_consumer(const std::string& tag);
    // Forgets the consumers of a channel the application closed (an auto-delete queue
    // left without consumers goes with them, as above).
    void remove_channel(std::uint16_t channel);
    void mark_cancelled_by_broker(const std::string& tag, bool cancelled);
    void set_live_on(const std::string& tag, std::uint64_t incarnation);

    // A server-named queue was declared again under `new_name`: bindings and consumers follow.
    void rename_queue(const std::string& old_name, const std::string& new_name);
    // The current name of a queue the application may know under an older name.
    std::string current_name(const std::string& name) const;

    // In declaration order, which is dependency order within each kind.
    const std::vector<recorded_exchange>& exchanges() const noexcept { return exchanges_; }
    const std::vector<recorded_queue>& queues() const noexcept { return queues_; }
    const std::vector<recorded_binding>& bindings() const noexcept { return bindings_; }
    const std::vector<recorded_consumer>& consumers() const noexcept { return consumers_; }
    const recorded_consumer* find_consumer(const std::string& tag) const;
    const recorded_queue* find_queue(const std::string& name) const;

private:
    void forget_auto_delete_queue_without_consumers(const std::string& queue);
    void forget_auto_delete_exchange_without_bindings(const std::string& exchange);

    std::vector<recorded_exchange> exchanges_;
    std::vector<recorded_queue> queues_;
    std::vector<recorded_binding> bindings_;
    std::vector<recorded_consumer> consumers_;
    // Earlier names of server-named queues, to their current one (bounded: an old name
    // is dropped when the queue is renamed again or forgotten).
    std::map<std::string, std::string> renamed_;
};

}  // namespace amqp::client::detail
