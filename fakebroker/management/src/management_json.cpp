#include "management_json.hpp"

#include "json_fields.hpp"
#include "text_encoding.hpp"

#include <charconv>

namespace amqp::fakebroker {

using nlohmann::json;

namespace {

// RabbitMQ's quote_plus for properties_key: unreserved characters stay, space becomes
// '+', everything else (including '~', the separator) is %XX with upper-case digits.
std::string quote_binding_key(std::string_view key)
{
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : key) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '-' || c == '_';
        if (safe) {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[std::uint8_t(c) >> 4];
            out += hex[std::uint8_t(c) & 15];
        }
    }
    return out;
}

// Base64url without padding, as RabbitMQ prints its 32-bit argument hash.
std::string base64url(std::string_view bytes)
{
    std::string out = base64_encode(bytes);
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

// FNV-1a: stable across runs and platforms, unlike std::hash.
std::uint32_t fnv1a(std::string_view bytes)
{
    std::uint32_t h = 2166136261u;
    for (const char c : bytes) {
        h ^= std::uint8_t(c);
        h *= 16777619u;
    }
    return h;
}

}  // namespace

std::pair<std::string, std::uint16_t> split_host_port(std::string_view peer)
{
    const auto colon = peer.rfind(':');
    if (colon == std::string_view::npos) return {std::string(peer), 0};
    std::uint16_t port = 0;
    const auto digits = peer.substr(colon + 1);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), port).ec != std::errc{}) port = 0;
    return {std::string(peer.substr(0, colon)), port};
}

json queue_json(const queue_info& q, const node_details& node)
{
    return {
        {"name", utf8_safe(q.name)},
        {"vhost", q.vhost},
        {"durable", q.durable},
        {"auto_delete", q.auto_delete},
        {"exclusive", q.exclusive},
        {"arguments", field_table_json(q.arguments)},
        {"node", node.node},
        {"state", "running"},
        {"type", q.type},
        {"messages", q.ready + q.unacked},
        {"messages_ready", q.ready},
        {"messages_unacknowledged", q.unacked},
        {"message_bytes_ready", q.ready_bytes},
        {"consumers", q.consumers},
    };
}

json exchange_json(const exchange_info& e)
{
    return {
        {"name", utf8_safe(e.name)},
        {"vhost", e.vhost},
        {"type", e.type},
        {"durable", e.durable},
        {"auto_delete", e.auto_delete},
        {"internal", e.internal},
        {"arguments", field_table_json(e.arguments)},
    };
}

json binding_json(const binding_info& b)
{
    return {
        {"source", utf8_safe(b.source)},           {"vhost", b.vhost},
        {"destination", utf8_safe(b.destination)}, {"destination_type", b.destination_is_queue ? "queue" : "exchange"},
        {"routing_key", utf8_safe(b.routing_key)}, {"arguments", field_table_json(b.arguments)},
        {"properties_key", properties_key(b)},
    };
}

json connection_json(const connection_info& c, const node_details& node)
{
    const auto [peer_host, peer_port] = split_host_port(c.peer);
    json out = {
        {"name", utf8_safe(c.name)}, {"node", node.node},
        {"type", "network"},         {"state", "running"},
        {"protocol", "AMQP 0-9-1"},  {"user", c.user},
        {"vhost", c.vhost},          {"host", node.amqp_address},
        {"port", node.amqp_port},    {"peer_host", peer_host},
        {"peer_port", peer_port},    {"ssl", false},
        {"channels", c.channels},    {"client_properties", field_table_json(c.client_properties)},
    };
    // RabbitMQ adds it only when the client named the connection.
    if (const auto* given = c.client_properties.find("connection_name"); given && given->string()) {
        out["user_provided_name"] = utf8_safe(*given->string());
    }
    return out;
}

json channel_json(const channel_info& ch, const connection_info* owner, const node_details& node)
{
    json details = {{"name", utf8_safe(ch.connection)}};
    json out = {
        {"name", utf8_safe(ch.connection + " (" + std::to_string(ch.number) + ")")},
        {"number", ch.number},
        {"node", node.node},
        {"state", "running"},
        {"prefetch_count", ch.prefetch_count},
        {"global_prefetch_count", ch.global_prefetch_count},
        {"messages_unacknowledged", ch.unacked},
        {"consumer_count", ch.consumers},
        {"confirm", ch.confirm},
        {"transactional", ch.transactional},
    };
    if (owner) {
        const auto [peer_host, peer_port] = split_host_port(owner->peer);
        details["peer_host"] = peer_host;
        details["peer_port"] = peer_port;
        out["user"] = owner->user;
        out["vhost"] = owner->vhost;
    }
    out["connection_details"] = std::move(details);
    return out;
}

json vhost_json(std::string_view name, const std::vector<queue_info>& queues)
{
    std::size_t ready = 0;
    std::size_t unacked = 0;
    for (const auto& q : queues) {
        ready += q.ready;
        unacked += q.unacked;
    }
    return {
        {"name", std::string(name)},
        {"description", name == "/" ? "Default virtual host" : ""},
        {"tags", json::array()},
        {"tracing", false},
        {"messages", ready + unacked},
        {"messages_ready", ready},
        {"messages_unacknowledged", unacked},
    };
}

json message_json(const message_info& m, std::size_t message_count, payload_encoding encoding,
                  std::optional<std::size_t> truncate)
{
    std::string_view payload = m.body;
    if (truncate && payload.size() > *truncate) payload = payload.substr(0, *truncate);
    const bool as_string = encoding == payload_encoding::automatic && is_valid_utf8(payload);
    return {
        {"payload_bytes", m.body.size()},
        {"redelivered", m.redelivered},
        {"exchange", utf8_safe(m.exchange)},
        {"routing_key", utf8_safe(m.routing_key)},
        {"message_count", message_count},
        {"properties", properties_json(m.properties)},
        {"payload", as_string ? std::string(payload) : base64_encode(payload)},
        {"payload_encoding", as_string ? "string" : "base64"},
    };
}

std::string properties_key(const binding_info& b)
{
    std::string key = b.routing_key.empty() ? "~" : quote_binding_key(b.routing_key);
    if (b.arguments.empty()) return key;
    const std::string canonical = field_table_json(b.arguments).dump(-1, ' ', false, json::error_handler_t::replace);
    const std::uint32_t h = fnv1a(canonical);
    const char bytes[4] = {char(h >> 24), char(h >> 16), char(h >> 8), char(h)};
    // RabbitMQ: "~" alone for an empty key with no arguments, "key~hash" otherwise.
    if (b.routing_key.empty()) key.clear();
    return key + "~" + base64url(std::string_view(bytes, 4));
}

}  // namespace amqp::fakebroker
