#pragma once

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/methods.hpp>

#include <string>

namespace amqp::test {

// Method builders: the methods tests send most, with the usual defaults, so a test
// reads as what it changes (designated initializers would have to name every field).
protocol::queue_declare declare_queue(std::string queue, protocol::field_table arguments = {});
protocol::exchange_declare declare_exchange(std::string exchange, std::string type,
                                            protocol::field_table arguments = {});
protocol::queue_bind bind_queue(std::string queue, std::string exchange, std::string routing_key,
                                protocol::field_table arguments = {});
protocol::basic_publish publish_to(std::string exchange, std::string routing_key, bool mandatory = false);
protocol::basic_consume consume_from(std::string queue, std::string consumer_tag = {}, bool no_ack = false);
protocol::basic_get get_from(std::string queue, bool no_ack = false);
protocol::queue_unbind unbind_queue(std::string queue, std::string exchange, std::string routing_key);
protocol::exchange_bind bind_exchange(std::string destination, std::string source);
protocol::exchange_unbind unbind_exchange(std::string destination, std::string source);
protocol::queue_purge purge(std::string queue);
protocol::queue_delete delete_queue(std::string queue, bool if_unused = false, bool if_empty = false);
protocol::exchange_delete delete_exchange(std::string exchange, bool if_unused = false);
// The same declare, passive: it asks whether the queue or exchange exists.
protocol::queue_declare passive_of(protocol::queue_declare m);
protocol::exchange_declare passive_of(protocol::exchange_declare m);

}  // namespace amqp::test
