#pragma once

// Fault injection: rules that strike at protocol moments ("drop the connection after
// the 3rd basic.publish on channel 1"), and a seeded chaos mode. See docs/faults.md.
//
//   broker.add_fault(fault_rule::on(hook::method_received)
//                        .method("basic.ack")
//                        .nth(3)
//                        .then(fault::close_channel(406, "PRECONDITION_FAILED - injected")));

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {

// Where in a connection's life a rule is checked.
enum class hook : std::uint8_t {
    connection_accepted,  // a TCP/TLS connection accepted, or a pipe attached; nothing read yet
    handshake,  // connection.start-ok, tune-ok or open received, before it is handled
    frame_received,  // any frame, heartbeats included, before it is handled
    method_received,  // a whole method (with its content), before it is handled
    method_handled,  // the same method, after it was handled (replies are in the output)
    before_method_sent,  // a method (with its content) about to be put in the output
    after_method_sent,  // the same, just put in the output
    heartbeat_tick,  // the connection's heartbeat timer fired (once heartbeats are on)
    message_enqueued,  // a published message entered a queue (once per queue; method basic.publish)
    message_delivered,  // a message went out as basic.deliver or basic.get-ok
};

std::string_view to_string(hook h) noexcept;
std::optional<hook> parse_hook(std::string_view name) noexcept;
std::span<const hook> all_hooks() noexcept;

// How refused connections are turned away.
enum class refusal : std::uint8_t {
    at_accept,  // the socket is closed before a byte is read
    access_refused,  // connection.close 403 ACCESS_REFUSED in reply to start-ok
    not_allowed,  // connection.close 530 NOT_ALLOWED in reply to connection.open
};

std::string_view to_string(refusal r) noexcept;
std::optional<refusal> parse_refusal(std::string_view name) noexcept;

// One thing a rule does when it fires. Build it with the factories.
struct fault {
    enum class kind : std::uint8_t {
        drop,  // close the connection cleanly (FIN) after writing what was sent before
        reset,  // close it abortively at once (RST; a pipe end's reset())
        stall,  // stop reading, writing and heartbeating; the socket stays open
        close_channel,  // channel.close with the code and text (only where there is a channel)
        close_connection,  // connection.close with the code and text
        swallow,  // a received frame or method is ignored; a frame to send is not sent
        delay,  // the frame and everything after it in the same direction waits
        split_writes,  // from now on the connection writes at most `amount` bytes at a time
        block,  // connection.blocked (to clients announcing the capability)
        unblock,  // connection.unblocked
        cancel_consumer,  // basic.cancel from the broker; the consumer is gone
        refuse_connections,  // turn away the next `amount` connections
        restart,  // broker::restart(): drop all, keep durable state
    };

    kind action = kind::drop;
    std::uint16_t reply_code = 0;  // close_channel, close_connection
    std::string text;  // their reply text, sent as is; block's reason
    std::chrono::milliseconds duration{0};  // delay; stall and block (0: until further notice)
    std::uint64_t amount = 0;  // split_writes: bytes per write; refuse_connections: count
    refusal how = refusal::at_accept;  // refuse_connections
    std::string consumer_tag;  // cancel_consumer; empty: the consumer at hand or the oldest

    // The action with every parameter at its default.
    static fault of(kind k)
    {
        fault f;
        f.action = k;
        return f;
    }

    static fault drop() { return of(kind::drop); }
    static fault reset() { return of(kind::reset); }
    static fault stall(std::chrono::milliseconds for_how_long = {});
    // An empty text becomes "<CODE NAME> - injected fault".
    static fault close_channel(std::uint16_t code, std::string text = {});
    static fault close_connection(std::uint16_t code, std::string text = {});
    static fault swallow() { return of(kind::swallow); }
    static fault delay(std::chrono::milliseconds d);
    static fault split_writes(std::uint64_t bytes);
    // With a duration, connection.unblocked follows after it.
    static fault block(std::string reason = "low on memory", std::chrono::milliseconds for_how_long = {});
    static fault unblock() { return of(kind::unblock); }
    static fault cancel_consumer(std::string tag = {});
    // Counts the connection being accepted when fired at its connection_accepted hook.
    static fault refuse_connections(std::uint64_t count, refusal how = refusal::at_accept);
    static fault restart() { return of(kind::restart); }

    // "close_channel(406, \"PRECONDITION_FAILED - x\")", "delay(200ms)", ...
    std::string describe() const;
    bool operator==(const fault&) const = default;
};

std::string_view to_string(fault::kind k) noexcept;
std::optional<fault::kind> parse_fault_kind(std::string_view name) noexcept;
// Whether an action makes sense at a hook (swallow needs a frame, close_channel a channel...).
bool fault_applies(fault::kind k, hook h) noexcept;

// When a rule fires, and what it does. A rule counts the events that match its hook
// and filters (over all connections unless it names one), and fires on the counts its
// count condition selects, at most `times` times: once by default, without limit for
// every/after/first. Rules are checked in the order they were added.
class fault_rule {
public:
    enum class count_mode : std::uint8_t { each, nth, every, after, first };

    static fault_rule on(hook h);

    // Filters. connection(n): the n-th connection accepted (1-based); connection(name):
    // the client-provided connection_name, or the peer address when none was given.
    fault_rule& connection(std::uint64_t index) &;
    fault_rule& connection(std::string name) &;
    fault_rule& channel(std::uint16_t number) &;
    // A method by its spec name, "basic.publish", "queue.declare-ok"; throws
    // std::invalid_argument naming an unknown one.
    fault_rule& method(std::string_view name) &;

    // Count conditions on the matching events: only the n-th, every n-th, each after
    // the n-th, each of the first n.
    fault_rule& nth(std::uint64_t n) &;
    fault_rule& every(std::uint64_t n) &;
    fault_rule& after(std::uint64_t n) &;
    fault_rule& first(std::uint64_t n) &;

    fault_rule& once() & { return times(1); }
    fault_rule& persistent() & { return times(0); }
    // Fires at most n times (0: no limit).
    fault_rule& times(std::uint64_t n) &;
    fault_rule& named(std::string name) &;
    // Adds an action; several run in order.
    fault_rule& then(fault f) &;

    // The same on a temporary, so a rule reads as one expression.
    fault_rule&& connection(std::uint64_t index) && { return std::move(connection(index)); }
    fault_rule&& connection(std::string name) && { return std::move(connection(std::move(name))); }
    fault_rule&& channel(std::uint16_t number) && { return std::move(channel(number)); }
    fault_rule&& method(std::string_view name) && { return std::move(method(name)); }
    fault_rule&& nth(std::uint64_t n) && { return std::move(nth(n)); }
    fault_rule&& every(std::uint64_t n) && { return std::move(every(n)); }
    fault_rule&& after(std::uint64_t n) && { return std::move(after(n)); }
    fault_rule&& first(std::uint64_t n) && { return std::move(first(n)); }
    fault_rule&& once() && { return std::move(once()); }
    fault_rule&& persistent() && { return std::move(persistent()); }
    fault_rule&& times(std::uint64_t n) && { return std::move(times(n)); }
    fault_rule&& named(std::string name) && { return std::move(named(std::move(name))); }
    fault_rule&& then(fault f) && { return std::move(then(std::move(f))); }

    hook when() const noexcept { return hook_; }
    std::optional<std::uint64_t> connection_index() const noexcept { return connection_index_; }
    const std::optional<std::string>& connection_name() const noexcept { return connection_name_; }
    std::optional<std::uint16_t> channel_number() const noexcept { return channel_; }
    const std::optional<std::string>& method_name() const noexcept { return method_; }
    count_mode counting() const noexcept { return count_mode_; }
    std::uint64_t count() const noexcept { return count_; }
    // The limit in force: the explicit one, else 1, or 0 (none) for every/after/first.
    std::uint64_t limit() const noexcept;
    const std::string& name() const noexcept { return name_; }
    const std::vector<fault>& actions() const noexcept { return actions_; }

    // Why the rule cannot work (no action, an action that does not apply at its hook,
    // a method filter on a hook without methods...); nullopt when it is fine.
    std::optional<std::string> problem() const;
    // "on method_received basic.ack nth 3: close_channel(406, ...)"
    std::string describe() const;

    bool operator==(const fault_rule&) const = default;

private:
    explicit fault_rule(hook h) : hook_(h) {}

    hook hook_;
    std::optional<std::uint64_t> connection_index_;
    std::optional<std::string> connection_name_;
    std::optional<std::uint16_t> channel_;
    std::optional<std::string> method_;
    count_mode count_mode_ = count_mode::each;
    std::uint64_t count_ = 0;
    std::optional<std::uint64_t> times_;
    std::string name_;
    std::vector<fault> actions_;
};

// A rule as the broker holds it.
struct fault_rule_status {
    std::uint64_t id = 0;
    fault_rule rule = fault_rule::on(hook::connection_accepted);
    std::uint64_t matched = 0;  // events that matched its hook and filters
    std::uint64_t fired = 0;
    bool exhausted = false;  // fired as often as allowed; it matches nothing more
};

// One fault that fired, for the log and for assertions.
struct fired_fault {
    std::uint64_t sequence = 0;  // 1-based, in firing order
    std::uint64_t rule_id = 0;  // 0: chaos
    std::string rule_name;  // "chaos" for chaos
    hook point = hook::connection_accepted;
    std::uint64_t connection = 0;  // index in accept order
    std::string connection_name;
    std::uint16_t channel = 0;
    std::string method;  // "" when the event has none
    std::uint64_t count = 0;  // the rule's match counter; chaos: the event number
    std::optional<std::uint64_t> seed;  // chaos only
    std::vector<fault> actions;

    // One log line: "fault #3 rule 2 ... at method_received basic.publish ...: drop".
    std::string describe() const;
    bool operator==(const fired_fault&) const = default;
};

// Seeded random faults: at each event of the chosen hooks one number is drawn from a
// std::mt19937_64 seeded with `seed`; each action's probability is its share of [0, 1)
// (actions that do not apply at the hook are skipped). The same seed and the same
// workload give the same faults at the same protocol moments.
struct chaos_options {
    std::uint64_t seed = 0;
    std::vector<hook> hooks;  // empty: every hook
    double drop = 0;
    double reset = 0;
    double stall = 0;
    double close_channel = 0;
    double close_connection = 0;
    double swallow = 0;
    double delay = 0;
    double split_writes = 0;
    double block = 0;
    double cancel_consumer = 0;
    double refuse_connections = 0;
    double restart = 0;
    // Drawn delays, stalls and blocks last 1 ms to max_delay.
    std::chrono::milliseconds max_delay{1000};
    // Stops after this many faults; 0: no limit.
    std::uint64_t max_faults = 0;

    // Why the options cannot work (a probability outside [0, 1], a sum over 1...).
    std::optional<std::string> problem() const;
    // Sets one action's probability from "ACTION=P" ("drop=0.01"), as --chaos takes it;
    // what is wrong with the spec when it cannot.
    std::optional<std::string> set_odds(std::string_view spec);
    bool operator==(const chaos_options&) const = default;
};

}  // namespace amqp::fakebroker
