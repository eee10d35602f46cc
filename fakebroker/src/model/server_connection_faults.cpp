// Fault hooks of a connection and the faults the model performs itself (closes,
// swallowing, holding input or output back, cancelling consumers); the transport
// performs drops, stalls and split writes. Reached only while the fault engine is
// active: without rules every hook is one untaken branch.
#include "server_connection.hpp"

#include "broker_state.hpp"

#include <algorithm>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

namespace {

bool input_side(hook h) noexcept
{
    return h == hook::connection_accepted || h == hook::handshake || h == hook::frame_received ||
           h == hook::method_received || h == hook::method_handled;
}

// Hooks reached with no channel code on the stack: the model may change at once.
// Elsewhere (inside a delivery, a publish) closes and cancels wait for a safe point.
bool safe_point(hook h) noexcept
{
    return input_side(h) || h == hook::heartbeat_tick;
}

// Frames a fault sends itself (channel.close, connection.blocked...) pass no hooks.
class applying {
public:
    explicit applying(bool& flag) : flag_(flag), was_(flag) { flag_ = true; }
    ~applying() { flag_ = was_; }
    applying(const applying&) = delete;
    applying& operator=(const applying&) = delete;

private:
    bool& flag_;
    bool was_;
};

template <class M>
bool is(proto::method_key key) noexcept
{
    return key == M::key;
}

}  // namespace

void server_connection::take_hold()
{
    ++faults_.holds;
    broker_.faults().hold();
}

void server_connection::give_hold()
{
    if (faults_.holds == 0) return;
    --faults_.holds;
    broker_.faults().release();
}

void server_connection::accepted()
{
    if (!faults_active_) return;
    run_hook(hook::connection_accepted, 0, {});
    if (state_ == state::finished) return;
    const auto how = broker_.faults().take_refusal();
    if (!how) return;
    if (*how == refusal::at_accept) {
        faults_.output_end = 0;
        state_ = state::finished;
        if (transport_) transport_->drop(false);
        return;
    }
    faults_.refusing = how;
    take_hold();
}

server_connection::verdict server_connection::run_hook(hook point, std::uint16_t channel, proto::method_key key)
{
    if (faults_.applying || state_ == state::finished) return verdict::proceed;
    const std::vector<fault> faults = broker_.faults().evaluate({point, id_, name_, channel, key});
    verdict result = verdict::proceed;
    for (const fault& f : faults) {
        const verdict v = apply(f, point, channel, key);
        if (v == verdict::skip) result = verdict::skip;
        else if (v == verdict::hold && result == verdict::proceed) result = verdict::hold;
        if (state_ == state::finished) break;
    }
    return result;
}

