#include "transcript.hpp"

#include "allowlist.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/print.hpp>

#include <algorithm>
#include <sstream>
#include <tuple>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

std::uint64_t fnv1a(std::string_view s)
{
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : s) {
        h ^= std::uint8_t(c);
        h *= 1099511628211ull;
    }
    return h;
}

void replace_all(std::string& s, std::string_view from, std::string_view to)
{
    if (from.empty()) return;
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
}

bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Replaces "<marker><name chars>" by "<marker>#N", N in order of first appearance.
void number_names(std::string& s, std::string_view marker, std::map<std::string, int>& seen)
{
    for (std::size_t at = s.find(marker); at != std::string::npos; at = s.find(marker, at + 1)) {
        std::size_t end = at + marker.size();
        while (end < s.size() && name_char(s[end])) ++end;
        const std::string name = s.substr(at, end - at);
        if (name.size() == marker.size()) continue;
        auto [it, inserted] = seen.try_emplace(name, int(seen.size()) + 1);
        const std::string placeholder = std::string(marker) + "#" + std::to_string(it->second);
        s.replace(at, end - at, placeholder);
    }
}

}  // namespace

int lane_of(const event& e)
{
    if (e.what != event::kind::command) return 0;
    const auto& m = e.command.method;
    if (std::holds_alternative<proto::basic_deliver>(m) || std::holds_alternative<proto::basic_cancel>(m)) return 1;
    if (std::holds_alternative<proto::basic_ack>(m) || std::holds_alternative<proto::basic_nack>(m)) return 2;
    return 0;
}

std::string lane_name(int lane) { return lane == 1 ? " (deliveries)" : lane == 2 ? " (confirms)" : ""; }

std::string render(const event& e)
{
    switch (e.what) {
    case event::kind::socket_closed: return "socket closed";
    case event::kind::undecodable: return "undecodable: " + e.detail;
    case event::kind::command: break;
    }
    std::ostringstream os;
    if (const auto* start = std::get_if<proto::connection_start>(&e.command.method)) {
        proto::connection_start s = *start;
        s.server_properties = {};
        os << proto::method(s);
    } else if (const auto* ok = std::get_if<proto::queue_declare_ok>(&e.command.method)) {
        os << "queue.declare-ok(queue=";
        proto::print_quoted(os, ok->queue);
        os << ", message_count=#, consumer_count=" << ok->consumer_count << ")";
    } else {
        os << e.command.method;
    }
    if (e.command.header) {
        os << " " << e.command.header->properties << " body ";
        if (e.command.body.size() <= 200) {
            proto::print_quoted(os, e.command.body);
        } else {
            os << e.command.body.size() << " bytes, fnv1a " << std::hex << fnv1a(e.command.body) << std::dec;
        }
    }
    return os.str();
}

namespace {

bool quorum_declare_ok(const event& e, std::string_view prefix, const comparison_context& context)
{
    if (e.what != event::kind::command) return false;
    const auto* ok = std::get_if<proto::queue_declare_ok>(&e.command.method);
    if (!ok || !ok->queue.starts_with(prefix) || prefix.empty()) return false;
    return context.quorum_queues.count("@" + ok->queue.substr(prefix.size())) > 0;
}

constexpr std::size_t lazy_steps = 3;

// Whether one of `steps` is the event's or one of the three before it: a step takes a
// millisecond or two on a local RabbitMQ, and a queue has been seen to count a consumer
// gone two steps earlier.
bool shortly_after(const event& e, const std::set<std::size_t>& steps)
{
    const auto first = steps.lower_bound(e.step >= lazy_steps ? e.step - lazy_steps : 0);
    return first != steps.end() && *first <= e.step;
}

// A consumer_count shown as "lazy": a quorum queue's shortly after a channel or
// connection ended, any queue's shortly after the client closed a socket.
bool lazy_count(const event& e, std::string_view prefix, const comparison_context& context)
{
    if (e.what != event::kind::command || !std::holds_alternative<proto::queue_declare_ok>(e.command.method))
        return false;
    if (shortly_after(e, context.socket_end_steps)) return true;
    return quorum_declare_ok(e, prefix, context) && shortly_after(e, context.channel_end_steps);
}

bool ends_a_channel(const event& e)
{
    if (e.what == event::kind::socket_closed) return true;
    if (e.what != event::kind::command) return false;
    const auto& m = e.command.method;
    return std::holds_alternative<proto::channel_close>(m) || std::holds_alternative<proto::channel_close_ok>(m) ||
           std::holds_alternative<proto::connection_close>(m) || std::holds_alternative<proto::connection_close_ok>(m);
}

}  // namespace

comparison_context context_of(const conversation& c, const transcript& first, const transcript& second,
                              const std::vector<std::size_t>& extra_end_steps)
{
    comparison_context context;
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
        const step& s = c.steps[i];
        if (s.what != step::kind::send) {
            context.channel_end_steps.insert(i);
            context.socket_end_steps.insert(i);
        }
        for (const outgoing& f : s.frames) {
            const auto* q = std::get_if<proto::queue_declare>(&f.method);
            if (!q || !q->queue.starts_with('@')) continue;
            const proto::field_value* type = q->arguments.find("x-queue-type");
            if (!type) continue;
            const auto* name = std::get_if<std::string>(&type->variant());
            if (name && *name == "quorum") context.quorum_queues.insert(q->queue);
        }
    }
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
        for (const outgoing& f : c.steps[i].frames) {
            const auto* d = std::get_if<proto::queue_delete>(&f.method);
            if (d && context.quorum_queues.count(d->queue)) context.quorum_deletes.insert({i, f.channel});
        }
    }
    for (const transcript* t : {&first, &second}) {
        for (const connection_record& r : t->connections) {
            for (const auto& [channel, events] : r.channels) {
                for (const event& e : events) {
                    if (ends_a_channel(e)) context.channel_end_steps.insert(e.step);
                }
            }
        }
    }
    context.channel_end_steps.insert(extra_end_steps.begin(), extra_end_steps.end());
    context.socket_end_steps.insert(extra_end_steps.begin(), extra_end_steps.end());
    return context;
}

