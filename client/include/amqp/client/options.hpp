#pragma once

#include <amqp/client/message.hpp>

#include <cstdint>
#include <string>

namespace amqp::client {

// The exchange types RabbitMQ ships; plugins add more (any name is accepted).
namespace exchange_type {
inline constexpr const char* direct = "direct";
inline constexpr const char* fanout = "fanout";
inline constexpr const char* topic = "topic";
inline constexpr const char* headers = "headers";
}  // namespace exchange_type

struct channel_options {
    // confirm.select on open: every publish then completes when the broker confirmed it.
    bool publisher_confirms = false;
    // The channel number to open; 0: the next free one. A number in use fails with
    // errc::invalid_argument.
    std::uint16_t number = 0;
};

// The option structs below declare their constructor so that they are not aggregates:
// GCC 12 miscompiles an aggregate temporary with std::string or container members in
// a co_await expression (it frees a copy it never made). Set the fields by name:
//   client::queue_options options;
//   options.durable = true;
struct exchange_options {
    exchange_options() = default;
    bool passive = false;  // only check that it exists (404 if not)
    bool durable = false;
    bool auto_delete = false;
    bool internal = false;
    field_table arguments{};  // e.g. alternate-exchange
};

struct queue_options {
    queue_options() = default;
    bool passive = false;
    bool durable = false;
    bool exclusive = false;
    bool auto_delete = false;
    field_table arguments{};  // x-message-ttl, x-max-length, x-dead-letter-exchange, ...
};

struct consume_options {
    consume_options() = default;
    bool no_ack = false;
    bool exclusive = false;
    std::string consumer_tag{};  // empty: the broker makes one (amq.ctag-...)
    field_table arguments{};  // e.g. x-priority
};

}  // namespace amqp::client
