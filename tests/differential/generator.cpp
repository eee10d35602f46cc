#include "generator.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

struct queue_model {
    std::string name;
    bool quorum = false;
    bool durable = false;
    bool exclusive = false;
    bool auto_delete = false;
    int owner = -1;
    proto::field_table arguments;
    int consumers = 0;
};

struct exchange_model {
    std::string name;
    std::string type;
    bool durable = false;
};

struct consumer_model {
    std::string tag;
    std::string queue;
};

struct channel_model {
    bool open = false;
    bool confirm = false;
    bool tx = false;
    bool global_qos = false;
    std::vector<consumer_model> consumers;
    // Deliveries that may have happened on the channel: an upper bound for tags.
    int deliveries = 0;
    std::string last_queue;
};

struct connection_model {
    bool open = false;
    std::array<channel_model, 4> channels;  // 1..3
};

class conversation_builder {
public:
    conversation_builder(std::uint64_t seed, const generator_options& options) : r_(seed), options_(options)
    {
        c_.seed = seed;
    }

    conversation build()
    {
        const int steps = r_.between(options_.min_steps, options_.max_steps);
        connect(0);
        while (int(c_.steps.size()) < steps) one_step();
        return std::move(c_);
    }

private:
    // --- emitting ---------------------------------------------------------------

    void connect(int conn, login l = login::ok)
    {
        step s;
        s.what = step::kind::connect;
        s.connection = conn;
        s.credentials = l;
        c_.steps.push_back(s);
        if (l == login::ok) connections_[std::size_t(conn)] = connection_model{true, {}};
    }

    void send(int conn, std::vector<outgoing> frames)
    {
        step s;
        s.connection = conn;
        s.frames = std::move(frames);
        c_.steps.push_back(std::move(s));
    }

    void send(int conn, std::uint16_t ch, proto::method m) { send(conn, {outgoing{ch, std::move(m), {}, {}, {}}}); }

    connection_model& conn(int i) { return connections_[std::size_t(i)]; }
    channel_model& chan(int i, int ch) { return conn(i).channels[std::size_t(ch)]; }

    // What the broker closing a channel or connection does to the model.
    void channel_closed(int i, int ch)
    {
        channel_model& c = chan(i, ch);
        for (const consumer_model& k : c.consumers) consumer_gone(k.queue);
        c = channel_model{};
    }

    void connection_closed(int i)
    {
        for (int ch = 1; ch <= 3; ++ch) {
            if (chan(i, ch).open) channel_closed(i, ch);
        }
        conn(i).open = false;
        // Exclusive queues go with their connection, in RabbitMQ a moment later: they
        // are forgotten, never referred to again.
        std::erase_if(queues_, [i](const queue_model& q) { return q.exclusive && q.owner == i; });
    }

    void consumer_gone(const std::string& queue)
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

    // --- picking ------------------------------------------------------------------

    template <class T>
    const T& pick(const std::vector<T>& v)
    {
        return v[r_.below(v.size())];
    }

    std::vector<int> open_channels(int i)
    {
        std::vector<int> out;
        for (int ch = 1; ch <= 3; ++ch) {
            if (chan(i, ch).open) out.push_back(ch);
        }
        return out;
    }

    queue_model* find_queue(const std::string& name)
    {
        for (auto& q : queues_) {
            if (q.name == name) return &q;
        }
        return nullptr;
    }

    exchange_model* find_exchange(const std::string& name)
    {
        for (auto& x : exchanges_) {
            if (x.name == name) return &x;
        }
        return nullptr;
    }

    // A queue name: mostly one that exists (and is usable from this connection),
    // sometimes a missing one.
    std::string some_queue(int i, bool usable_only = true)
    {
        std::vector<std::string> names;
        for (const auto& q : queues_) {
            if (!usable_only || !q.exclusive || q.owner == i) names.push_back(q.name);
        }
        if (names.empty() || r_.percent(10)) return "@missing-q" + std::to_string(r_.between(1, 2));
        return pick(names);
    }