normalised_transcript normalise(const transcript& t, std::string_view prefix, const comparison_context& context)
{
    struct item {
        std::size_t step;
        int connection;
        std::uint16_t channel;
        std::size_t index;
        const event* e;
    };
    std::vector<item> items;
    for (std::size_t i = 0; i < t.connections.size(); ++i) {
        for (const auto& [channel, events] : t.connections[i].channels) {
            for (std::size_t k = 0; k < events.size(); ++k) {
                items.push_back({events[k].step, int(i), channel, k, &events[k]});
            }
        }
    }
    std::sort(items.begin(), items.end(), [](const item& a, const item& b) {
        return std::tie(a.step, a.connection, a.channel, a.index) < std::tie(b.step, b.connection, b.channel, b.index);
    });
    std::map<std::string, int> generated;
    std::map<std::string, int> tags;
    normalised_transcript out;
    for (const item& it : items) {
        std::string text = render(*it.e);
        if (it.e->what == event::kind::command &&
            std::holds_alternative<proto::queue_delete_ok>(it.e->command.method) &&
            context.quorum_deletes.count({it.step, it.channel})) {
            text = "queue.delete-ok(message_count=#)";
        }
        std::optional<std::uint32_t> lazy;
        if (lazy_count(*it.e, prefix, context)) {
            lazy = std::get<proto::queue_declare_ok>(it.e->command.method).consumer_count;
            text = text.substr(0, text.rfind("consumer_count=")) + "consumer_count=lazy)";
        }
        replace_all(text, prefix, "@");
        number_names(text, "amq.gen-", generated);
        number_names(text, "amq.ctag-", tags);
        out[{it.connection, it.channel, lane_of(*it.e), it.e->incarnation}].push_back(
            {it.step, std::move(text), *it.e, lazy});
    }
    return out;
}

std::string event_kind(const std::optional<normalised_event>& e)
{
    if (!e) return "nothing";
    const event& o = e->original;
    if (o.what == event::kind::socket_closed) return "socket closed";
    if (o.what == event::kind::undecodable) return "undecodable";
    std::string kind;
    std::visit([&kind](const auto& m) { kind = std::string(std::decay_t<decltype(m)>::name); }, o.command.method);
    if (const auto* c = std::get_if<proto::channel_close>(&o.command.method))
        kind += " " + std::to_string(c->reply_code);
    if (const auto* c = std::get_if<proto::connection_close>(&o.command.method))
        kind += " " + std::to_string(c->reply_code);
    return kind;
}

std::string divergence::signature() const
{
    return "connection " + std::to_string(where.connection) + " channel " + std::to_string(where.channel) +
           lane_name(where.lane) + ": " + event_kind(first) + " / " + event_kind(second);
}

std::string divergence::describe() const
{
    std::ostringstream os;
    os << "connection " << where.connection;
    if (where.incarnation > 1) os << " (connect " << where.incarnation << ")";
    os << ", channel " << where.channel << lane_name(where.lane) << ", event " << index;
    if (first) os << " (step " << first->step << ")";
    else if (second) os << " (step " << second->step << ")";
    const auto text = [](const std::optional<normalised_event>& e) {
        if (!e) return std::string("nothing");
        if (!e->lazy_consumer_count) return e->text;
        return e->text + " [consumer_count " + std::to_string(*e->lazy_consumer_count) + "]";
    };
    os << ":\n    embedded broker: " << text(first) << "\n    other broker:    " << text(second);
    if (!allowed.empty()) os << "\n    " << (deliberate ? "allowed: " : "known: ") << allowed;
    return os.str();
}

std::vector<divergence> compare(const normalised_transcript& first, const normalised_transcript& second)
{
    std::vector<divergence> out;
    std::vector<stream_key> keys;
    for (const auto& [k, v] : first) keys.push_back(k);
    for (const auto& [k, v] : second) {
        if (!first.count(k)) keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    static const std::vector<normalised_event> none;
    for (const stream_key& k : keys) {
        const auto ia = first.find(k);
        const auto ib = second.find(k);
        const auto& a = ia == first.end() ? none : ia->second;
        const auto& b = ib == second.end() ? none : ib->second;
        for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
            // A lazy consumer_count: the other broker may count consumers that have
            // gone, never fewer than there are.
            const bool same = i < a.size() && i < b.size() && a[i].text == b[i].text &&
                              (!a[i].lazy_consumer_count || !b[i].lazy_consumer_count ||
                               *a[i].lazy_consumer_count <= *b[i].lazy_consumer_count);
            if (same) continue;
            divergence d;
            d.where = k;
            d.index = i;
            if (i < a.size()) d.first = a[i];
            if (i < b.size()) d.second = b[i];
            if (const allowlist_entry* entry = explain(d)) {
                d.allowed = std::string(entry->name);
                d.deliberate = entry->deliberate;
                d.ends_connection = entry->ends_connection;
            }
            out.push_back(std::move(d));
            break;
        }
    }
    return out;
}

}  // namespace amqp::differential
