#include "invariants.hpp"

#include <amqp/client/error.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

namespace amqp::scenarios::explorer {
namespace {

constexpr std::string_view unknown_tag = "unknown delivery tag";

// What ack() may return under faults: nothing, or that the delivery's channel is gone.
bool expected_ack_result(std::error_code ec)
{
    return !ec || ec == client::errc::stale_delivery || ec == client::errc::channel_closed;
}

std::string list(const std::vector<std::string>& items, std::size_t max = 5)
{
    std::ostringstream os;
    for (std::size_t i = 0; i < items.size() && i < max; ++i) os << (i ? ", " : "") << items[i];
    if (items.size() > max) os << " and " << items.size() - max << " more";
    return os.str();
}

void check_messages(const workload_record& r, std::vector<std::string>& out)
{
    std::vector<std::string> lost;
    for (const auto& id : r.confirmed) {
        if (!r.consumed.contains(id)) lost.push_back(id);
    }
    if (!lost.empty())
        out.push_back(std::to_string(lost.size()) + " confirmed message(s) never consumed: " + list(lost));
    std::vector<std::string> nacked_consumed;
    for (const auto& id : r.nacked) {
        if (r.consumed.contains(id) && !r.republished.contains(id)) nacked_consumed.push_back(id);
    }
    if (!nacked_consumed.empty())
        out.push_back("message(s) nacked, never republished, yet consumed: " + list(nacked_consumed));
    std::vector<std::string> strangers;
    for (const auto& [id, times] : r.consumed) {
        if (!r.published.contains(id)) strangers.push_back(id);
    }
    if (!strangers.empty()) out.push_back("consumed message(s) nobody published: " + list(strangers));
}

void check_acks(const workload_record& r, std::vector<std::string>& out)
{
    for (const auto& a : r.acks) {
        const std::string what = "ack of delivery tag " + std::to_string(a.delivery_tag) + " (message " + a.message_id +
                                 ", delivered on channel generation " + std::to_string(a.delivered_generation) + ")";
        if (!expected_ack_result(a.result)) {
            out.push_back(what + " failed unexpectedly: " + a.result.message());
            continue;
        }
        if (a.result) continue;  // refused on our side: it never reached the broker
        const auto it = r.delivered.find(a.generation);
        if (it == r.delivered.end() || !it->second.contains(a.delivery_tag)) {
            out.push_back(what + " was sent on channel generation " + std::to_string(a.generation) +
                          ", where that tag was never delivered");
        }
    }
    for (const auto& line : r.broker_closes) {
        if (line.find(unknown_tag) != std::string::npos)
            out.push_back("the broker closed a channel for an unknown delivery tag: " + line);
    }
    for (const auto& line : r.client_closes) {
        if (line.find(unknown_tag) != std::string::npos)
            out.push_back("the client saw a close for an unknown delivery tag: " + line);
    }
}

void check_consumers(const workload_record& r, const broker_snapshot& b, std::vector<std::string>& out)
{
    std::map<std::string, std::size_t> per_queue;
    std::map<std::pair<std::string, std::uint16_t>, std::size_t> per_channel;
    for (const auto& c : r.consumers) {
        ++per_queue[c.queue];
        ++per_channel[{c.connection, c.channel}];
    }
    for (const auto& q : b.queues) {
        const auto it = per_queue.find(q.name);
        const std::size_t expected = it == per_queue.end() ? 0 : it->second;
        if (q.consumers != expected) {
            out.push_back("queue '" + q.name + "' has " + std::to_string(q.consumers) + " live consumer(s), " +
                          std::to_string(expected) + " recorded");
        }
    }
    for (const auto& [queue, expected] : per_queue) {
        const bool exists =
            std::any_of(b.queues.begin(), b.queues.end(), [&](const auto& q) { return q.name == queue; });
        if (!exists)
            out.push_back("queue '" + queue + "' of " + std::to_string(expected) + " recorded consumer(s) is gone");
    }
    for (const auto& ch : b.channels) {
        const auto it = per_channel.find({ch.connection, ch.number});
        const std::size_t expected = it == per_channel.end() ? 0 : it->second;
        if (ch.consumers != expected) {
            out.push_back("channel " + std::to_string(ch.number) + " of '" + ch.connection + "' has " +
                          std::to_string(ch.consumers) + " consumer(s), " + std::to_string(expected) + " recorded");
        }
    }
}

void check_resources(const workload_record& r, const broker_snapshot& b, std::vector<std::string>& out)
{
    std::map<std::string, std::size_t> connections;
    for (const auto& c : b.connections) ++connections[c.name];
    for (const auto& [name, count] : connections) {
        if (!r.open_channels.contains(name) || count > 1)
            out.push_back("the broker holds " + std::to_string(count) + " connection(s) named '" + name +
                          "', the workload " + (r.open_channels.contains(name) ? "1" : "none"));
    }
    std::map<std::string, std::size_t> channels;
    for (const auto& ch : b.channels) ++channels[ch.connection];
    for (const auto& [name, held] : r.open_channels) {
        if (!connections.contains(name)) out.push_back("connection '" + name + "' is not open on the broker");
        const std::size_t open = channels.contains(name) ? channels[name] : 0;
        if (open != held)
            out.push_back("connection '" + name + "' has " + std::to_string(open) + " channel(s) open on the broker, " +
                          "the workload holds " + std::to_string(held) + " (leaked channel)");
    }
    for (const auto& q : b.queues) {
        if (std::find(r.drained_queues.begin(), r.drained_queues.end(), q.name) == r.drained_queues.end()) continue;
        if (q.ready != 0 || q.unacked != 0)
            out.push_back("queue '" + q.name + "' still holds " + std::to_string(q.ready) + " ready and " +
                          std::to_string(q.unacked) + " unacked message(s) after settling");
    }
}

}  // namespace

std::vector<std::string> check_invariants(const workload_record& record, const broker_snapshot& broker)
{
    std::vector<std::string> out;
    check_messages(record, out);
    check_acks(record, out);
    check_consumers(record, broker, out);
    for (const auto& e : record.errors) out.push_back("workload error: " + e);
    for (const auto& [id, what] : record.unresolved) out.push_back("never completed: " + what);
    check_resources(record, broker, out);
    if (!record.finished) out.push_back("the workload did not finish after the chaos stopped: " + record.progress);
    return out;
}

}  // namespace amqp::scenarios::explorer
