// The paired run: each step on the embedded broker, then on the second until it caught up; the lags between them.
#include "runner.hpp"

#include "transcript.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

// One side of a paired run: the sessions and what they recorded.
struct side {
    target& broker;
    transcript record;
    std::array<std::unique_ptr<session>, max_connections> sessions;
    std::string prefix;

    bool live(int i) const { return sessions[std::size_t(i)] && !sessions[std::size_t(i)]->done(); }

    // Sends the step; false when it is not sent (its connection has ended).
    bool apply(const step& s)
    {
        const auto i = std::size_t(s.connection);
        switch (s.what) {
        case step::kind::connect: {
            // A connection the generator believes closed that the server has not
            // closed yet (RabbitMQ may take its time): the client gives up on it.
            if (sessions[i]) end(s.connection);
            connection_record& r = record.connections[i];
            r.connected = true;
            ++r.connects;
            sessions[i] =
                std::make_unique<session>("guest", s.credentials == login::wrong_password ? "wrong-password" : "guest",
                                          s.credentials == login::unknown_vhost ? "no-such-vhost" : "/", r);
            broker.open(s.connection, *sessions[i]);
            sessions[i]->start();
            return true;
        }
        case step::kind::send:
            if (!live(s.connection)) return false;
            for (const outgoing& f : s.frames) sessions[i]->send(f, prefix);
            return true;
        case step::kind::disconnect:
            if (!sessions[i]) return false;
            end(s.connection);
            return true;
        }
        return false;
    }

    // The client closes the connection's socket.
    void end(int i)
    {
        broker.close(i);
        sessions[std::size_t(i)].reset();
    }

    // After a step: the client closes the sockets of connections that have ended.
    void reap()
    {
        for (int i = 0; i < max_connections; ++i) {
            auto& s = sessions[std::size_t(i)];
            if (s && s->done() && !s->has_output()) end(i);
        }
    }
};

void collect_names(const conversation& c, std::vector<std::string>& queues, std::vector<std::string>& exchanges,
                   std::string_view prefix)
{
    std::set<std::string> qs;
    std::set<std::string> xs;
    for (const step& s : c.steps) {
        for (const outgoing& f : s.frames) {
            if (auto* q = std::get_if<proto::queue_declare>(&f.method); q && q->queue.starts_with('@')) {
                qs.insert(with_prefix(q->queue, prefix));
            }
            if (auto* x = std::get_if<proto::exchange_declare>(&f.method); x && x->exchange.starts_with('@')) {
                xs.insert(with_prefix(x->exchange, prefix));
            }
        }
    }
    queues.assign(qs.begin(), qs.end());
    exchanges.assign(xs.begin(), xs.end());
}

// What an event is, without its arguments: enough to see that two streams have
// already parted (waiting for more on such a stream is pointless).
std::uint64_t shape(const event& e)
{
    if (e.what != event::kind::command) return 1 + std::uint64_t(e.what);
    return std::uint64_t(proto::key_of(e.command.method).packed()) << 8;
}

using lane_events = std::map<std::pair<std::uint16_t, int>, std::vector<const event*>>;

lane_events current_lanes(const connection_record& r)
{
    lane_events out;
    for (const auto& [channel, events] : r.channels) {
        for (const event& e : events) {
            if (e.incarnation == r.connects) out[{channel, lane_of(e)}].push_back(&e);
        }
    }
    return out;
}

}  // namespace

std::vector<lag> lags(const connection_record& first, const connection_record& second)
{
    std::vector<lag> out;
    if (first.connects != second.connects) return out;
    const lane_events mine = current_lanes(first);
    const lane_events theirs_all = current_lanes(second);
    static const std::vector<const event*> none;
    for (const auto& [lane, events] : mine) {
        const auto it = theirs_all.find(lane);
        const std::vector<const event*>& theirs = it == theirs_all.end() ? none : it->second;
        const std::size_t wanted = events.size();
        const std::size_t have = theirs.size();
        if (have >= wanted) continue;
        bool parted = false;
        for (std::size_t k = 0; k < have && !parted; ++k) parted = shape(*events[k]) != shape(*theirs[k]);
        if (parted) continue;
        out.push_back({lane.first, lane.second, have, wanted,
                       have + 1 == wanted && events.back()->what == event::kind::socket_closed});
    }
    return out;
}

