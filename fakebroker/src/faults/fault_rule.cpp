// The public fault types: names, factories, the rule builder and its checks.
#include <amqp/fakebroker/faults.hpp>

#include "fault_kinds.hpp"
#include "method_names.hpp"

#include <array>
#include <sstream>
#include <stdexcept>

namespace amqp::fakebroker {

namespace {

constexpr std::array hooks{
    hook::connection_accepted, hook::handshake,          hook::frame_received,    hook::method_received,
    hook::method_handled,      hook::before_method_sent, hook::after_method_sent, hook::heartbeat_tick,
    hook::message_enqueued,    hook::message_delivered,
};

constexpr std::array<std::string_view, hooks.size()> hook_names{
    "connection_accepted", "handshake",         "frame_received", "method_received",  "method_handled",
    "before_method_sent",  "after_method_sent", "heartbeat_tick", "message_enqueued", "message_delivered",
};

constexpr std::array<std::string_view, 3> refusal_names{"at_accept", "access_refused", "not_allowed"};

bool has_method(hook h) noexcept { return h != hook::connection_accepted && h != hook::heartbeat_tick; }

bool has_channel(hook h) noexcept { return has_method(h) && h != hook::handshake; }

}  // namespace

std::string_view to_string(hook h) noexcept { return hook_names[static_cast<std::size_t>(h)]; }

std::optional<hook> parse_hook(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        if (hook_names[i] == name) return hooks[i];
    }
    return std::nullopt;
}

std::span<const hook> all_hooks() noexcept { return hooks; }

std::string_view to_string(refusal r) noexcept { return refusal_names[static_cast<std::size_t>(r)]; }

std::optional<refusal> parse_refusal(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < refusal_names.size(); ++i) {
        if (refusal_names[i] == name) return static_cast<refusal>(i);
    }
    return std::nullopt;
}

std::string_view to_string(fault::kind k) noexcept { return info_of(k).name; }

std::optional<fault::kind> parse_fault_kind(std::string_view name) noexcept
{
    for (const fault_kind_info& k : fault_kinds()) {
        if (k.name == name) return k.kind;
    }
    return std::nullopt;
}

bool fault_applies(fault::kind k, hook h) noexcept { return (info_of(k).hooks & hook_bit(h)) != 0; }

std::string fault::describe() const
{
    std::ostringstream os;
    const fault_kind_info& k = info_of(action);
    os << k.name;
    if (k.describe) k.describe(os, *this);
    return os.str();
}

fault_rule fault_rule::on(hook h) { return fault_rule(h); }

fault_rule& fault_rule::connection(std::uint64_t index) &
{
    connection_index_ = index;
    return *this;
}

fault_rule& fault_rule::connection(std::string name) &
{
    connection_name_ = std::move(name);
    return *this;
}

fault_rule& fault_rule::channel(std::uint16_t number) &
{
    channel_ = number;
    return *this;
}

fault_rule& fault_rule::method(std::string_view name) &
{
    if (!method_key_of(name)) {
        throw std::invalid_argument("unknown method '" + std::string(name) +
                                    "' (methods are named as in the spec: basic.publish, queue.declare-ok, ...)");
    }
    method_ = std::string(name);
    return *this;
}

fault_rule& fault_rule::nth(std::uint64_t n) &
{
    count_mode_ = count_mode::nth;
    count_ = n;
    return *this;
}

fault_rule& fault_rule::every(std::uint64_t n) &
{
    count_mode_ = count_mode::every;
    count_ = n;
    return *this;
}

fault_rule& fault_rule::after(std::uint64_t n) &
{
    count_mode_ = count_mode::after;
    count_ = n;
    return *this;
}

fault_rule& fault_rule::first(std::uint64_t n) &
{
    count_mode_ = count_mode::first;
    count_ = n;
    return *this;
}

fault_rule& fault_rule::times(std::uint64_t n) &
{
    times_ = n;
    return *this;
}

fault_rule& fault_rule::named(std::string name) &
{
    name_ = std::move(name);
    return *this;
}

fault_rule& fault_rule::then(fault f) &
{
    actions_.push_back(std::move(f));
    return *this;
}

std::uint64_t fault_rule::limit() const noexcept
{
    if (times_) return *times_;
    const bool repeating =
        count_mode_ == count_mode::every || count_mode_ == count_mode::after || count_mode_ == count_mode::first;
    return repeating ? 0 : 1;
}