    std::string some_exchange(bool allow_builtin = true)
    {
        std::vector<std::string> names;
        for (const auto& x : exchanges_) names.push_back(x.name);
        if (allow_builtin && r_.percent(15)) return pick(std::vector<std::string>{"amq.direct", "amq.fanout", "amq.topic", "amq.headers"});
        if (names.empty() || r_.percent(8)) return "@missing-x";
        return pick(names);
    }

    std::string routing_key() { return pick(std::vector<std::string>{"k1", "k2", "a.b", "a.b.c", "", "b"}); }
    std::string binding_key() { return pick(std::vector<std::string>{"k1", "k2", "a.*", "#", "a.#", ""}); }

    bool queue_missing(const std::string& name, int i, int ch)
    {
        if (name.empty()) return chan(i, ch).last_queue.empty() || !find_queue(chan(i, ch).last_queue);
        return find_queue(name) == nullptr;
    }

    bool queue_locked(const std::string& name, int i)
    {
        const queue_model* q = find_queue(name);
        return q && q->exclusive && q->owner != i;
    }

    // --- steps ----------------------------------------------------------------------

    void one_step()
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

    void declare_exchange(int i, int ch)
    {
        proto::exchange_declare d;
        const int kind = int(r_.below(100));
        if (kind < 65 || exchanges_.empty()) {
            d.exchange = "@x" + std::to_string(++exchange_count_);
            if (r_.percent(3)) d.exchange = "amq.test" + std::to_string(exchange_count_);
            d.type = pick(std::vector<std::string>{"direct", "fanout", "topic", "headers"});
            if (r_.percent(4)) d.type = pick(std::vector<std::string>{"x-bogus", "", "Direct"});
            d.durable = r_.percent(20);
        } else if (kind < 85) {  // a redeclare, the same or different
            const exchange_model& x = pick(exchanges_);
            d.exchange = x.name;
            d.type = x.type;
            d.durable = x.durable;
            if (r_.percent(40)) {
                if (r_.percent(50)) d.type = x.type == "direct" ? "fanout" : "direct";
                else d.durable = !x.durable;
            }
        } else {  // passive
            d.exchange = r_.percent(75) && !exchanges_.empty() ? pick(exchanges_).name : "@missing-x";
            d.type = r_.percent(50) ? "direct" : "";
            d.passive = true;
        }
        send(i, std::uint16_t(ch), d);
        const exchange_model* existing = find_exchange(d.exchange);
        if (d.passive) {
            if (!existing) channel_closed(i, ch);
            return;
        }
        const bool valid_type = d.type == "direct" || d.type == "fanout" || d.type == "topic" || d.type == "headers";
        if (!valid_type) {
            connection_closed(i);  // 503 COMMAND_INVALID, a connection error
        } else if (d.exchange.starts_with("amq.")) {
            channel_closed(i, ch);
        } else if (existing) {
            if (existing->type != d.type || existing->durable != d.durable) channel_closed(i, ch);
        } else {
            exchanges_.push_back({d.exchange, d.type, d.durable});
        }
    }

    void delete_exchange(int i, int ch)
    {
        proto::exchange_delete d;
        d.exchange = some_exchange(false);
        d.if_unused = r_.percent(30);
        send(i, std::uint16_t(ch), d);
        if (d.if_unused && sources_.count(d.exchange)) {
            channel_closed(i, ch);
            return;
        }
        std::erase_if(exchanges_, [&](const exchange_model& x) { return x.name == d.exchange; });
        sources_.erase(d.exchange);
    }

