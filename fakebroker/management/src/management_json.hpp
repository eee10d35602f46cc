#pragma once

#include <amqp/fakebroker/inspection.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The broker's inspection snapshots as the JSON documents RabbitMQ's management API
// returns, with RabbitMQ's field names, so clients and tests written against
// RabbitMQ read them unchanged. Rates and other statistics the broker does not keep
// are left out rather than faked.
namespace amqp::fakebroker {

// What a document says about the node serving it.
struct node_details {
    std::string node = "rabbit@fakebroker";
    std::string amqp_address;  // where the AMQP listener is bound
    std::uint16_t amqp_port = 0;
};

nlohmann::json queue_json(const queue_info& q, const node_details& node);
nlohmann::json exchange_json(const exchange_info& e);
nlohmann::json binding_json(const binding_info& b);
nlohmann::json connection_json(const connection_info& c, const node_details& node);
// `owner` is the channel's connection when it is still listed.
nlohmann::json channel_json(const channel_info& ch, const connection_info* owner, const node_details& node);
nlohmann::json vhost_json(std::string_view name, const std::vector<queue_info>& queues);

// How /api/queues/{vhost}/{name}/get writes a payload.
enum class payload_encoding {
    automatic,  // "auto": a string when the (truncated) payload is UTF-8, else base64
    base64,
};

// One message of /api/queues/{vhost}/{name}/get; `message_count` is how many
// messages a basic.get would have left behind it. `truncate` caps the payload bytes.
nlohmann::json message_json(const message_info& m, std::size_t message_count, payload_encoding encoding,
                            std::optional<std::size_t> truncate);

// The binding's "properties_key": RabbitMQ's "name" for a binding, the URL-quoted
// routing key ("~" when it is empty), then "~" and a hash when there are arguments.
// The hash is ours (RabbitMQ hashes Erlang terms): stable for equal arguments, but
// not the value RabbitMQ would print.
std::string properties_key(const binding_info& b);

// "127.0.0.1:54321" -> {"127.0.0.1", 54321}; the port is 0 when there is none.
std::pair<std::string, std::uint16_t> split_host_port(std::string_view peer);

}  // namespace amqp::fakebroker
