#include <amqp/fakebroker/management_routes.hpp>

#include "management_json.hpp"

#include <amqp/fakebroker/broker.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace amqp::fakebroker {

using nlohmann::json;

namespace {

// The RabbitMQ release the broker claims to be in connection.start
// (server_handshake.cpp); the management API claims the same.
const std::string product_version = "3.10.8";
const std::string default_close_reason = "Closed via management plugin";

management_reply ok(json body) { return {200, std::move(body)}; }

management_reply not_found() { return {404, {{"error", "Object Not Found"}, {"reason", "Not Found"}}}; }

management_reply bad_request(std::string reason)
{
    return {400, {{"error", "bad_request"}, {"reason", std::move(reason)}}};
}

management_reply no_content() { return {204, nullptr}; }

// A JSON integer, or a string holding one (RabbitMQ accepts both).
std::optional<std::int64_t> integer_field(const json& body, const char* key)
{
    const auto it = body.find(key);
    if (it == body.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    if (!it->is_string()) return std::nullopt;
    const auto& text = it->get_ref<const std::string&>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// The default exchange is "" in listings but "amq.default" in paths.
std::string exchange_from_path(const std::string& name) { return name == "amq.default" ? std::string() : name; }

node_details node_of(const broker& b)
{
    const std::string& address = b.options().address;
    return {"rabbit@fakebroker", address.empty() ? "127.0.0.1" : address, b.port()};
}

// The vhosts a listing covers: every one, or the one named first in `p`; nullopt
// when that one does not exist.
std::optional<std::vector<std::string>> scope(const broker& b, const std::vector<std::string>& p)
{
    const auto& all = b.options().vhosts;
    if (p.empty()) return all;
    if (std::find(all.begin(), all.end(), p[0]) == all.end()) return std::nullopt;
    return std::vector<std::string>{p[0]};
}

std::optional<connection_info> find_connection(const broker& b, const std::string& name)
{
    // RabbitMQ names a connection "peer -> broker"; ours are the client-given name or
    // the peer, and a RabbitMQ-style name finds the connection by its peer part.
    const std::string peer = name.substr(0, name.find(" -> "));
    for (auto& c : b.connections()) {
        if (c.name == name || c.peer == name || c.peer == peer) return std::move(c);
    }
    return std::nullopt;
}

}  // namespace

management_routes::management_routes(broker& b, std::string http_address, std::uint16_t http_port)
    : broker_(b),
      http_address_(std::move(http_address)),
      http_port_(http_port),
      routes_{
          {"GET", {"overview"}, &management_routes::overview},
          {"GET", {"whoami"}, &management_routes::whoami},
          {"GET", {"vhosts"}, &management_routes::list_vhosts},
          {"GET", {"vhosts", "*"}, &management_routes::list_vhosts},
          {"GET", {"queues"}, &management_routes::list_queues},
          {"GET", {"queues", "*"}, &management_routes::list_queues},
          {"GET", {"queues", "*", "*"}, &management_routes::show_queue},
          {"GET", {"queues", "*", "*", "bindings"}, &management_routes::queue_bindings},
          {"DELETE", {"queues", "*", "*", "contents"}, &management_routes::purge_queue},
          {"POST", {"queues", "*", "*", "get"}, &management_routes::get_messages},
          {"GET", {"exchanges"}, &management_routes::list_exchanges},
          {"GET", {"exchanges", "*"}, &management_routes::list_exchanges},
          {"GET", {"exchanges", "*", "*"}, &management_routes::show_exchange},
          {"GET", {"bindings"}, &management_routes::list_bindings},
          {"GET", {"bindings", "*"}, &management_routes::list_bindings},
          {"GET", {"connections"}, &management_routes::list_connections},
          {"GET", {"connections", "*"}, &management_routes::show_connection},
          {"DELETE", {"connections", "*"}, &management_routes::close_connection},
          {"GET", {"channels"}, &management_routes::list_channels},
          {"GET", {"faults"}, &management_routes::list_faults},
          {"POST", {"faults"}, &management_routes::add_faults},
          {"DELETE", {"faults"}, &management_routes::clear_faults},
          {"PUT", {"faults", "chaos"}, &management_routes::set_chaos},
          {"DELETE", {"faults", "chaos"}, &management_routes::stop_chaos},
          {"DELETE", {"faults", "*"}, &management_routes::remove_fault},
      }
{}

management_reply management_routes::handle(const management_request& request) const
{
    const std::string method = request.method == "HEAD" ? "GET" : request.method;
    bool path_known = false;
    for (const auto& r : routes_) {
        if (r.pattern.size() != request.path.size()) continue;
        params p;
        bool matched = true;
        for (std::size_t i = 0; matched && i < r.pattern.size(); ++i) {
            if (r.pattern[i] == "*") p.push_back(request.path[i]);
            else matched = r.pattern[i] == request.path[i];
        }
        if (!matched) continue;
        path_known = true;
        if (method == r.method) return (this->*r.run)(request, p);
    }
    if (path_known) return {405, {{"error", "Method Not Allowed"}, {"reason", method + " is not supported here"}}};
    return not_found();
}

management_reply management_routes::overview(const management_request&, const params&) const
{
    std::size_t queues = 0, exchanges = 0, consumers = 0, ready = 0, unacked = 0;
    for (const auto& v : broker_.options().vhosts) {
        for (const auto& q : broker_.queues(v)) {
            ++queues;
            consumers += q.consumers;
            ready += q.ready;
            unacked += q.unacked;
        }
        exchanges += broker_.exchanges(v).size();
    }
    const node_details n = node_of(broker_);
    json exchange_types = json::array();
    for (const char* type : {"direct", "fanout", "headers", "topic"}) {
        exchange_types.push_back({{"name", type}, {"enabled", true}});
    }
    return ok({
        {"management_version", product_version},
        {"product_name", "RabbitMQ"},
        {"product_version", product_version},
        {"rabbitmq_version", product_version},
        {"rates_mode", "none"},
        {"cluster_name", n.node},
        {"node", n.node},
        {"exchange_types", exchange_types},
        {"object_totals",
         {{"queues", queues},
          {"exchanges", exchanges},
          {"connections", broker_.connections().size()},
          {"channels", broker_.channels().size()},
          {"consumers", consumers}}},
        {"queue_totals",
         {{"messages", ready + unacked}, {"messages_ready", ready}, {"messages_unacknowledged", unacked}}},
        {"message_stats", json::object()},
        {"listeners",
         {{{"node", n.node}, {"protocol", "amqp"}, {"ip_address", n.amqp_address}, {"port", n.amqp_port}},
          {{"node", n.node}, {"protocol", "http"}, {"ip_address", http_address_}, {"port", http_port_}}}},
        {"contexts",
         {{{"node", n.node},
           {"description", "RabbitMQ Management"},
           {"path", "/"},
           {"port", std::to_string(http_port_)}}}},
    });
}

management_reply management_routes::whoami(const management_request& request, const params&) const
{
    return ok({{"name", request.user}, {"tags", {"administrator"}}});
}

management_reply management_routes::list_vhosts(const management_request&, const params& p) const
{
    const auto vhosts = scope(broker_, p);
    if (!vhosts) return not_found();
    if (!p.empty()) return ok(vhost_json(p[0], broker_.queues(p[0])));
    json out = json::array();
    for (const auto& v : *vhosts) out.push_back(vhost_json(v, broker_.queues(v)));
    return ok(std::move(out));
}

management_reply management_routes::list_queues(const management_request&, const params& p) const
{
    const auto vhosts = scope(broker_, p);
    if (!vhosts) return not_found();
    const node_details n = node_of(broker_);
    json out = json::array();
    for (const auto& v : *vhosts) {
        for (const auto& q : broker_.queues(v)) out.push_back(queue_json(q, n));
    }
    return ok(std::move(out));
}

management_reply management_routes::show_queue(const management_request&, const params& p) const
{
    const auto q = broker_.queue(p[1], p[0]);
    return q ? ok(queue_json(*q, node_of(broker_))) : not_found();
}

management_reply management_routes::queue_bindings(const management_request&, const params& p) const
{
    if (!broker_.queue(p[1], p[0])) return not_found();
    json out = json::array();
    for (const auto& b : broker_.bindings(p[0])) {
        if (b.destination_is_queue && b.destination == p[1]) out.push_back(binding_json(b));
    }
    return ok(std::move(out));
}

management_reply management_routes::purge_queue(const management_request&, const params& p) const
{
    return broker_.purge(p[1], p[0]) ? no_content() : not_found();
}

// RabbitMQ fetches with basic.get and then acks or rejects; here the messages are
// peeked, so only the ackmodes that put them back are honoured. The consuming ones
// are refused rather than silently leaving the messages in the queue.
management_reply management_routes::get_messages(const management_request& request, const params& p) const
{
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return bad_request("the body must be a JSON object");
    const auto count = integer_field(body, "count");
    if (!count || *count < 0) return bad_request("count must be a non-negative integer");
    if (const auto ackmode = body.find("ackmode"); ackmode != body.end()) {
        const std::string mode = ackmode->is_string() ? ackmode->get<std::string>() : "";
        if (mode == "ack_requeue_false" || mode == "reject_requeue_false") {
            return bad_request("ackmode " + mode +
                               " would consume the messages; fakebroker only peeks (ack_requeue_true, "
                               "reject_requeue_true)");
        }
        if (mode != "ack_requeue_true" && mode != "reject_requeue_true") {
            return bad_request("unknown ackmode " + ackmode->dump());
        }
    } else if (const auto requeue = body.find("requeue"); requeue != body.end()) {
        // RabbitMQ before 3.7 took {"requeue": bool}.
        if (*requeue != true) return bad_request("fakebroker only peeks: requeue must be true");
    } else {
        return bad_request("key_missing: ackmode");
    }
    payload_encoding encoding = payload_encoding::automatic;
    if (const auto e = body.find("encoding"); e != body.end()) {
        if (*e == "base64") encoding = payload_encoding::base64;
        else if (*e != "auto") return bad_request("encoding must be \"auto\" or \"base64\"");
    }
    std::optional<std::size_t> truncate;
    if (body.contains("truncate")) {
        const auto t = integer_field(body, "truncate");
        if (!t || *t < 0) return bad_request("truncate must be a non-negative integer");
        truncate = std::size_t(*t);
    }

    const auto q = broker_.queue(p[1], p[0]);
    if (!q) return not_found();
    const auto messages = broker_.peek(p[1], std::size_t(*count), p[0]);
    // message_count: what a basic.get of this message would report as left behind it.
    const std::size_t depth = std::max(q->ready, messages.size());
    json out = json::array();
    for (std::size_t i = 0; i < messages.size(); ++i) {
        out.push_back(message_json(messages[i], depth - i - 1, encoding, truncate));
    }
    return ok(std::move(out));
}

management_reply management_routes::list_exchanges(const management_request&, const params& p) const
{
    const auto vhosts = scope(broker_, p);
    if (!vhosts) return not_found();
    json out = json::array();
    for (const auto& v : *vhosts) {
        for (const auto& e : broker_.exchanges(v)) out.push_back(exchange_json(e));
    }
    return ok(std::move(out));
}

management_reply management_routes::show_exchange(const management_request&, const params& p) const
{
    const std::string name = exchange_from_path(p[1]);
    for (const auto& e : broker_.exchanges(p[0])) {
        if (e.name == name) return ok(exchange_json(e));
    }
    return not_found();
}

management_reply management_routes::list_bindings(const management_request&, const params& p) const
{
    const auto vhosts = scope(broker_, p);
    if (!vhosts) return not_found();
    json out = json::array();
    for (const auto& v : *vhosts) {
        for (const auto& b : broker_.bindings(v)) out.push_back(binding_json(b));
    }
    return ok(std::move(out));
}

management_reply management_routes::list_connections(const management_request&, const params&) const
{
    const node_details n = node_of(broker_);
    json out = json::array();
    for (const auto& c : broker_.connections()) out.push_back(connection_json(c, n));
    return ok(std::move(out));
}

management_reply management_routes::show_connection(const management_request&, const params& p) const
{
    const auto c = find_connection(broker_, p[0]);
    return c ? ok(connection_json(*c, node_of(broker_))) : not_found();
}

management_reply management_routes::close_connection(const management_request& request, const params& p) const
{
    const auto c = find_connection(broker_, p[0]);
    if (!c) return not_found();
    const std::string& reason = request.reason.empty() ? default_close_reason : request.reason;
    // By peer: unique, where client-given names need not be.
    return broker_.close_connection(c->peer, reason) > 0 ? no_content() : not_found();
}

management_reply management_routes::list_channels(const management_request&, const params&) const
{
    const node_details n = node_of(broker_);
    const auto connections = broker_.connections();
    json out = json::array();
    for (const auto& ch : broker_.channels()) {
        const auto owner = std::find_if(connections.begin(), connections.end(),
                                        [&](const connection_info& c) { return c.name == ch.connection; });
        out.push_back(channel_json(ch, owner == connections.end() ? nullptr : &*owner, n));
    }
    return ok(std::move(out));
}

}  // namespace amqp::fakebroker