    proto::field_table queue_arguments(bool quorum, bool& valid)
    {
        proto::field_table t;
        valid = true;
        const int count = int(r_.below(3));
        for (int n = 0; n < count; ++n) {
            const int which = int(r_.below(quorum ? 5 : 7));
            const bool bad = r_.percent(12);
            if (bad) valid = false;
            switch (which) {
            case 0:
                if (bad) t.set("x-max-length", r_.percent(50) ? proto::field_value(std::int32_t(-1)) : proto::field_value(std::string("two")));
                else t.set("x-max-length", std::int32_t(r_.between(1, 3)));
                break;
            case 1:
                t.set("x-overflow", std::string(bad ? "drop-tail" : r_.percent(50) ? "drop-head" : "reject-publish"));
                break;
            case 2:
                if (bad) t.set("x-dead-letter-exchange", std::int32_t(5));
                else t.set("x-dead-letter-exchange", exchanges_.empty() || r_.percent(20) ? std::string("@missing-x") : pick(exchanges_).name);
                break;
            case 3:
                if (quorum) {
                    if (bad) t.set("x-max-priority", std::int32_t(5));  // classic only
                    else t.set("x-delivery-limit", std::int32_t(r_.between(1, 3)));
                } else {
                    if (bad) t.set("x-max-priority", r_.percent(50) ? proto::field_value(std::int32_t(300)) : proto::field_value(std::string("high")));
                    else t.set("x-max-priority", std::int32_t(r_.between(1, 9)));
                }
                break;
            case 4:
                if (bad) t.set("x-expires", std::int32_t(0));
                else t.set("x-expires", std::int32_t(600000));
                break;
            case 5:
                if (bad) t.set("x-message-ttl", r_.percent(50) ? proto::field_value(std::int32_t(-5)) : proto::field_value(std::string("soon")));
                else t.set("x-message-ttl", std::int32_t(600000));
                break;
            default:
                t.set("x-dead-letter-routing-key", std::string(bad ? "" : "k1"));
                if (bad) valid = valid && true;
                break;
            }
        }
        return t;
    }

    void declare_queue(int i, int ch)
    {
        proto::queue_declare d;
        const int kind = int(r_.below(100));
        channel_model& c = chan(i, ch);
        if (kind < 55 || queues_.empty()) {
            const bool quorum = r_.percent(20);
            bool valid = true;
            d.queue = "@q" + std::to_string(++queue_count_);
            if (r_.percent(8) && !quorum) d.queue.clear();  // server-named
            if (quorum) {
                d.durable = true;
                d.arguments.set("x-queue-type", std::string("quorum"));
                for (const auto& [k, v] : queue_arguments(true, valid)) d.arguments.set(k, v);
                if (r_.percent(10)) {
                    valid = false;
                    if (r_.percent(50)) d.durable = false;
                    else d.exclusive = true;
                }
                if (r_.percent(3)) {
                    d.arguments.set("x-queue-type", std::string("stream"));
                    valid = false;
                }
            } else {
                d.durable = r_.percent(25);
                d.exclusive = d.queue.empty() || r_.percent(25);
                d.auto_delete = r_.percent(15);
                d.arguments = queue_arguments(false, valid);
                if (r_.percent(3)) {
                    d.arguments.set("x-queue-type", std::string("classic"));
                }
            }
            send(i, std::uint16_t(ch), d);
            if (!valid) {
                channel_closed(i, ch);
                return;
            }
            if (d.queue.empty()) d.queue = "server-named." + std::to_string(queue_count_);
            queues_.push_back({d.queue, quorum, d.durable, d.exclusive, d.auto_delete, i, d.arguments, 0});
            c.last_queue = d.queue;
            return;
        }
        if (kind < 80) {  // redeclare
            const queue_model& q = pick(queues_);
            if (q.name.starts_with("server-named")) return declare_queue_passive(i, ch);
            d.queue = q.name;
            d.durable = q.durable;
            d.exclusive = q.exclusive;
            d.auto_delete = q.auto_delete;
            d.arguments = q.arguments;
            bool differs = false;
            if (r_.percent(35)) {
                differs = true;
                const int what = int(r_.below(3));
                if (what == 0) d.durable = !d.durable;
                else if (what == 1) d.auto_delete = !d.auto_delete;
                else if (!d.arguments.empty() && !q.quorum) d.arguments.clear();
                else d.arguments.set("x-max-length", std::int32_t(77));
            }
            send(i, std::uint16_t(ch), d);
            if (queue_locked(q.name, i)) channel_closed(i, ch);
            else if (differs) channel_closed(i, ch);
            else c.last_queue = d.queue;
            return;
        }
        declare_queue_passive(i, ch);
    }

