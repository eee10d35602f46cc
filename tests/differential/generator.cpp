// The generator: a conversation for a seed, the builder's model of it, its picks and its choice of each step.
#include "conversation_builder.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace amqp::differential::detail {

conversation conversation_builder::build()
{
    const int steps = r_.between(options_.min_steps, options_.max_steps);
    connect(0);
    while (int(c_.steps.size()) < steps) one_step();
    return std::move(c_);
}

void conversation_builder::connect(int conn, login l)
{
    step s;
    s.what = step::kind::connect;
    s.connection = conn;
    s.credentials = l;
    c_.steps.push_back(s);
    if (l == login::ok) connections_[std::size_t(conn)] = connection_model{true, {}};
}

void conversation_builder::send(int conn, std::vector<outgoing> frames)
{
    step s;
    s.connection = conn;
    s.frames = std::move(frames);
    c_.steps.push_back(std::move(s));
}

// What the broker closing a channel or connection does to the model.
void conversation_builder::channel_closed(int i, int ch)
{
    channel_model& c = chan(i, ch);
    for (const consumer_model& k : c.consumers) consumer_gone(k.queue);
    c = channel_model{};
}

void conversation_builder::connection_closed(int i)
{
    for (int ch = 1; ch <= 3; ++ch) {
        if (chan(i, ch).open) channel_closed(i, ch);
    }
    conn(i).open = false;
    // Exclusive queues go with their connection, in RabbitMQ a moment later: they
    // are forgotten, never referred to again.
    std::erase_if(queues_, [i](const queue_model& q) { return q.exclusive && q.owner == i; });
}

void conversation_builder::consumer_gone(const std::string& queue)
{
    for (auto it = queues_.begin(); it != queues_.end(); ++it) {
        if (it->name != queue) continue;
        --it->consumers;
        // An auto-delete queue goes with its last consumer (asynchronously in
        // RabbitMQ): forgotten.
        if (it->auto_delete && it->consumers <= 0) queues_.erase(it);
        return;
    }
}

std::vector<int> conversation_builder::open_channels(int i)
{
    std::vector<int> out;
    for (int ch = 1; ch <= 3; ++ch) {
        if (chan(i, ch).open) out.push_back(ch);
    }
    return out;
}

queue_model* conversation_builder::find_queue(const std::string& name)
{
    for (auto& q : queues_) {
        if (q.name == name) return &q;
    }
    return nullptr;
}

exchange_model* conversation_builder::find_exchange(const std::string& name)
{
    for (auto& x : exchanges_) {
        if (x.name == name) return &x;
    }
    return nullptr;
}

// A queue name: mostly one that exists (and is usable from this connection),
// sometimes a missing one.
std::string conversation_builder::some_queue(int i, bool usable_only)
{
    std::vector<std::string> names;
    for (const auto& q : queues_) {
        if (!usable_only || !q.exclusive || q.owner == i) names.push_back(q.name);
    }
    if (names.empty() || r_.percent(10)) return "@missing-q" + std::to_string(r_.between(1, 2));
    return pick(names);
}

std::string conversation_builder::some_exchange(bool allow_builtin)
{
    std::vector<std::string> names;
    for (const auto& x : exchanges_) names.push_back(x.name);
    if (allow_builtin && r_.percent(15))
        return pick(std::vector<std::string>{"amq.direct", "amq.fanout", "amq.topic", "amq.headers"});
    if (names.empty() || r_.percent(8)) return "@missing-x";
    return pick(names);
}

std::string conversation_builder::routing_key()
{
    return pick(std::vector<std::string>{"k1", "k2", "a.b", "a.b.c", "", "b"});
}

std::string conversation_builder::binding_key()
{
    return pick(std::vector<std::string>{"k1", "k2", "a.*", "#", "a.#", ""});
}

bool conversation_builder::queue_missing(const std::string& name, int i, int ch)
{
    if (name.empty()) return chan(i, ch).last_queue.empty() || !find_queue(chan(i, ch).last_queue);
    return find_queue(name) == nullptr;
}

bool conversation_builder::queue_locked(const std::string& name, int i)
{
    const queue_model* q = find_queue(name);
    return q && q->exclusive && q->owner != i;
}

// A queue reference for bind/consume/get/delete: the server-named queue is
// referred to by the empty name, which means the channel's last declared queue.
std::string conversation_builder::queue_ref(int i, int ch, std::string& model_name)
{
    std::string name = some_queue(i, !r_.percent(5));
    model_name = name;
    if (name.starts_with("server-named")) {
        if (chan(i, ch).last_queue == name) return "";
        return some_queue(i);  // not reachable by name from here
    }
    if (r_.percent(4)) {
        model_name = chan(i, ch).last_queue;
        return "";
    }
    return name;
}

bool conversation_builder::queue_error(const std::string& model_name, int i)
{
    return model_name.empty() || !find_queue(model_name) || queue_locked(model_name, i);
}

void conversation_builder::one_step()
{
    std::vector<int> open;
    for (int i = 0; i < max_connections; ++i) {
        if (conn(i).open) open.push_back(i);
    }
    if (open.empty() || (int(open.size()) < max_connections && r_.percent(4))) {
        for (int i = 0; i < max_connections; ++i) {
            if (!conn(i).open) {
                const int l = int(r_.below(100));
                connect(i, l < 3 ? login::wrong_password : l < 5 ? login::unknown_vhost : login::ok);
                return;
            }
        }
    }
    const int i = pick(open);
    const std::vector<int> channels = open_channels(i);
    if (channels.empty() || (channels.size() < 3 && r_.percent(5))) {
        for (int ch = 1; ch <= 3; ++ch) {
            if (!chan(i, ch).open) {
                send(i, std::uint16_t(ch), proto::channel_open{});
                chan(i, ch).open = true;
                return;
            }
        }
    }
    const int ch = pick(channels);
    const int roll = int(r_.below(1000));
    if (roll < 90) return declare_exchange(i, ch);
    if (roll < 110) return delete_exchange(i, ch);
    if (roll < 220) return declare_queue(i, ch);
    if (roll < 250) return delete_queue(i, ch);
    if (roll < 270) return purge_queue(i, ch);
    if (roll < 350) return bind_queue(i, ch);
    if (roll < 370) return unbind_queue(i, ch);
    if (roll < 400) return bind_exchange(i, ch, false);
    if (roll < 410) return bind_exchange(i, ch, true);
    if (roll < 560) return publish(i, ch);
    if (roll < 640) return get(i, ch);
    if (roll < 700) return consume(i, ch);
    if (roll < 730) return cancel(i, ch);
    if (roll < 760) return qos(i, ch);
    if (roll < 840) return settle(i, ch);
    if (roll < 850) return recover(i, ch);
    if (roll < 885) return transaction(i, ch);
    if (roll < 910) return confirm(i, ch);
    if (roll < 935) return close_channel(i, ch);
    if (roll < 950) return crossing_close(i, ch);
    if (roll < 965) return close_connection(i);
    if (roll < 975) return disconnect(i);
    return oddity(i, ch);
}

}  // namespace amqp::differential::detail

namespace amqp::differential {

conversation generate(std::uint64_t seed, const generator_options& options)
{
    return detail::conversation_builder(seed, options).build();
}

}  // namespace amqp::differential
