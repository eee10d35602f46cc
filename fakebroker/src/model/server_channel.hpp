#pragma once

#include "message.hpp"
#include "permissions.hpp"
#include "queue.hpp"
#include "unacked_deliveries.hpp"
#include "vhost.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/command_assembler.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::fakebroker {

class server_connection;

// One open channel of a client connection: its consumers, unacknowledged
// deliveries, prefetch, confirm and transaction modes, and the handlers of every
// channel-level method.
class server_channel {
public:
    server_channel(server_connection& connection, std::uint16_t number);
    ~server_channel();
    server_channel(const server_channel&) = delete;
    server_channel& operator=(const server_channel&) = delete;

    std::uint16_t number() const noexcept { return number_; }

    // Handles one command; a failure comes back as the error the channel (soft) or
    // the connection (hard) closes with.
    std::optional<error> handle(protocol::command& command);

    // When the oldest delivery still waiting for its ack went out.
    std::optional<clock::time_point> oldest_unacked() const { return unacked_.oldest(); }

    // Sends a delivery that `from` chose for one of this channel's consumers.
    void deliver(delivery d, queue& from, clock::time_point now);
    // The consumer's queue went: basic.cancel, if the client asked to be told.
    void cancelled_by_server(consumer& c);
    // A fault: cancels the consumer with `tag` (empty: the oldest) as the broker does
    // when its queue goes (basic.cancel to the client). False when there is none.
    bool cancel_consumer_by_broker(std::string_view tag);
    // Direct reply-to: a reply published to "amq.rabbitmq.reply-to.<our token>".
    void deliver_reply(const protocol::basic_publish& m, const message_content& content);

    // The channel ends: unacked deliveries go back to their queues (redelivered),
    // consumers are cancelled, auto-delete queues left without consumers go.
    // The channel's consumers go (no basic.cancel): nothing more is delivered to it.
    void remove_consumers();
    void shutdown();

    // Sends the publisher confirms gathered while handling a batch of input.
    void flush_confirms();

    channel_info info() const;
    std::size_t unacked_count() const noexcept { return unacked_.size(); }

private:
    // A publish or acknowledgement held back by a transaction until tx.commit.
    struct tx_publish {
        protocol::basic_publish method;
        message_ref content;
    };
    struct tx_settle {
        std::uint64_t delivery_tag;
        bool multiple;
        bool ack;
        bool requeue;
    };

    // Topology (channel_topology.cpp).
    std::optional<error> exchange_declare(const protocol::exchange_declare& m);
    std::optional<error> exchange_delete(const protocol::exchange_delete& m);
    std::optional<error> exchange_bind(const protocol::exchange_bind& m, bool bind);
    std::optional<error> queue_declare(const protocol::queue_declare& m);
    std::optional<error> queue_bind(const protocol::queue_bind& m);
    std::optional<error> queue_unbind(const protocol::queue_unbind& m);
    std::optional<error> queue_purge(const protocol::queue_purge& m);
    std::optional<error> queue_delete(const protocol::queue_delete& m);
    // The queue a resolved name (resolve_queue_name) names, or 404.
    std::optional<error> find_named_queue(const std::string& resolved, std::shared_ptr<queue>& out);
    std::optional<error> check_exclusive(const queue& q) const;
    // What RabbitMQ refuses in a quorum queue's declare: a server name, arguments of
    // classic queues, auto-delete, exclusive, non-durable.
    std::optional<error> check_quorum_declare(const protocol::queue_declare& m, const std::string& name) const;
    // The queue an empty name stands for (404 when none was declared on the channel):
    // RabbitMQ resolves it before checking permissions.
    std::optional<error> resolve_queue_name(std::string_view name, std::string& out) const;
    // nullopt when the connection's user may act on the resource, else 403.
    std::optional<error> check_permission(access a, resource_kind kind, std::string_view name) const;
    // The alternate-exchange or x-dead-letter-exchange a new exchange or queue names:
    // RabbitMQ asks for read on the new one and write on the one named.
    std::optional<error> check_forwarding(const protocol::field_table& arguments, const char* key, resource_kind kind,
                                          const std::string& name) const;

    // Messages (channel_messages.cpp).
    std::optional<error> publish(protocol::basic_publish& m, protocol::command& command);
    // `headers`: the message's, decoded (null when it has none or they are not at hand).
    void route_and_enqueue(const protocol::basic_publish& m, const message_ref& content, exchange& target,
                           const protocol::field_table* headers);
    std::optional<error> get(const protocol::basic_get& m);
    std::optional<error> consume(const protocol::basic_consume& m);
    std::optional<error> cancel(const protocol::basic_cancel& m);
    std::optional<error> consume_replies(const protocol::basic_consume& m);
    void stop_replies();
    std::optional<error> settle(std::uint64_t tag, bool multiple, bool ack, bool requeue, const char* method);
    void settle_one(unacked_delivery& d, bool ack, bool requeue);
    std::optional<error> recover(bool requeue);
    void remove_consumer(const std::string& tag);
    void dispatch_own_queues();

    server_connection& connection_;
    std::uint16_t number_;
    std::uint64_t next_delivery_tag_ = 1;
    unacked_deliveries unacked_;
    std::list<consumer> consumers_;
    std::uint64_t next_consumer_id_ = 1;
    std::vector<queue*> routed_;  // scratch for route_and_enqueue, kept to avoid allocating
    std::uint16_t prefetch_count_ = 0;  // for new consumers
    channel_credit credit_{0, &unacked_};  // the global prefetch, shared by the channel
    std::string last_queue_;  // the queue name an empty name refers to
    // While this channel deletes a queue, the basic.cancel of its own consumers of it
    // waits: RabbitMQ sends them after queue.delete-ok.
    bool deleting_queue_ = false;
    std::vector<std::string> cancels_after_delete_;
    std::string reply_consumer_tag_;  // direct reply-to, when consuming it
    std::string reply_token_;

    bool confirm_mode_ = false;
    std::uint64_t next_publish_seq_ = 1;
    std::uint64_t confirmed_through_ = 0;  // acks sent up to here
    std::uint64_t pending_confirm_ = 0;  // publishes routed, ack not yet sent

    bool transactional_ = false;
    std::vector<tx_publish> tx_publishes_;
    std::vector<tx_settle> tx_settles_;
};

}  // namespace amqp::fakebroker