std::optional<std::string> fault_rule::problem() const
{
    const std::string at = " at " + std::string(to_string(hook_));
    if (actions_.empty()) return "the rule has no action";
    if (connection_index_ && *connection_index_ == 0) return "connections are numbered from 1";
    if (method_ && !has_method(hook_)) return "a method filter never matches" + at + " (it has no method)";
    if (method_ && hook_ == hook::handshake && *method_ != "connection.start-ok" && *method_ != "connection.tune-ok" &&
        *method_ != "connection.open") {
        return "handshake only sees connection.start-ok, connection.tune-ok and connection.open, not " + *method_;
    }
    if (channel_ && !has_channel(hook_)) return "a channel filter never matches" + at + " (it has no channel)";
    if ((count_mode_ == count_mode::nth || count_mode_ == count_mode::every || count_mode_ == count_mode::first) &&
        count_ == 0) {
        return "nth, every and first count from 1";
    }
    for (const fault& f : actions_) {
        const fault_kind_info& k = info_of(f.action);
        const std::string name(k.name);
        if (!fault_applies(f.action, hook_))
            return name + " does not apply" + at + " (" + std::string(k.elsewhere) + ")";
        if (k.positive_duration && f.duration.count() <= 0) return name + " needs a positive duration";
        if (f.duration.count() < 0) return name + " needs a duration of at least 0";
        if (!k.needs_amount.empty() && f.amount == 0) return std::string(k.needs_amount);
    }
    return std::nullopt;
}

std::string fault_rule::describe() const
{
    std::ostringstream os;
    if (!name_.empty()) os << '"' << name_ << "\" ";
    os << "on " << to_string(hook_);
    if (method_) os << ' ' << *method_;
    if (connection_index_) os << " connection " << *connection_index_;
    if (connection_name_) os << " connection \"" << *connection_name_ << '"';
    if (channel_) os << " channel " << *channel_;
    switch (count_mode_) {
    case count_mode::each: break;
    case count_mode::nth: os << " nth " << count_; break;
    case count_mode::every: os << " every " << count_; break;
    case count_mode::after: os << " after " << count_; break;
    case count_mode::first: os << " first " << count_; break;
    }
    const std::uint64_t l = limit();
    if (l == 0) os << " (persistent)";
    else if (l > 1) os << " (at most " << l << " times)";
    os << ':';
    for (std::size_t i = 0; i < actions_.size(); ++i) os << (i ? ", " : " ") << actions_[i].describe();
    return os.str();
}

std::string fired_fault::describe() const
{
    std::ostringstream os;
    os << "fault #" << sequence;
    if (rule_id == 0) os << " chaos";
    else os << " rule " << rule_id;
    if (!rule_name.empty() && rule_id != 0) os << " \"" << rule_name << '"';
    if (seed) os << " seed " << *seed;
    os << " at " << to_string(point);
    if (!method.empty()) os << ' ' << method;
    os << " connection " << connection;
    if (!connection_name.empty()) os << " \"" << connection_name << '"';
    if (channel != 0) os << " channel " << channel;
    os << (rule_id == 0 ? " event " : " count ") << count << ':';
    for (std::size_t i = 0; i < actions.size(); ++i) os << (i ? ", " : " ") << actions[i].describe();
    return os.str();
}

std::optional<std::string> chaos_options::problem() const
{
    double sum = 0;
    for (const fault_kind_info& k : fault_kinds()) {
        if (!k.odds) continue;
        const double p = this->*k.odds;
        if (!(p >= 0 && p <= 1)) return "the probability of " + std::string(k.name) + " is not between 0 and 1";
        sum += p;
    }
    if (sum > 1 + 1e-9) return "the probabilities add up to more than 1";
    if (max_delay.count() < 1) return "max_delay must be at least 1 ms";
    return std::nullopt;
}

std::optional<std::string> chaos_options::set_odds(std::string_view spec)
{
    const auto eq = spec.find('=');
    const std::string_view name = spec.substr(0, eq);
    double p = -1;
    try {
        if (eq != std::string_view::npos) p = std::stod(std::string(spec.substr(eq + 1)));
    } catch (const std::exception&) {}
    if (eq == std::string_view::npos || !(p >= 0 && p <= 1))
        return "expected ACTION=PROBABILITY with a probability from 0 to 1, got '" + std::string(spec) + "'";
    for (const fault_kind_info& k : fault_kinds()) {
        if (k.odds && name == k.name) {
            this->*k.odds = p;
            return std::nullopt;
        }
    }
    return "unknown action '" + std::string(name) + "'";
}

}  // namespace amqp::fakebroker
