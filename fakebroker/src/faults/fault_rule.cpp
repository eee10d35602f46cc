// The public fault types: names, factories, the rule builder and its checks.
#include <amqp/fakebroker/faults.hpp>

#include "method_names.hpp"

#include <amqp/protocol/constants.hpp>

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

constexpr std::array<std::string_view, 13> kind_names{
    "drop",         "reset", "stall",   "close_channel",   "close_connection",   "swallow", "delay",
    "split_writes", "block", "unblock", "cancel_consumer", "refuse_connections", "restart",
};

constexpr std::array<std::string_view, 3> refusal_names{"at_accept", "access_refused", "not_allowed"};

bool has_method(hook h) noexcept { return h != hook::connection_accepted && h != hook::heartbeat_tick; }

bool has_channel(hook h) noexcept { return has_method(h) && h != hook::handshake; }

std::string default_text(std::uint16_t code)
{
    std::string name(protocol::reply_code_name(static_cast<protocol::reply_code>(code)));
    return (name.empty() ? std::to_string(code) : name) + " - injected fault";
}

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

std::string_view to_string(fault::kind k) noexcept { return kind_names[static_cast<std::size_t>(k)]; }

std::optional<fault::kind> parse_fault_kind(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < kind_names.size(); ++i) {
        if (kind_names[i] == name) return static_cast<fault::kind>(i);
    }
    return std::nullopt;
}

bool fault_applies(fault::kind k, hook h) noexcept
{
    switch (k) {
    case fault::kind::swallow:
        return h == hook::handshake || h == hook::frame_received || h == hook::method_received ||
               h == hook::before_method_sent;
    case fault::kind::close_channel: return has_channel(h);
    case fault::kind::cancel_consumer: return h != hook::connection_accepted && h != hook::handshake;
    default: return true;
    }
}

fault fault::stall(std::chrono::milliseconds for_how_long)
{
    fault f = of(kind::stall);
    f.duration = for_how_long;
    return f;
}

fault fault::close_channel(std::uint16_t code, std::string text)
{
    fault f = of(kind::close_channel);
    f.reply_code = code;
    f.text = text.empty() ? default_text(code) : std::move(text);
    return f;
}

fault fault::close_connection(std::uint16_t code, std::string text)
{
    fault f = of(kind::close_connection);
    f.reply_code = code;
    f.text = text.empty() ? default_text(code) : std::move(text);
    return f;
}

fault fault::delay(std::chrono::milliseconds d)
{
    fault f = of(kind::delay);
    f.duration = d;
    return f;
}

fault fault::split_writes(std::uint64_t bytes)
{
    fault f = of(kind::split_writes);
    f.amount = bytes;
    return f;
}

fault fault::block(std::string reason, std::chrono::milliseconds for_how_long)
{
    fault f = of(kind::block);
    f.text = std::move(reason);
    f.duration = for_how_long;
    return f;
}

fault fault::cancel_consumer(std::string tag)
{
    fault f = of(kind::cancel_consumer);
    f.consumer_tag = std::move(tag);
    return f;
}

fault fault::refuse_connections(std::uint64_t count, refusal how)
{
    fault f = of(kind::refuse_connections);
    f.amount = count;
    f.how = how;
    return f;
}

std::string fault::describe() const
{
    std::ostringstream os;
    os << to_string(action);
    switch (action) {
    case kind::close_channel:
    case kind::close_connection: os << '(' << reply_code << ", \"" << text << "\")"; break;
    case kind::delay: os << '(' << duration.count() << "ms)"; break;
    case kind::stall:
        if (duration.count() > 0) os << '(' << duration.count() << "ms)";
        break;
    case kind::split_writes: os << '(' << amount << " bytes)"; break;
    case kind::block:
        os << "(\"" << text << '"';
        if (duration.count() > 0) os << ", " << duration.count() << "ms";
        os << ')';
        break;
    case kind::cancel_consumer:
        if (!consumer_tag.empty()) os << "(\"" << consumer_tag << "\")";
        break;
    case kind::refuse_connections: os << '(' << amount << ", " << to_string(how) << ')'; break;
    default: break;
    }
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
        const std::string name(to_string(f.action));
        if (!fault_applies(f.action, hook_)) {
            return name + " does not apply" + at +
                   (f.action == fault::kind::swallow ? " (only received frames and frames to send can be swallowed)"
                                                     : " (there is no channel there)");
        }
        if (f.action == fault::kind::delay && f.duration.count() <= 0) return "delay needs a positive duration";
        if (f.duration.count() < 0) return name + " needs a duration of at least 0";
        if (f.action == fault::kind::split_writes && f.amount == 0) return "split_writes needs at least 1 byte";
        if (f.action == fault::kind::refuse_connections && f.amount == 0) {
            return "refuse_connections needs a count of at least 1";
        }
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

namespace {

// Each chaos action's probability, by the name --chaos and the JSON use.
constexpr std::array<std::pair<std::string_view, double chaos_options::*>, 12> chaos_odds{{
    {"drop", &chaos_options::drop},
    {"reset", &chaos_options::reset},
    {"stall", &chaos_options::stall},
    {"close_channel", &chaos_options::close_channel},
    {"close_connection", &chaos_options::close_connection},
    {"swallow", &chaos_options::swallow},
    {"delay", &chaos_options::delay},
    {"split_writes", &chaos_options::split_writes},
    {"block", &chaos_options::block},
    {"cancel_consumer", &chaos_options::cancel_consumer},
    {"refuse_connections", &chaos_options::refuse_connections},
    {"restart", &chaos_options::restart},
}};

}  // namespace

std::optional<std::string> chaos_options::problem() const
{
    double sum = 0;
    for (const auto& [name, field] : chaos_odds) {
        const double p = this->*field;
        if (!(p >= 0 && p <= 1)) return "the probability of " + std::string(name) + " is not between 0 and 1";
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
    for (const auto& [known, field] : chaos_odds) {
        if (name == known) {
            this->*field = p;
            return std::nullopt;
        }
    }
    return "unknown action '" + std::string(name) + "'";
}

}  // namespace amqp::fakebroker
