#pragma once

#include <amqp/protocol/field_table.hpp>

#include <string_view>

// The "capabilities" table both peers put in their properties (connection.start's
// server_properties, connection.start-ok's client_properties). RabbitMQ changes its
// behaviour for clients that announce some of them: it sends basic.cancel only with
// consumer_cancel_notify, connection.blocked only with connection.blocked, and a
// close before dropping a refused login only with authentication_failure_close.
namespace amqp::protocol {

namespace capability {
inline constexpr std::string_view publisher_confirms = "publisher_confirms";
inline constexpr std::string_view exchange_exchange_bindings = "exchange_exchange_bindings";
inline constexpr std::string_view basic_nack = "basic.nack";
inline constexpr std::string_view consumer_cancel_notify = "consumer_cancel_notify";
inline constexpr std::string_view connection_blocked = "connection.blocked";
inline constexpr std::string_view consumer_priorities = "consumer_priorities";
inline constexpr std::string_view authentication_failure_close = "authentication_failure_close";
inline constexpr std::string_view per_consumer_qos = "per_consumer_qos";
inline constexpr std::string_view direct_reply_to = "direct_reply_to";
}  // namespace capability

// What RabbitMQ 3.10 lists in connection.start, each set to true.
field_table server_capabilities();

// What a full-featured client (ours, pika, the Java client) lists in start-ok, each
// set to true: everything RabbitMQ only does for clients that ask.
field_table client_capabilities();

// Whether properties["capabilities"][name] is the boolean true. Anything else
// (absent, another type, false) is no: RabbitMQ reads the flags the same way.
bool announces(const field_table& properties, std::string_view name);

}  // namespace amqp::protocol
