#pragma once

#include "exchange.hpp"
#include "message.hpp"
#include "queue.hpp"

#include <amqp/protocol/protocol_error.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::fakebroker {

class broker_state;

using error = protocol::protocol_error;

// A virtual host: its exchanges and queues, and the routing between them.
class vhost {
public:
    vhost(broker_state& broker, std::string name);

    const std::string& name() const noexcept { return name_; }
    broker_state& broker() noexcept { return broker_; }

    exchange* find_exchange(std::string_view name);
    std::shared_ptr<queue> find_queue(std::string_view name);
    const std::map<std::string, std::unique_ptr<exchange>, std::less<>>& exchanges() const noexcept
    {
        return exchanges_;
    }
    const std::map<std::string, std::shared_ptr<queue>, std::less<>>& queues() const noexcept { return queues_; }

    exchange& add_exchange(std::unique_ptr<exchange> e);
    void add_queue(std::shared_ptr<queue> q);
    void delete_exchange(std::string_view name);
    // Deletes the queue, its bindings and messages; consumers get basic.cancel.
    // Returns the number of ready messages it held.
    std::size_t delete_queue(std::string_view name);
    // Deletes the queues exclusive to the connection `owner` (which went).
    void delete_exclusive_queues(std::uint64_t owner);

    // Routes through the exchange, exchange-to-exchange bindings and alternate
    // exchanges; appends each queue reached once to `out`. The pointers are valid
    // until a queue is deleted. Allocates nothing once its scratch space has grown.
    void route(exchange& source, std::string_view routing_key, const protocol::field_table* headers,
               std::vector<queue*>& out);

    void dead_letter(queue& from, const queued_message& message, const char* reason, clock::time_point now);

    // Expires messages and idle queues; the next time something is due.
    std::optional<clock::time_point> on_timer(clock::time_point now);

    // Removes a binding; deletes an auto-delete source exchange left without bindings.
    bool unbind(const binding& b);
    void remove_bindings_to(std::string_view destination, bool to_queue);

    std::vector<binding_info> binding_infos() const;

    // Durable state survives a restart: drop the rest.
    void restart();

private:
    void delete_if_unused_auto_delete(const std::string& exchange_name);
    queue* lookup_queue(std::string_view name) const;

    broker_state& broker_;
    std::string name_;
    std::map<std::string, std::unique_ptr<exchange>, std::less<>> exchanges_;
    std::map<std::string, std::shared_ptr<queue>, std::less<>> queues_;
    // Routing scratch, kept between calls so routing does not allocate. Taken by
    // route() while it runs (moved out and back), so a nested call stays correct.
    std::uint64_t route_pass_ = 0;
    std::vector<exchange*> pending_scratch_;
    std::vector<binding*> matched_scratch_;
};

}  // namespace amqp::fakebroker