    void declare_queue_passive(int i, int ch)
    {
        proto::queue_declare d;
        d.passive = true;
        d.queue = some_queue(i, false);
        if (d.queue.starts_with("server-named")) d.queue.clear();
        send(i, std::uint16_t(ch), d);
        if (queue_missing(d.queue, i, ch) || queue_locked(d.queue, i)) channel_closed(i, ch);
        else if (!d.queue.empty()) chan(i, ch).last_queue = d.queue;
    }

    // A queue reference for bind/consume/get/delete: the server-named queue is
    // referred to by the empty name, which means the channel's last declared queue.
    std::string queue_ref(int i, int ch, std::string& model_name)
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

    bool queue_error(const std::string& model_name, int i)
    {
        return model_name.empty() || !find_queue(model_name) || queue_locked(model_name, i);
    }

    void delete_queue(int i, int ch)
    {
        std::string model;
        proto::queue_delete d;
        d.queue = queue_ref(i, ch, model);
        if (model.starts_with("server-named") && d.queue.size()) model = d.queue;
        d.if_unused = r_.percent(25);
        d.if_empty = r_.percent(25);
        send(i, std::uint16_t(ch), d);
        queue_model* q = find_queue(model);
        if (d.queue.empty() && model.empty()) return channel_closed(i, ch);
        if (!q) return;  // delete of a missing queue is delete-ok
        if (queue_locked(model, i)) return channel_closed(i, ch);
        if (d.if_unused && q->consumers > 0) return channel_closed(i, ch);
        if (d.if_empty) {
            // The depth is not modelled: forget the queue either way.
            forget_queue(model);
            return;
        }
        forget_queue(model);
    }

    void forget_queue(const std::string& name)
    {
        std::erase_if(queues_, [&](const queue_model& q) { return q.name == name; });
    }

    void purge_queue(int i, int ch)
    {
        std::string model;
        proto::queue_purge p;
        p.queue = queue_ref(i, ch, model);
        send(i, std::uint16_t(ch), p);
        if (queue_error(model, i)) channel_closed(i, ch);
    }

    proto::field_table headers_binding()
    {
        proto::field_table t;
        t.set("x-match", std::string(r_.percent(50) ? "all" : "any"));
        t.set("h1", std::string("v1"));
        if (r_.percent(50)) t.set("h2", std::string("v2"));
        return t;
    }

    void bind_queue(int i, int ch)
    {
        std::string model;
        proto::queue_bind b;
        b.queue = queue_ref(i, ch, model);
        b.exchange = r_.percent(3) ? "" : some_exchange();
        b.routing_key = binding_key();
        const exchange_model* x = find_exchange(b.exchange);
        if (x && x->type == "headers") b.arguments = headers_binding();
        send(i, std::uint16_t(ch), b);
        const bool builtin = b.exchange.starts_with("amq.");
        if (queue_error(model, i) || (!x && !builtin) || b.exchange.empty()) channel_closed(i, ch);
        else sources_[b.exchange]++;
    }

    void unbind_queue(int i, int ch)
    {
        std::string model;
        proto::queue_unbind u;
        u.queue = queue_ref(i, ch, model);
        u.exchange = some_exchange();
        u.routing_key = binding_key();
        send(i, std::uint16_t(ch), u);
        // RabbitMQ 3.10 answers unbind-ok even for missing queues, exchanges and bindings.
        if (queue_locked(model, i)) channel_closed(i, ch);
    }

