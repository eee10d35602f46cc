#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/field_table.hpp>

#include <cstdint>
#include <string>

// Snapshots of broker state for tests and the management API.
namespace amqp::fakebroker {

struct queue_info {
    std::string vhost;
    std::string name;
    bool durable = false;
    bool exclusive = false;
    bool auto_delete = false;
    std::string type = "classic";  // or "quorum"
    protocol::field_table arguments;
    std::size_t ready = 0;  // messages waiting for a consumer
    std::size_t unacked = 0;  // delivered, not yet acknowledged
    std::size_t consumers = 0;
    std::uint64_t ready_bytes = 0;
};

struct exchange_info {
    std::string vhost;
    std::string name;
    std::string type;
    bool durable = false;
    bool auto_delete = false;
    bool internal = false;
    protocol::field_table arguments;
};

struct binding_info {
    std::string vhost;
    std::string source;
    std::string destination;
    bool destination_is_queue = true;
    std::string routing_key;
    protocol::field_table arguments;
};

struct connection_info {
    std::string name;  // client-provided connection_name, or the peer address
    std::string peer;  // "127.0.0.1:54321"
    std::string user;
    std::string vhost;
    protocol::field_table client_properties;
    std::size_t channels = 0;
};

struct channel_info {
    std::string connection;  // connection_info::name
    std::uint16_t number = 0;
    std::uint16_t prefetch_count = 0;  // per consumer (basic.qos global=false)
    std::uint16_t global_prefetch_count = 0;
    std::size_t unacked = 0;
    std::size_t consumers = 0;
    bool confirm = false;
    bool transactional = false;
};

struct message_info {
    std::string exchange;
    std::string routing_key;
    protocol::basic_properties properties;
    std::string body;
    bool redelivered = false;
};

}  // namespace amqp::fakebroker
