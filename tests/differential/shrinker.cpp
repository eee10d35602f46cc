#include "shrinker.hpp"

#include <type_traits>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

class shrinker {
public:
    shrinker(const divergence_oracle& oracle, int max_runs) : oracle_(oracle), runs_left_(max_runs) {}

    bool test(const conversation& candidate)
    {
        if (runs_left_ <= 0) return false;
        --runs_left_;
        return oracle_(candidate);
    }

    bool exhausted() const { return runs_left_ <= 0; }

    // Drops every step of one connection.
    bool drop_connections(conversation& c)
    {
        bool progress = false;
        for (int conn = max_connections - 1; conn >= 1; --conn) {
            conversation candidate = c;
            std::erase_if(candidate.steps, [conn](const step& s) { return s.connection == conn; });
            if (candidate.steps.size() == c.steps.size()) continue;
            if (test(candidate)) {
                c = std::move(candidate);
                progress = true;
            }
        }
        return progress;
    }

    // Removes chunks of steps, halving the chunk size down to single steps.
    bool drop_steps(conversation& c)
    {
        bool progress = false;
        for (std::size_t chunk = std::max<std::size_t>(1, c.steps.size() / 2); chunk >= 1; chunk /= 2) {
            for (std::size_t at = 0; at < c.steps.size() && !exhausted();) {
                conversation candidate = c;
                const std::size_t end = std::min(c.steps.size(), at + chunk);
                candidate.steps.erase(candidate.steps.begin() + long(at), candidate.steps.begin() + long(end));
                if (test(candidate)) {
                    c = std::move(candidate);
                    progress = true;
                } else {
                    at += chunk;
                }
            }
            if (chunk == 1) break;
        }
        return progress;
    }

    bool drop_frames(conversation& c)
    {
        bool progress = false;
        for (std::size_t i = 0; i < c.steps.size(); ++i) {
            for (std::size_t f = 0; c.steps[i].frames.size() > 1 && f < c.steps[i].frames.size();) {
                conversation candidate = c;
                candidate.steps[i].frames.erase(candidate.steps[i].frames.begin() + long(f));
                if (test(candidate)) {
                    c = std::move(candidate);
                    progress = true;
                } else {
                    ++f;
                }
            }
        }
        return progress;
    }

    // Arguments tables, properties and bodies: each entry removed on its own.
    bool simplify_frames(conversation& c)
    {
        bool progress = false;
        for (std::size_t i = 0; i < c.steps.size(); ++i) {
            for (std::size_t f = 0; f < c.steps[i].frames.size(); ++f) {
                for (std::size_t k = 0;; ++k) {
                    conversation candidate = c;
                    outgoing& o = candidate.steps[i].frames[f];
                    if (!remove_argument(o.method, k)) break;
                    if (test(candidate)) {
                        c = std::move(candidate);
                        progress = true;
                        --k;
                    }
                }
                outgoing& o = c.steps[i].frames[f];
                if (o.properties != proto::basic_properties{}) {
                    conversation candidate = c;
                    candidate.steps[i].frames[f].properties = {};
                    if (test(candidate)) {
                        c = std::move(candidate);
                        progress = true;
                    }
                }
                if (c.steps[i].frames[f].body.size() > 8) {
                    conversation candidate = c;
                    candidate.steps[i].frames[f].body = "body";
                    if (test(candidate)) {
                        c = std::move(candidate);
                        progress = true;
                    }
                }
            }
        }
        return progress;
    }

private:
    // Removes the k-th entry of the method's arguments table; false when there is none.
    static bool remove_argument(proto::method& m, std::size_t k)
    {
        bool removed = false;
        std::visit(
            [&](auto& alternative) {
                using M = std::decay_t<decltype(alternative)>;
                M::fields(alternative, [&](std::string_view, auto& field) {
                    using F = std::decay_t<decltype(field)>;
                    if constexpr (std::is_same_v<F, proto::field_table>) {
                        if (removed || k >= field.size()) return;
                        const std::string key = (field.begin() + long(k))->first;
                        field.erase(key);
                        removed = true;
                    }
                });
            },
            m);
        return removed;
    }

    const divergence_oracle& oracle_;
    int runs_left_;
};

}  // namespace

conversation shrink(conversation c, const divergence_oracle& still_diverges, int max_runs)
{
    shrinker s(still_diverges, max_runs);
    bool progress = true;
    while (progress && !s.exhausted()) {
        progress = false;
        progress |= s.drop_connections(c);
        progress |= s.drop_steps(c);
        progress |= s.drop_frames(c);
        progress |= s.simplify_frames(c);
    }
    return c;
}

}  // namespace amqp::differential