    void bind_exchange(int i, int ch, bool unbind)
    {
        const std::string destination = some_exchange(false);
        const std::string source = some_exchange();
        const std::string key = binding_key();
        if (unbind) {
            send(i, std::uint16_t(ch), proto::exchange_unbind{0, destination, source, key, false, {}});
            return;
        }
        send(i, std::uint16_t(ch), proto::exchange_bind{0, destination, source, key, false, {}});
        const bool ok = find_exchange(destination) && (find_exchange(source) || source.starts_with("amq."));
        if (!ok) channel_closed(i, ch);
        else sources_[source]++;
    }

    proto::basic_properties properties()
    {
        proto::basic_properties p;
        if (r_.percent(40)) return p;
        if (r_.percent(40)) p.content_type = "text/plain";
        if (r_.percent(30)) p.delivery_mode = std::uint8_t(r_.percent(50) ? 2 : 1);
        if (r_.percent(25)) p.priority = std::uint8_t(r_.between(0, 9));
        if (r_.percent(20)) p.correlation_id = "corr-" + std::to_string(r_.between(1, 9));
        if (r_.percent(15)) p.reply_to = "reply";
        if (r_.percent(15)) p.expiration = r_.percent(85) ? "600000" : "soon";
        if (r_.percent(15)) p.message_id = "m" + std::to_string(r_.between(1, 99));
        if (r_.percent(10)) p.timestamp = proto::timestamp(std::chrono::seconds(1700000000 + r_.between(0, 1000)));
        if (r_.percent(10)) p.type = "t";
        if (r_.percent(10)) p.app_id = "differential";
        if (r_.percent(5)) p.user_id = r_.percent(50) ? "guest" : "someone-else";
        if (r_.percent(30)) {
            proto::field_table h;
            h.set("h1", std::string(r_.percent(70) ? "v1" : "other"));
            if (r_.percent(40)) h.set("h2", std::string("v2"));
            if (r_.percent(20)) h.set("n", std::int32_t(r_.between(-5, 5)));
            if (r_.percent(10)) h.set("nested", proto::field_table{{"a", true}});
            p.headers = std::move(h);
        }
        return p;
    }

    std::string body()
    {
        const int kind = int(r_.below(100));
        if (kind < 10) return "";
        if (kind < 15) return std::string(std::size_t(200000 + r_.between(0, 1000)), 'b');
        return "body-" + std::to_string(++body_count_);
    }

    void publish(int i, int ch)
    {
        proto::basic_publish p;
        const int target = int(r_.below(100));
        std::string to_queue;
        if (target < 35) {
            p.exchange = "";
            std::string model;
            to_queue = some_queue(i, false);
            if (to_queue.starts_with("server-named")) to_queue = "@unrouted";
            p.routing_key = to_queue;
        } else {
            p.exchange = some_exchange();
            p.routing_key = routing_key();
        }
        p.mandatory = r_.percent(30);
        outgoing o{std::uint16_t(ch), p, properties(), body(), {}};
        const bool missing_exchange = !p.exchange.empty() && !p.exchange.starts_with("amq.") && !find_exchange(p.exchange);
        const bool bad_property = (o.properties.expiration && *o.properties.expiration == "soon") ||
                                  (o.properties.user_id && *o.properties.user_id != "guest");
        std::vector<outgoing> frames{o};
        channel_model& c = chan(i, ch);
        // Without confirms, a synchronous method on the same channel after the publish
        // makes sure the broker has taken it before the next step goes elsewhere
        // (RabbitMQ's queues work asynchronously).
        if (!c.confirm && !c.tx && !missing_exchange && !bad_property) {
            frames.push_back({std::uint16_t(ch), proto::exchange_declare{0, "amq.direct", "direct", true, false, false, false, false, {}}, {}, {}, {}});
        }
        send(i, std::move(frames));
        if (missing_exchange || bad_property) return channel_closed(i, ch);
        for (int k = 1; k <= 3; ++k) {
            for (const consumer_model& consumer : chan(i, k).consumers) {
                (void)consumer;
                ++chan(i, k).deliveries;
            }
        }
    }

