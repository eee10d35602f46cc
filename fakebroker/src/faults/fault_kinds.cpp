// The fault kinds, one entry each: factories, parameters, description, hooks, chaos and
// what the kind does to a connection. See fault_kinds.hpp for what each field means.
#include "fault_kinds.hpp"

#include "fault_engine.hpp"

#include <amqp/protocol/constants.hpp>

#include <array>
#include <ostream>

namespace amqp::fakebroker {

namespace {

using std::chrono::milliseconds;
using verdict = fault_verdict;

constexpr std::uint64_t max_ms = 1'000'000'000;

// Hooks with a channel: not connection_accepted, handshake or heartbeat_tick.
constexpr std::uint32_t channel_hooks =
    ~(hook_bit(hook::connection_accepted) | hook_bit(hook::handshake) | hook_bit(hook::heartbeat_tick));

std::string injected_text(std::uint16_t code)
{
    std::string name(protocol::reply_code_name(static_cast<protocol::reply_code>(code)));
    return (name.empty() ? std::to_string(code) : name) + " - injected fault";
}

void complete_close(fault& f)
{
    if (f.text.empty()) f.text = injected_text(f.reply_code);
}

void describe_close(std::ostream& os, const fault& f) { os << '(' << f.reply_code << ", \"" << f.text << "\")"; }

constexpr fault_param close_params[] = {
    {.json = "code",
     .field = fault_field::reply_code,
     .missing = "needs \"code\" (an AMQP reply code such as 406 or 320)",
     .max = 65535},
    {.json = "text", .field = fault_field::text},
};

// drop: the connection ends cleanly after what was put in the output before the fault.
constexpr fault_kind_info drop_kind{
    .kind = fault::kind::drop,
    .name = "drop",
    .odds = &chaos_options::drop,
    .perform =
        [](fault_target& t, const fault&, const fault_site&) {
            t.end_connection(false);
            return verdict::skip;
        },
};

// reset: the socket is closed abortively at once.
constexpr fault_kind_info reset_kind{
    .kind = fault::kind::reset,
    .name = "reset",
    .odds = &chaos_options::reset,
    .perform =
        [](fault_target& t, const fault&, const fault_site&) {
            t.end_connection(true);
            return verdict::skip;
        },
};

// stall(ms): nothing more is read, handled or written, for ms or until the broker stops.
constexpr fault_param stall_params[] = {{.json = "ms", .field = fault_field::duration, .max = max_ms}};
constexpr fault_kind_info stall_kind{
    .kind = fault::kind::stall,
    .name = "stall",
    .params = stall_params,
    .describe =
        [](std::ostream& os, const fault& f) {
            if (f.duration.count() > 0) os << '(' << f.duration.count() << "ms)";
        },
    .odds = &chaos_options::stall,
    .chaos = [](chaos_draws& d) { return fault::stall(d.duration()); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site& s) {
            t.stall(f.duration);
            return s.input_side() ? verdict::hold : verdict::proceed;
        },
};

// close_channel(code, text): channel.close through the broker's channel-error path.
constexpr fault_kind_info close_channel_kind{
    .kind = fault::kind::close_channel,
    .name = "close_channel",
    .params = close_params,
    .describe = describe_close,
    .complete = complete_close,
    .hooks = channel_hooks,
    .elsewhere = "there is no channel there",
    .needs_channel = true,
    .odds = &chaos_options::close_channel,
    .chaos = [](chaos_draws& d) { return fault::close_channel(406, d.reason("PRECONDITION_FAILED")); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site& s) {
            if (s.channel == 0) return verdict::proceed;
            t.close_channel(s, f.reply_code, f.text);
            return verdict::skip;
        },
};

// close_connection(code, text): connection.close through the connection-error path.
constexpr fault_kind_info close_connection_kind{
    .kind = fault::kind::close_connection,
    .name = "close_connection",
    .params = close_params,
    .describe = describe_close,
    .complete = complete_close,
    .odds = &chaos_options::close_connection,
    .chaos = [](chaos_draws& d) { return fault::close_connection(320, d.reason("CONNECTION_FORCED")); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site& s) {
            t.close_connection(s, f.reply_code, f.text);
            return verdict::skip;
        },
};

// swallow: a received frame or method is ignored, a frame to send is not sent.
constexpr fault_kind_info swallow_kind{
    .kind = fault::kind::swallow,
    .name = "swallow",
    .hooks = hook_bit(hook::handshake) | hook_bit(hook::frame_received) | hook_bit(hook::method_received) |
             hook_bit(hook::before_method_sent),
    .elsewhere = "only received frames and frames to send can be swallowed",
    .odds = &chaos_options::swallow,
    .perform = [](fault_target&, const fault&, const fault_site&) { return verdict::skip; },
};

// delay(ms): the frame at hand and everything after it in the same direction waits.
constexpr fault_param delay_params[] = {
    {.json = "ms", .field = fault_field::duration, .missing = "needs \"ms\"", .max = max_ms}};
constexpr fault_kind_info delay_kind{
    .kind = fault::kind::delay,
    .name = "delay",
    .params = delay_params,
    .describe = [](std::ostream& os, const fault& f) { os << '(' << f.duration.count() << "ms)"; },
    .positive_duration = true,
    .odds = &chaos_options::delay,
    .chaos = [](chaos_draws& d) { return fault::delay(d.duration()); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site& s) {
            if (s.input_side()) {
                t.delay_input(f.duration);
                return verdict::hold;
            }
            t.delay_output(f.duration);
            return verdict::proceed;
        },
};

// split_writes(bytes): from now on at most this many bytes per write.
constexpr fault_param split_writes_params[] = {
    {.json = "bytes", .field = fault_field::amount, .missing = "needs \"bytes\""}};
constexpr fault_kind_info split_writes_kind{
    .kind = fault::kind::split_writes,
    .name = "split_writes",
    .params = split_writes_params,
    .describe = [](std::ostream& os, const fault& f) { os << '(' << f.amount << " bytes)"; },
    .needs_amount = "split_writes needs at least 1 byte",
    .odds = &chaos_options::split_writes,
    .chaos = [](chaos_draws& d) { return fault::split_writes(1 + d.below(16)); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site&) {
            t.split_writes(static_cast<std::size_t>(f.amount));
            return verdict::proceed;
        },
};

// block(reason, ms): connection.blocked, as a resource alarm; unblocked after ms if given.
constexpr fault_param block_params[] = {
    {.json = "reason", .field = fault_field::text, .text_fallback = "low on memory"},
    {.json = "ms", .field = fault_field::duration, .max = max_ms, .read_early = true},
};
constexpr fault_kind_info block_kind{
    .kind = fault::kind::block,
    .name = "block",
    .params = block_params,
    .describe =
        [](std::ostream& os, const fault& f) {
            os << "(\"" << f.text << '"';
            if (f.duration.count() > 0) os << ", " << f.duration.count() << "ms";
            os << ')';
        },
    .odds = &chaos_options::block,
    .chaos = [](chaos_draws& d) { return fault::block("chaos", d.duration()); },
    .perform =
        [](fault_target& t, const fault& f, const fault_site&) {
            t.block(f.text, f.duration);
            return verdict::proceed;
        },
};

// unblock: connection.unblocked, and reading resumes.
constexpr fault_kind_info unblock_kind{
    .kind = fault::kind::unblock,
    .name = "unblock",
    .perform =
        [](fault_target& t, const fault&, const fault_site&) {
            t.unblock();
            return verdict::proceed;
        },
};

// cancel_consumer(tag): basic.cancel from the broker, and the consumer is gone.
constexpr fault_param cancel_consumer_params[] = {
    {.json = "consumer_tag", .field = fault_field::consumer_tag, .printed_when_empty = false}};
constexpr fault_kind_info cancel_consumer_kind{
    .kind = fault::kind::cancel_consumer,
    .name = "cancel_consumer",
    .params = cancel_consumer_params,
    .describe =
        [](std::ostream& os, const fault& f) {
            if (!f.consumer_tag.empty()) os << "(\"" << f.consumer_tag << "\")";
        },
    .hooks = ~(hook_bit(hook::connection_accepted) | hook_bit(hook::handshake)),
    .elsewhere = "there is no channel there",
    .odds = &chaos_options::cancel_consumer,
    .perform =
        [](fault_target& t, const fault& f, const fault_site& s) {
            t.cancel_consumer(s, f.consumer_tag);
            return verdict::proceed;
        },
};

// refuse_connections(count, how): the engine turns the next connections away.
constexpr fault_param refuse_connections_params[] = {
    {.json = "count", .field = fault_field::amount, .fallback = 1},
    {.json = "how", .field = fault_field::how, .text_fallback = "at_accept", .read_early = true},
};
constexpr fault_kind_info refuse_connections_kind{
    .kind = fault::kind::refuse_connections,
    .name = "refuse_connections",
    .params = refuse_connections_params,
    .describe = [](std::ostream& os, const fault& f) { os << '(' << f.amount << ", " << to_string(f.how) << ')'; },
    .needs_amount = "refuse_connections needs a count of at least 1",
    .odds = &chaos_options::refuse_connections,
    .chaos =
        [](chaos_draws& d) {
            const auto how = static_cast<refusal>(d.below(3));
            return fault::refuse_connections(1 + d.below(3), how);
        },
    .decided = [](fault_engine& engine, const fault& f) { engine.refuse(f.amount, f.how); },
    // The connection being accepted is refused by connection_faults::accepted().
    .perform = [](fault_target&, const fault&, const fault_site&) { return verdict::proceed; },
};

// restart: broker::restart(); durable state stays.
constexpr fault_kind_info restart_kind{
    .kind = fault::kind::restart,
    .name = "restart",
    .odds = &chaos_options::restart,
    .perform =
        [](fault_target& t, const fault&, const fault_site&) {
            t.restart_broker();
            return verdict::proceed;
        },
};

constexpr std::array kinds{
    drop_kind,    reset_kind,        stall_kind, close_channel_kind, close_connection_kind, swallow_kind,
    delay_kind,   split_writes_kind, block_kind, unblock_kind,       cancel_consumer_kind,  refuse_connections_kind,
    restart_kind,
};

constexpr bool in_kind_order()
{
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (static_cast<std::size_t>(kinds[i].kind) != i || kinds[i].perform == nullptr) return false;
    }
    return static_cast<std::size_t>(fault::kind::restart) + 1 == kinds.size();
}
static_assert(in_kind_order(), "one entry per fault::kind, in its order, each with a perform function");

}  // namespace

std::span<const fault_kind_info> fault_kinds() noexcept { return kinds; }

const fault_kind_info& info_of(fault::kind k) noexcept { return kinds[static_cast<std::size_t>(k)]; }

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
    f.text = std::move(text);
    complete_close(f);
    return f;
}

fault fault::close_connection(std::uint16_t code, std::string text)
{
    fault f = of(kind::close_connection);
    f.reply_code = code;
    f.text = std::move(text);
    complete_close(f);
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

}  // namespace amqp::fakebroker
