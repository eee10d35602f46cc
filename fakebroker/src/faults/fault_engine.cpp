#include "fault_engine.hpp"

#include "fault_kinds.hpp"
#include "method_names.hpp"

#include <algorithm>
#include <stdexcept>

namespace amqp::fakebroker {

std::uint64_t fault_engine::add(fault_rule rule)
{
    if (auto problem = rule.problem()) throw std::invalid_argument(*problem);
    entry e;
    e.status.id = next_id_++;
    if (const auto& name = rule.method_name()) e.method = *method_key_of(*name);
    e.needs_channel = std::any_of(rule.actions().begin(), rule.actions().end(),
                                  [](const fault& f) { return info_of(f.action).needs_channel; });
    e.status.rule = std::move(rule);
    rules_.push_back(std::move(e));
    update_active();
    return rules_.back().status.id;
}

bool fault_engine::remove(std::uint64_t id)
{
    const auto it = std::find_if(rules_.begin(), rules_.end(), [id](const entry& e) { return e.status.id == id; });
    if (it == rules_.end()) return false;
    rules_.erase(it);
    update_active();
    return true;
}

void fault_engine::clear()
{
    rules_.clear();
    refusals_.clear();
    fired_.clear();
    update_active();
}

std::vector<fault_rule_status> fault_engine::rules() const
{
    std::vector<fault_rule_status> out;
    out.reserve(rules_.size());
    for (const auto& e : rules_) out.push_back(e.status);
    return out;
}

void fault_engine::set_chaos(std::optional<chaos_options> chaos)
{
    if (chaos) {
        if (auto problem = chaos->problem()) throw std::invalid_argument(*problem);
        chaos_hooks_ = 0;
        for (hook h : chaos->hooks) chaos_hooks_ |= hook_bit(h);
        if (chaos->hooks.empty()) chaos_hooks_ = ~std::uint32_t(0);
        random_.seed(chaos->seed);
        chaos_events_ = 0;
        chaos_fired_ = 0;
        if (log_) log_("fault chaos: seed " + std::to_string(chaos->seed));
    }
    chaos_ = std::move(chaos);
    update_active();
}

void fault_engine::hold() noexcept
{
    ++holds_;
    update_active();
}

void fault_engine::release() noexcept
{
    if (holds_ > 0) --holds_;
    update_active();
}

void fault_engine::update_active() noexcept
{
    const bool rules_live =
        std::any_of(rules_.begin(), rules_.end(), [](const entry& e) { return !e.status.exhausted; });
    active_ = rules_live || chaos_ || !refusals_.empty() || holds_ > 0;
}

bool fault_engine::matches(const entry& r, const fault_event& e)
{
    const fault_rule& rule = r.status.rule;
    if (rule.when() != e.point) return false;
    if (rule.connection_index() && *rule.connection_index() != e.connection) return false;
    if (rule.connection_name() && *rule.connection_name() != e.connection_name) return false;
    if (rule.channel_number() && *rule.channel_number() != e.channel) return false;
    if (rule.method_name() && !(r.method == e.method)) return false;
    // A channel close needs a channel: connection-level events do not count.
    if (r.needs_channel && e.channel == 0) return false;
    return true;
}

bool fault_engine::selected(const fault_rule& rule, std::uint64_t matched)
{
    const std::uint64_t n = rule.count();
    switch (rule.counting()) {
    case fault_rule::count_mode::each: return true;
    case fault_rule::count_mode::nth: return matched == n;
    case fault_rule::count_mode::every: return matched % n == 0;
    case fault_rule::count_mode::after: return matched > n;
    case fault_rule::count_mode::first: return matched <= n;
    }
    return false;
}

std::vector<fault> fault_engine::evaluate(const fault_event& e)
{
    std::vector<fault> out;
    bool exhausted_one = false;
    for (entry& r : rules_) {
        if (r.status.exhausted || !matches(r, e)) continue;
        const std::uint64_t matched = ++r.status.matched;
        if (!selected(r.status.rule, matched)) continue;
        ++r.status.fired;
        const std::uint64_t limit = r.status.rule.limit();
        if (limit != 0 && r.status.fired >= limit) {
            r.status.exhausted = true;
            exhausted_one = true;
        }
        const auto& actions = r.status.rule.actions();
        out.insert(out.end(), actions.begin(), actions.end());
        record(e, r.status.id, r.status.rule.name(), matched, actions, std::nullopt);
    }
    if (chaos_ && (chaos_hooks_ & hook_bit(e.point))) chaos_pick(e, out);
    for (const fault& f : out) {
        if (const auto decided = info_of(f.action).decided) decided(*this, f);
    }
    if (exhausted_one) update_active();
    return out;
}

void fault_engine::chaos_pick(const fault_event& e, std::vector<fault>& out)
{
    const chaos_options& c = *chaos_;
    const std::uint64_t event = ++chaos_events_;
    if (c.max_faults != 0 && chaos_fired_ >= c.max_faults) return;
    // One draw per event, whatever it picks: the sequence depends on events alone.
    const double u = unit();
    double cumulative = 0;
    const fault_kind_info* picked = nullptr;
    for (const fault_kind_info& k : fault_kinds()) {
        if (!k.odds) continue;
        const double p = c.*k.odds;
        if (p <= 0 || !fault_applies(k.kind, e.point)) continue;
        if (k.needs_channel && e.channel == 0) continue;
        cumulative += p;
        if (u < cumulative) {
            picked = &k;
            break;
        }
    }
    if (!picked) return;
    chaos_draws draws{random_, c};
    const fault f = picked->chaos ? picked->chaos(draws) : fault::of(picked->kind);
    ++chaos_fired_;
    out.push_back(f);
    record(e, 0, "chaos", event, {f}, c.seed);
}

void fault_engine::record(const fault_event& e, std::uint64_t rule_id, const std::string& rule_name,
                          std::uint64_t count, std::vector<fault> actions, std::optional<std::uint64_t> seed)
{
    fired_fault f;
    f.sequence = fired_.size() + 1;
    f.rule_id = rule_id;
    f.rule_name = rule_name;
    f.point = e.point;
    f.connection = e.connection;
    f.connection_name = std::string(e.connection_name);
    f.channel = e.channel;
    f.method = std::string(method_name_of(e.method));
    f.count = count;
    f.seed = seed;
    f.actions = std::move(actions);
    fired_.push_back(std::move(f));
    if (log_) log_(fired_.back().describe());
}

void fault_engine::refuse(std::uint64_t count, refusal how)
{
    if (count == 0) return;
    refusals_.push_back({count, how});
    update_active();
}

std::optional<refusal> fault_engine::take_refusal()
{
    if (refusals_.empty()) return std::nullopt;
    const refusal how = refusals_.front().how;
    if (--refusals_.front().count == 0) {
        refusals_.pop_front();
        update_active();
    }
    return how;
}

}  // namespace amqp::fakebroker