namespace {

// A stream of the second broker, as play() waits for it.
struct stream_id {
    int connection;
    int incarnation;
    std::uint16_t channel;
    int lane;
    auto operator<=>(const stream_id&) const = default;
};

// The streams on which the second side has not caught up with the first (lags()),
// but for connections the second side can no longer hear from, a connection the
// server has closed (it sends nothing more but the socket's end), a socket close
// after the client's own close-ok once the grace period has ended, and streams given
// up on (`stalled`).
std::vector<stream_id> behind(const side& a, const side& b, clock::time_point grace_end,
                              const std::set<stream_id>& stalled)
{
    std::vector<stream_id> out;
    for (std::size_t i = 0; i < a.record.connections.size(); ++i) {
        const session* sb = b.sessions[i].get();
        if (!sb || sb->eof() || sb->broken()) continue;
        const connection_record& ra = a.record.connections[i];
        for (const lag& l : lags(ra, b.record.connections[i])) {
            const stream_id id{int(i), ra.connects, l.channel, l.lane};
            if (stalled.count(id)) continue;
            if (sb->done() && !l.only_socket_close_missing) continue;
            if (l.only_socket_close_missing && sb->closed_by_client() && clock::now() >= grace_end) continue;
            out.push_back(id);
        }
    }
    return out;
}

// What play() keeps between steps.
struct pairing {
    // Streams of the second broker that did not catch up within a step's timeout:
    // the divergence is recorded; waiting for them again at every later step would
    // only make the run slow.
    std::set<stream_id> stalled;
    run_result* result = nullptr;
};

// After a step: a divergence that the allowlist explains ends its connection on both
// brokers (the client closes the sockets), so that what would follow on it (a
// connection the one broker has closed and the other has not, a channel open on one
// and closed on the other) is not reported as a divergence of its own. A later connect
// step replaces the connection on both.
void end_explained(side& a, side& b, std::size_t index, pairing& p)
{
    bool any = false;
    for (int i = 0; i < max_connections; ++i) any = any || a.sessions[std::size_t(i)] || b.sessions[std::size_t(i)];
    if (!any) return;
    const auto found = compare(normalise(a.record, a.prefix), normalise(b.record, b.prefix));
    for (const divergence& d : found) {
        if (!d.ends_connection) continue;
        const int i = d.where.connection;
        if (d.where.incarnation != a.record.connections[std::size_t(i)].connects) continue;
        if (!a.sessions[std::size_t(i)] && !b.sessions[std::size_t(i)]) continue;
        if (a.sessions[std::size_t(i)]) a.end(i);
        if (b.sessions[std::size_t(i)]) b.end(i);
        p.result->ended.emplace_back(index, i);
    }
}

void play(side& a, side& b, const step& s, std::size_t index, const run_options& options, pairing& p)
{
    p.result->played_first.push_back(a.apply(s));
    a.broker.settle([] { return true; }, clock::now() + options.step_timeout, index);
    p.result->played_second.push_back(b.apply(s));
    const auto start = clock::now();
    const auto grace_end = start + options.close_grace;
    if (b.broker.immediate()) {
        b.broker.settle([] { return true; }, start + options.step_timeout, index);
    } else {
        // Every reply the first broker gave to the step (and a channel.close with the
        // client's close-ok to it, which the session answers at once on both) has
        // arrived on the second broker before the next step goes out, so that both
        // brokers see the same interleaving.
        b.broker.settle([&] { return behind(a, b, grace_end, p.stalled).empty(); }, start + options.step_timeout,
                        index);
        for (const stream_id& id : behind(a, b, grace_end, p.stalled)) p.stalled.insert(id);
    }
    a.reap();
    b.reap();
    end_explained(a, b, index, p);
}

}  // namespace

std::string make_prefix(std::uint64_t seed)
{
    static std::random_device random;
    static std::uint64_t counter = 0;
    char buffer[64];
    const auto now = std::uint64_t(std::chrono::system_clock::now().time_since_epoch().count());
    std::snprintf(buffer, sizeof buffer, "dt.%llu.%08x.", static_cast<unsigned long long>(seed),
                  unsigned(random() ^ now ^ (++counter * 0x9e3779b9u)));
    return buffer;
}

run_result run_pair(const conversation& c, target& first, target& second, const run_options& options)
{
    run_result result;
    result.prefix = make_prefix(c.seed);
    result.sent = c;
    side a{first, {}, {}, result.prefix};
    side b{second, {}, {}, result.prefix};
    pairing p;
    p.result = &result;

    std::vector<std::string> queues;
    std::vector<std::string> exchanges;
    collect_names(c, queues, exchanges, result.prefix);

    const auto run_all = [&] {
        for (std::size_t i = 0; i < c.steps.size(); ++i) play(a, b, c.steps[i], i, options, p);
        // The ending, from what the first broker has open: a synchronous barrier on
        // every open channel (frames the second broker sends beyond the first's are
        // caught before it), then connection.close.
        for (int i = 0; i < max_connections; ++i) {
            if (!a.live(i)) continue;
            const auto channels = a.sessions[std::size_t(i)]->open_channels();
            for (const std::uint16_t ch : channels) {
                step barrier;
                barrier.connection = i;
                barrier.frames.push_back(
                    {ch,
                     proto::exchange_declare{0, "amq.direct", "direct", true, false, false, false, false, {}},
                     {},
                     {},
                     {}});
                result.sent.steps.push_back(barrier);
                play(a, b, barrier, result.sent.steps.size() - 1, options, p);
            }
            if (!a.live(i)) continue;
            step close;
            close.connection = i;
            close.frames.push_back({0, proto::connection_close{200, "Goodbye", 0, 0}, {}, {}, {}});
            result.sent.steps.push_back(close);
            play(a, b, close, result.sent.steps.size() - 1, options, p);
        }
        for (int i = 0; i < max_connections; ++i) {
            if (a.sessions[std::size_t(i)]) first.close(i);
            if (b.sessions[std::size_t(i)]) second.close(i);
        }
    };
    try {
        run_all();
    } catch (...) {
        first.clean_up(queues, exchanges);
        second.clean_up(queues, exchanges);
        throw;
    }
    first.clean_up(queues, exchanges);
    second.clean_up(queues, exchanges);
    result.first = std::move(a.record);
    result.second = std::move(b.record);
    return result;
}

}  // namespace amqp::differential