server_connection::verdict server_connection::apply(const fault& f, hook point, std::uint16_t channel,
                                                     proto::method_key key)
{
    // A close names the method that caused it when there is one at hand, as RabbitMQ's do.
    const proto::method_key cause = input_side(point) ? key : proto::method_key{};
    const clock::time_point now = broker_.now();
    const bool safe = safe_point(point);
    switch (f.action) {
    case fault::kind::drop:
    case fault::kind::reset:
        // What was put in the output before this moment still goes (for a clean
        // close); nothing after it.
        faults_.output_end = std::min(faults_.output_end.value_or(output_.size()), output_.size());
        state_ = state::finished;
        if (transport_) transport_->drop(f.action == fault::kind::reset);
        return verdict::skip;
    case fault::kind::stall:
        stall(point, f.duration);
        return input_side(point) ? verdict::hold : verdict::proceed;
    case fault::kind::close_channel: {
        if (channel == 0) return verdict::proceed;
        if (safe) {
            applying guard(faults_.applying);
            close_channel_with(channel, f.reply_code, f.text, cause);
            return verdict::skip;
        }
        // Silent on that channel from now on; the close follows at a safe point.
        if (faults_.silenced_channels.insert(channel).second) take_hold();
        broker_.defer([&broker = broker_, id = id_, channel, code = f.reply_code, text = f.text] {
            auto it = broker.connections().find(id);
            if (it == broker.connections().end()) return;
            server_connection& c = *it->second;
            if (c.faults_.silenced_channels.erase(channel)) c.give_hold();
            applying guard(c.faults_.applying);
            c.close_channel_with(channel, code, text, {});
        });
        return verdict::skip;
    }
    case fault::kind::close_connection: {
        if (safe) {
            applying guard(faults_.applying);
            close_connection_with(f.reply_code, f.text, cause);
            return verdict::skip;
        }
        if (!faults_.silenced) {
            faults_.silenced = true;
            take_hold();
        }
        broker_.defer([&broker = broker_, id = id_, code = f.reply_code, text = f.text] {
            auto it = broker.connections().find(id);
            if (it == broker.connections().end()) return;
            server_connection& c = *it->second;
            if (c.faults_.silenced) {
                c.faults_.silenced = false;
                c.give_hold();
            }
            applying guard(c.faults_.applying);
            c.close_connection_with(code, text, {});
        });
        return verdict::skip;
    }
    case fault::kind::swallow:
        return verdict::skip;
    case fault::kind::delay:
        if (input_side(point)) {
            pause_input(now + f.duration);
            return verdict::hold;
        }
        hold_output(now + f.duration);
        return verdict::proceed;
    case fault::kind::split_writes:
        if (transport_) transport_->split_writes(static_cast<std::size_t>(f.amount));
        return verdict::proceed;
    case fault::kind::block: {
        applying guard(faults_.applying);
        set_blocked(true, f.text);
        if (f.duration.count() > 0 && transport_) {
            transport_->after(f.duration, [this] {
                applying guard(faults_.applying);
                set_blocked(false, {});
            });
        }
        return verdict::proceed;
    }
    case fault::kind::unblock: {
        applying guard(faults_.applying);
        set_blocked(false, {});
        return verdict::proceed;
    }
    case fault::kind::cancel_consumer: {
        std::string tag = f.consumer_tag.empty() ? std::string(faults_.consumer_tag) : f.consumer_tag;
        if (safe) {
            cancel_consumer(channel, tag);
            return verdict::proceed;
        }
        broker_.defer([&broker = broker_, id = id_, channel, tag = std::move(tag)] {
            auto it = broker.connections().find(id);
            if (it != broker.connections().end()) it->second->cancel_consumer(channel, tag);
        });
        return verdict::proceed;
    }
    case fault::kind::refuse_connections:
        // The engine counts refusals; accepted() applies them.
        return verdict::proceed;
    case fault::kind::restart:
        broker_.request_restart();
        return verdict::proceed;
    }
    return verdict::proceed;
}

void server_connection::stall(hook point, std::chrono::milliseconds d)
{
    (void)point;
    const clock::time_point now = broker_.now();
    const clock::time_point until = d.count() > 0 ? now + d : clock::time_point::max();
    faults_.stalled_until = faults_.stalled ? std::max(faults_.stalled_until, until) : until;
    faults_.stalled = true;
    // Nothing more is processed or written; the transport stops reading and ticking.
    pause_input(until);
    hold_output(until);
    if (!transport_) return;
    transport_->stall(true);
    if (until != clock::time_point::max()) {
        transport_->after(until - now, [this] {
            if (!faults_.stalled || broker_.now() < faults_.stalled_until) return;
            faults_.stalled = false;
            transport_->stall(false);
        });
    }
}

void server_connection::pause_input(clock::time_point until)
{
    if (!faults_.input_paused) {
        faults_.input_paused = true;
        faults_.input_paused_until = until;
        take_hold();
    } else {
        faults_.input_paused_until = std::max(faults_.input_paused_until, until);
    }
    if (transport_ && until != clock::time_point::max()) {
        transport_->after(until - broker_.now(), [this] {
            if (broker_.now() >= faults_.input_paused_until) resume_input();
        });
    }
}

void server_connection::resume_input()
{
    if (!faults_.input_paused) return;
    faults_.input_paused = false;
    give_hold();
    auto held = std::exchange(faults_.held, {});
    if (auto* f = std::get_if<held_frame>(&held)) {
        handle_frame(proto::frame_view{f->type, f->channel, f->payload});
    } else if (auto* c = std::get_if<held_command>(&held)) {
        dispatch(c->channel, c->command);
    }
    if (state_ != state::finished && !faults_.input_paused) process_frames();
    if (!faults_.input_paused && !faults_.paused_input.empty()) {
        proto::byte_buffer bytes;
        std::swap(bytes, faults_.paused_input);
        receive(bytes.data());
    }
}

