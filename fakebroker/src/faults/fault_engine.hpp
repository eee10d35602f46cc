#pragma once

#include <amqp/fakebroker/faults.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {

// Something that happened at a hook point, as the rules see it.
struct fault_event {
    hook point = hook::connection_accepted;
    std::uint64_t connection = 0;  // index in accept order
    std::string_view connection_name;
    std::uint16_t channel = 0;
    protocol::method_key method{};  // {0, 0}: none
};

// Decides which faults strike at each event: the rules with their counters, the chaos
// PRNG, pending refusals and the log of what fired. Sans-I/O: it returns faults and
// performs none, so tests drive it with events alone.
class fault_engine {
public:
    using log_function = std::function<void(std::string_view line)>;

    // Where the log lines go (one per fired fault, one when chaos starts).
    void set_log(log_function log) { log_ = std::move(log); }

    // Throws std::invalid_argument with the rule's problem().
    std::uint64_t add(fault_rule rule);
    bool remove(std::uint64_t id);
    // Forgets the rules, the pending refusals and the fired log.
    void clear();
    std::vector<fault_rule_status> rules() const;
    const std::vector<fired_fault>& fired() const noexcept { return fired_; }

    // Starts (or with nullopt ends) chaos mode, seeding the PRNG. Throws
    // std::invalid_argument with the options' problem().
    void set_chaos(std::optional<chaos_options> chaos);
    const std::optional<chaos_options>& chaos() const noexcept { return chaos_; }

    // Whether hooks need to call evaluate() at all: the one branch on the hot path.
    bool active() const noexcept { return active_; }
    // The same flag by reference, for hooks that keep it at hand.
    const bool& active_flag() const noexcept { return active_; }
    // Fault state a connection still has to finish (a held frame, a pending close)
    // keeps the hooks on until released.
    void hold() noexcept;
    void release() noexcept;

    // The faults to apply at this event, in order; empty when none fires.
    std::vector<fault> evaluate(const fault_event& e);

    // refuse_connections: the next `count` connections are turned away `how`.
    void refuse(std::uint64_t count, refusal how);
    // Called once per accepted connection: how to refuse it, if at all.
    std::optional<refusal> take_refusal();

private:
    struct entry {
        fault_rule_status status;
        protocol::method_key method{};
        bool needs_channel = false;
    };
    struct refusals {
        std::uint64_t count;
        refusal how;
    };

    static bool matches(const entry& r, const fault_event& e);
    static bool selected(const fault_rule& rule, std::uint64_t matched);
    void chaos_pick(const fault_event& e, std::vector<fault>& out);
    void record(const fault_event& e, std::uint64_t rule_id, const std::string& rule_name, std::uint64_t count,
                std::vector<fault> actions, std::optional<std::uint64_t> seed);
    void update_active() noexcept;
    double unit() { return double(random_() >> 11) * 0x1.0p-53; }

    std::vector<entry> rules_;
    std::uint64_t next_id_ = 1;
    std::vector<fired_fault> fired_;
    std::optional<chaos_options> chaos_;
    std::uint32_t chaos_hooks_ = 0;  // a bit per hook
    std::mt19937_64 random_;
    std::uint64_t chaos_events_ = 0;
    std::uint64_t chaos_fired_ = 0;
    std::deque<refusals> refusals_;
    std::uint64_t holds_ = 0;
    bool active_ = false;
    log_function log_;
};

}  // namespace amqp::fakebroker