    void get(int i, int ch)
    {
        std::string model;
        proto::basic_get g;
        g.queue = queue_ref(i, ch, model);
        g.no_ack = r_.percent(30);
        send(i, std::uint16_t(ch), g);
        if (queue_error(model, i)) return channel_closed(i, ch);
        if (!g.no_ack) ++chan(i, ch).deliveries;
    }

    void consume(int i, int ch)
    {
        std::string model;
        proto::basic_consume b;
        b.queue = queue_ref(i, ch, model);
        channel_model& c = chan(i, ch);
        const bool reuse = !c.consumers.empty() && r_.percent(5);
        b.consumer_tag = reuse ? c.consumers.front().tag : r_.percent(10) ? "" : "c" + std::to_string(++consumer_count_);
        b.no_ack = r_.percent(30);
        b.exclusive = r_.percent(10);
        if (r_.percent(5)) b.arguments.set("x-priority", std::int32_t(r_.between(-1, 5)));
        send(i, std::uint16_t(ch), b);
        if (queue_error(model, i)) return channel_closed(i, ch);
        if (reuse) return connection_closed(i);  // 530 NOT_ALLOWED, reused tag
        queue_model* q = find_queue(model);
        if (q->quorum && c.global_qos) return channel_closed(i, ch);
        if (b.exclusive && q->consumers > 0) return channel_closed(i, ch);
        ++q->consumers;
        if (b.consumer_tag.empty()) b.consumer_tag = "server-tag";  // cannot be cancelled by name
        c.consumers.push_back({b.consumer_tag, model});
        if (!b.no_ack) c.deliveries += 3;
    }

    void cancel(int i, int ch)
    {
        channel_model& c = chan(i, ch);
        proto::basic_cancel b;
        std::vector<std::string> tags;
        for (const auto& k : c.consumers) {
            if (k.tag != "server-tag") tags.push_back(k.tag);
        }
        b.consumer_tag = tags.empty() || r_.percent(15) ? "no-such-tag" : pick(tags);
        send(i, std::uint16_t(ch), b);
        for (auto it = c.consumers.begin(); it != c.consumers.end(); ++it) {
            if (it->tag == b.consumer_tag) {
                const std::string queue = it->queue;
                c.consumers.erase(it);
                consumer_gone(queue);
                break;
            }
        }
    }

    void qos(int i, int ch)
    {
        proto::basic_qos q;
        q.prefetch_count = std::uint16_t(r_.between(0, 3));
        q.global = r_.percent(30);
        send(i, std::uint16_t(ch), q);
        if (q.global) chan(i, ch).global_qos = q.prefetch_count > 0;
    }

    void settle(int i, int ch)
    {
        channel_model& c = chan(i, ch);
        const int kind = int(r_.below(3));
        const bool multiple = r_.percent(35);
        std::uint64_t tag = 0;
        if (!(multiple && r_.percent(30))) tag = std::uint64_t(r_.between(1, std::max(1, c.deliveries + 1)));
        const bool requeue = r_.percent(60);
        if (kind == 0) send(i, std::uint16_t(ch), proto::basic_ack{tag, multiple});
        else if (kind == 1) send(i, std::uint16_t(ch), proto::basic_nack{tag, multiple, requeue});
        else send(i, std::uint16_t(ch), proto::basic_reject{tag, requeue});
        const bool zero_ok = tag == 0 && multiple && kind != 2;
        if (!zero_ok && (int(tag) > c.deliveries || c.deliveries == 0)) channel_closed(i, ch);
    }