void server_connection::hold_output(clock::time_point until)
{
    if (!faults_.output_hold) {
        faults_.output_hold = output_.size();
        faults_.output_hold_until = until;
    } else {
        faults_.output_hold_until = std::max(faults_.output_hold_until, until);
    }
    if (transport_ && until != clock::time_point::max()) {
        transport_->after(until - broker_.now(), [this] {
            if (broker_.now() >= faults_.output_hold_until) release_output();
        });
    }
}

void server_connection::release_output()
{
    if (!faults_.output_hold) return;
    faults_.output_hold.reset();
    notify_output();
}

void server_connection::cancel_consumer(std::uint16_t channel, const std::string& tag)
{
    applying guard(faults_.applying);
    if (channel != 0) {
        if (auto it = channels_.find(channel); it != channels_.end()) it->second->cancel_consumer_by_broker(tag);
        return;
    }
    for (auto& [number, ch] : channels_) {
        if (ch->cancel_consumer_by_broker(tag)) return;
    }
}

server_connection::verdict server_connection::frame_hook(const proto::frame_view& frame)
{
    proto::method_key key{};
    if (frame.type == proto::frame_type::method && frame.payload.size() >= 4) {
        const auto* p = frame.payload.data();
        key.class_id = static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
        key.method_id = static_cast<std::uint16_t>((std::to_integer<unsigned>(p[2]) << 8) | std::to_integer<unsigned>(p[3]));
    }
    return run_hook(hook::frame_received, frame.channel, key);
}

server_connection::verdict server_connection::method_hook(std::uint16_t channel, proto::command& c)
{
    const proto::method_key key = proto::key_of(c.method);
    // A close is on its way: what arrives meanwhile is ignored, as after the close.
    if (faults_.silenced || (channel != 0 && faults_.silenced_channels.count(channel))) return verdict::skip;
    verdict v = verdict::proceed;
    if (channel == 0 && (is<proto::connection_start_ok>(key) || is<proto::connection_tune_ok>(key) ||
                         is<proto::connection_open>(key))) {
        v = run_hook(hook::handshake, 0, key);
    }
    if (v == verdict::proceed) v = run_hook(hook::method_received, channel, key);
    if (v == verdict::proceed && faults_.refusing && refuse_in_handshake(c.method)) v = verdict::skip;
    return v;
}

bool server_connection::refuse_in_handshake(const proto::method& m)
{
    const refusal how = *faults_.refusing;
    applying guard(faults_.applying);
    if (const auto* ok = std::get_if<proto::connection_start_ok>(&m); ok && how == refusal::access_refused) {
        faults_.refusing.reset();
        give_hold();
        close_connection_with(static_cast<std::uint16_t>(reply_code::access_refused),
                              "ACCESS_REFUSED - Login was refused using authentication mechanism " + ok->mechanism +
                                  ". For details see the broker logfile.",
                              {});
        return true;
    }
    if (const auto* open = std::get_if<proto::connection_open>(&m); open && how == refusal::not_allowed) {
        faults_.refusing.reset();
        give_hold();
        close_connection_with(static_cast<std::uint16_t>(reply_code::not_allowed),
                              "NOT_ALLOWED - access to vhost '" + open->virtual_host + "' refused for user '" +
                                  user_ + "'",
                              proto::connection_open::key);
        return true;
    }
    return false;
}

void server_connection::handled_hook(std::uint16_t channel, proto::method_key key)
{
    if (!faults_active_) return;
    run_hook(hook::method_handled, channel, key);
}

server_connection::verdict server_connection::before_send(std::uint16_t channel, proto::method_key key)
{
    if (faults_.applying || state_ == state::finished) return verdict::proceed;
    if (faults_.silenced || (channel != 0 && faults_.silenced_channels.count(channel))) return verdict::skip;
    return run_hook(hook::before_method_sent, channel, key);
}

void server_connection::after_send(std::uint16_t channel, proto::method_key key)
{
    run_hook(hook::after_method_sent, channel, key);
    notify_output();
}

void server_connection::delivered(std::uint16_t channel, proto::method_key key, std::string_view consumer_tag)
{
    faults_.consumer_tag = consumer_tag;
    run_hook(hook::message_delivered, channel, key);
    faults_.consumer_tag = {};
}

void server_connection::enqueued_slow(std::uint16_t channel)
{
    run_hook(hook::message_enqueued, channel, proto::basic_publish::key);
}

void server_connection::tick_hook()
{
    run_hook(hook::heartbeat_tick, 0, {});
}

}  // namespace amqp::fakebroker
