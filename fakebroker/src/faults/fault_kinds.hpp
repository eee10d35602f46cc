#pragma once

// What each fault kind is, written once: its name, its parameters (with their JSON names,
// defaults and checks), its description, the hooks it applies at, how chaos draws it, and
// what it does to a connection. The rules, the engine, the JSON forms and the connection
// layer all read this table; fault_kinds.cpp holds one entry per kind.

#include <amqp/fakebroker/faults.hpp>
#include <amqp/protocol/methods.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace amqp::fakebroker {

class fault_engine;

constexpr std::uint32_t hook_bit(hook h) noexcept { return std::uint32_t(1) << static_cast<unsigned>(h); }

// What the code around a hook does with the frame or method at hand.
enum class fault_verdict : std::uint8_t { proceed, skip, hold };

// Where a fault strikes.
struct fault_site {
    hook point = hook::connection_accepted;
    std::uint16_t channel = 0;
    protocol::method_key key{};

    // Accept, handshake, frame or method received, method handled.
    bool input_side() const noexcept
    {
        return point == hook::connection_accepted || point == hook::handshake || point == hook::frame_received ||
               point == hook::method_received || point == hook::method_handled;
    }
};

// The mechanisms of the connection-fault layer that the kinds are made of. Each takes
// care of where it strikes: a close or cancel inside the model's own work waits for a
// safe point, frames it sends pass no hooks.
class fault_target {
public:
    // Nothing after this moment is written; a clean close (FIN) or an abortive one (RST).
    virtual void end_connection(bool abortive) = 0;
    // Nothing is read, handled or written for d (0: until the broker stops).
    virtual void stall(std::chrono::milliseconds d) = 0;
    // The input at hand and all after it wait for d.
    virtual void delay_input(std::chrono::milliseconds d) = 0;
    // The output from here on waits for d.
    virtual void delay_output(std::chrono::milliseconds d) = 0;
    virtual void close_channel(const fault_site& site, std::uint16_t code, const std::string& text) = 0;
    virtual void close_connection(const fault_site& site, std::uint16_t code, const std::string& text) = 0;
    virtual void split_writes(std::size_t bytes) = 0;
    // connection.blocked; with a duration, connection.unblocked after it.
    virtual void block(const std::string& reason, std::chrono::milliseconds d) = 0;
    virtual void unblock() = 0;
    // An empty tag: the consumer of the delivery at hand, else the oldest one.
    virtual void cancel_consumer(const fault_site& site, const std::string& tag) = 0;
    virtual void restart_broker() = 0;

protected:
    ~fault_target() = default;
};

// A parameter as the fault struct keeps it.
enum class fault_field : std::uint8_t { duration, reply_code, text, amount, how, consumer_tag };

// One parameter of a kind in the JSON form. Numbers are non-negative integers up to
// `max`; text, how and consumer_tag are strings (how one of the refusal names).
struct fault_param {
    std::string_view json;
    fault_field field;
    std::string_view missing = {};  // set: the field is required, and this says so when it is absent
    std::uint64_t max = UINT64_MAX;
    std::uint64_t fallback = 0;  // a number's value when absent
    std::string_view text_fallback = {};  // a string's value when absent
    bool printed_when_empty = true;  // false: an empty string is left out of the JSON form
    bool read_early = false;  // read before the fields listed ahead of it: its error is reported first
};

// What chaos draws a fault's parameters from: the engine's generator and options.
struct chaos_draws {
    std::mt19937_64& random;
    const chaos_options& options;

    std::uint64_t below(std::uint64_t n) { return random() % n; }
    // 1 ms to max_delay.
    std::chrono::milliseconds duration()
    {
        return std::chrono::milliseconds(1 + std::int64_t(below(std::uint64_t(options.max_delay.count()))));
    }
    // "PRECONDITION_FAILED - chaos (seed 42)"
    std::string reason(std::string_view what) const
    {
        return std::string(what) + " - chaos (seed " + std::to_string(options.seed) + ")";
    }
};

struct fault_kind_info {
    fault::kind kind;
    std::string_view name;
    // In the order the JSON form lists them.
    std::span<const fault_param> params = {};
    // The arguments in describe(): "(406, \"...\")"; nullptr: none.
    void (*describe)(std::ostream& os, const fault& f) = nullptr;
    // Fills in what the parameters leave open (a close's default text).
    void (*complete)(fault& f) = nullptr;

    std::uint32_t hooks = ~std::uint32_t(0);  // a hook_bit() per hook it applies at
    std::string_view elsewhere = {};  // why it does not apply at the other hooks
    bool needs_channel = false;  // only events with a channel count for it
    bool positive_duration = false;  // a duration of 0 is refused
    std::string_view needs_amount = {};  // set: an amount of 0 is refused with this

    double chaos_options::*odds = nullptr;  // its probability in chaos; nullptr: chaos never picks it
    fault (*chaos)(chaos_draws& draws) = nullptr;  // its parameters in chaos; nullptr: the defaults

    // What the engine keeps of it once it fired (pending refusals); nullptr: nothing.
    void (*decided)(fault_engine& engine, const fault& f) = nullptr;
    // What it does to the connection, and what becomes of the frame or method at hand.
    fault_verdict (*perform)(fault_target& target, const fault& f, const fault_site& site) = nullptr;
};

// Every kind, in the order of fault::kind.
std::span<const fault_kind_info> fault_kinds() noexcept;
const fault_kind_info& info_of(fault::kind k) noexcept;

}  // namespace amqp::fakebroker