    void recover(int i, int ch)
    {
        send(i, std::uint16_t(ch), proto::basic_recover{!r_.percent(10)});
    }

    void transaction(int i, int ch)
    {
        channel_model& c = chan(i, ch);
        const int kind = int(r_.below(3));
        if (kind == 0 || (!c.tx && r_.percent(70))) {
            send(i, std::uint16_t(ch), proto::tx_select{});
            if (c.confirm) return channel_closed(i, ch);
            c.tx = true;
            return;
        }
        if (kind == 1) send(i, std::uint16_t(ch), proto::tx_commit{});
        else send(i, std::uint16_t(ch), proto::tx_rollback{});
        if (!c.tx) channel_closed(i, ch);
    }

    void confirm(int i, int ch)
    {
        channel_model& c = chan(i, ch);
        send(i, std::uint16_t(ch), proto::confirm_select{false});
        if (c.tx) return channel_closed(i, ch);
        c.confirm = true;
    }

    void close_channel(int i, int ch)
    {
        send(i, std::uint16_t(ch), proto::channel_close{200, "bye", 0, 0});
        channel_closed(i, ch);
    }

    // The client closes a channel right behind a method that makes the broker close it.
    void crossing_close(int i, int ch)
    {
        proto::queue_declare d;
        d.queue = "@missing-q1";
        d.passive = true;
        send(i, {outgoing{std::uint16_t(ch), d, {}, {}, {}},
                 outgoing{std::uint16_t(ch), proto::channel_close{200, "bye", 0, 0}, {}, {}, {}}});
        channel_closed(i, ch);
    }

    void close_connection(int i)
    {
        send(i, 0, proto::connection_close{200, "Goodbye", 0, 0});
        connection_closed(i);
    }

    void disconnect(int i)
    {
        step s;
        s.what = step::kind::disconnect;
        s.connection = i;
        c_.steps.push_back(s);
        connection_closed(i);
    }

    void oddity(int i, int ch)
    {
        const int kind = int(r_.below(6));
        if (kind == 0) {  // a method on a channel never opened
            send(i, 5, proto::queue_declare{0, "@q-odd", false, false, true, false, false, {}});
        } else if (kind == 1) {  // above channel_max
            send(i, 3000, proto::channel_open{});
        } else if (kind == 2) {  // an unknown method id
            outgoing o;
            o.channel = std::uint16_t(ch);
            // type 1, channel, size 4, class 60 method 99, frame end
            o.raw = std::string("\x01\x00", 2) + char(ch) + std::string("\x00\x00\x00\x04\x00\x3c\x00\x63\xce", 9);
            send(i, {o});
        } else if (kind == 3) {  // a second channel.open
            send(i, std::uint16_t(ch), proto::channel_open{});
        } else if (kind == 4) {  // frames behind connection.close
            send(i, {outgoing{0, proto::connection_close{200, "Goodbye", 0, 0}, {}, {}, {}},
                     outgoing{std::uint16_t(ch), proto::basic_qos{0, 1, false}, {}, {}, {}}});
        } else {  // content without a method
            outgoing o;
            o.channel = std::uint16_t(ch);
            o.raw = std::string("\x03\x00", 2) + char(ch) + std::string("\x00\x00\x00\x02hi\xce", 7);
            send(i, {o});
        }
        connection_closed(i);
    }

    draw r_;
    generator_options options_;
    conversation c_;
    std::array<connection_model, max_connections> connections_;
    std::vector<queue_model> queues_;
    std::vector<exchange_model> exchanges_;
    std::map<std::string, int> sources_;
    int queue_count_ = 0;
    int exchange_count_ = 0;
    int consumer_count_ = 0;
    int body_count_ = 0;
};

}  // namespace

conversation generate(std::uint64_t seed, const generator_options& options)
{
    return conversation_builder(seed, options).build();
}

}  // namespace amqp::differential
