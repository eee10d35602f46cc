#include "connection_faults.hpp"

#include "model/broker_state.hpp"
#include "model/server_connection.hpp"

#include <algorithm>
#include <utility>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

namespace {

// Hooks reached with no channel code on the stack: the model may change at once.
// Elsewhere (inside a delivery, a publish) closes and cancels wait for take_actions().
bool safe_point(const fault_site& site) noexcept { return site.input_side() || site.point == hook::heartbeat_tick; }

// A close names the method that caused it when there is one at hand, as RabbitMQ's do.
proto::method_key cause_of(const fault_site& site) noexcept
{
    return site.input_side() ? site.key : proto::method_key{};
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

proto::method_key key_of_frame(const proto::frame_view& frame)
{
    proto::method_key key{};
    if (frame.type != proto::frame_type::method || frame.payload.size() < 4) return key;
    const auto* p = frame.payload.data();
    key.class_id = static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
    key.method_id =
        static_cast<std::uint16_t>((std::to_integer<unsigned>(p[2]) << 8) | std::to_integer<unsigned>(p[3]));
    return key;
}

}  // namespace

connection_faults::connection_faults(server_connection& connection, fault_engine& engine, std::uint64_t connection_id)
    : connection_(connection), engine_(engine), id_(connection_id)
{}

connection_faults::~connection_faults()
{
    while (holds_ > 0) give_hold();
}

void connection_faults::take_hold()
{
    ++holds_;
    engine_.hold();
}

void connection_faults::give_hold()
{
    if (holds_ == 0) return;
    --holds_;
    engine_.release();
}

void connection_faults::wake_at(clock::time_point t)
{
    if (t == clock::time_point::max()) return;
    actions_.wake_by(t);
    connection_.mark_ready();
}

void connection_faults::accepted()
{
    run_hook(hook::connection_accepted, 0, {});
    if (connection_.finished()) return;
    const auto how = engine_.take_refusal();
    if (!how) return;
    if (*how == refusal::at_accept) {
        output_end_ = 0;
        connection_.finish();
        actions_.drop = connection_actions::drop_kind::clean;
        return;
    }
    refusing_ = how;
    take_hold();
}

connection_faults::verdict connection_faults::run_hook(hook point, std::uint16_t channel, proto::method_key key)
{
    if (applying_ || connection_.finished()) return verdict::proceed;
    const std::vector<fault> faults = engine_.evaluate({point, id_, connection_.name(), channel, key});
    verdict result = verdict::proceed;
    for (const fault& f : faults) {
        const verdict v = info_of(f.action).perform(*this, f, {point, channel, key});
        if (v == verdict::skip) result = verdict::skip;
        else if (v == verdict::hold && result == verdict::proceed) result = verdict::hold;
        if (connection_.finished()) break;
    }
    return result;
}

void connection_faults::end_connection(bool abortive)
{
    // What was put in the output before this moment still goes (for a clean close);
    // nothing after it.
    const std::size_t size = connection_.output().size();
    output_end_ = std::min(output_end_.value_or(size), size);
    connection_.finish();
    if (actions_.drop == connection_actions::drop_kind::none) {
        actions_.drop = abortive ? connection_actions::drop_kind::abortive : connection_actions::drop_kind::clean;
    }
    connection_.mark_ready();
}

void connection_faults::delay_input(std::chrono::milliseconds d) { pause_input(connection_.broker().now() + d); }

void connection_faults::delay_output(std::chrono::milliseconds d) { hold_output(connection_.broker().now() + d); }

void connection_faults::close_channel(const fault_site& site, std::uint16_t code, const std::string& text)
{
    if (safe_point(site)) {
        applying guard(applying_);
        connection_.close_channel_with(site.channel, code, text, cause_of(site));
        return;
    }
    // Silent on that channel from now on; the close follows at a safe point.
    if (silenced_channels_.insert(site.channel).second) take_hold();
    deferred_.push_back({deferred::kind::close_channel, site.channel, code, text});
    connection_.mark_ready();
}

void connection_faults::close_connection(const fault_site& site, std::uint16_t code, const std::string& text)
{
    if (safe_point(site)) {
        applying guard(applying_);
        connection_.close_connection_with(code, text, cause_of(site));
        return;
    }
    if (!silenced_) {
        silenced_ = true;
        take_hold();
    }
    deferred_.push_back({deferred::kind::close_connection, 0, code, text});
    connection_.mark_ready();
}

void connection_faults::split_writes(std::size_t bytes)
{
    actions_.write_chunk = bytes;
    connection_.mark_ready();
}

void connection_faults::block(const std::string& reason, std::chrono::milliseconds d)
{
    applying guard(applying_);
    connection_.set_blocked(true, reason);
    if (d.count() > 0) {
        unblock_at_ = connection_.broker().now() + d;
        wake_at(*unblock_at_);
    }
}

void connection_faults::unblock()
{
    applying guard(applying_);
    connection_.set_blocked(false, {});
}

void connection_faults::cancel_consumer(const fault_site& site, const std::string& tag)
{
    std::string which = tag.empty() ? std::string(consumer_tag_) : tag;
    if (safe_point(site)) {
        applying guard(applying_);
        connection_.cancel_consumer(site.channel, which);
        return;
    }
    deferred_.push_back({deferred::kind::cancel_consumer, site.channel, 0, std::move(which)});
    connection_.mark_ready();
}

void connection_faults::restart_broker()
{
    actions_.restart_broker = true;
    connection_.mark_ready();
}

connection_actions connection_faults::take_actions()
{
    // What these run may defer more: it waits for the next round.
    for (auto& d : std::exchange(deferred_, {})) {
        applying guard(applying_);
        switch (d.action) {
        case deferred::kind::close_channel:
            if (silenced_channels_.erase(d.channel)) give_hold();
            connection_.close_channel_with(d.channel, d.reply_code, d.text, {});
            break;
        case deferred::kind::close_connection:
            if (silenced_) {
                silenced_ = false;
                give_hold();
            }
            connection_.close_connection_with(d.reply_code, d.text, {});
            break;
        case deferred::kind::cancel_consumer: connection_.cancel_consumer(d.channel, d.text); break;
        }
    }
    return std::exchange(actions_, {});
}

void connection_faults::stall(std::chrono::milliseconds d)
{
    const clock::time_point now = connection_.broker().now();
    const clock::time_point until = d.count() > 0 ? now + d : clock::time_point::max();
    stalled_until_ = stalled_ ? std::max(stalled_until_, until) : until;
    stalled_ = true;
    // Nothing more is processed or written; the host stops reading and writing.
    pause_input(until);
    hold_output(until);
    actions_.stall = true;
    wake_at(stalled_until_);
}

void connection_faults::pause_input(clock::time_point until)
{
    if (!input_paused_) {
        input_paused_ = true;
        input_paused_until_ = until;
        take_hold();
    } else {
        input_paused_until_ = std::max(input_paused_until_, until);
    }
    wake_at(input_paused_until_);
}

void connection_faults::resume_input()
{
    if (!input_paused_) return;
    input_paused_ = false;
    give_hold();
    auto held = std::exchange(held_, {});
    if (auto* f = std::get_if<held_frame>(&held)) {
        connection_.handle_frame(proto::frame_view{f->type, f->channel, f->payload});
    } else if (auto* c = std::get_if<held_command>(&held)) {
        connection_.dispatch(c->channel, c->command);
    }
    if (!connection_.finished() && !input_paused_) connection_.continue_input();
    if (!input_paused_ && !paused_input_.empty()) {
        proto::byte_buffer bytes;
        std::swap(bytes, paused_input_);
        connection_.feed(bytes.data());
    }
}

void connection_faults::hold_output(clock::time_point until)
{
    if (!output_hold_) {
        output_hold_ = connection_.output().size();
        output_hold_until_ = until;
    } else {
        output_hold_until_ = std::max(output_hold_until_, until);
    }
    wake_at(output_hold_until_);
}

std::optional<clock::time_point> connection_faults::tick(clock::time_point now)
{
    std::optional<clock::time_point> next;
    auto due = [&](clock::time_point t) {
        if (t != clock::time_point::max()) next = std::min(next.value_or(t), t);
    };
    if (stalled_) {
        if (now >= stalled_until_) {
            stalled_ = false;
            actions_.stall = false;
        } else {
            due(stalled_until_);
        }
    }
    if (input_paused_) {
        if (now >= input_paused_until_) resume_input();
        else due(input_paused_until_);
    }
    if (output_hold_) {
        if (now >= output_hold_until_) {
            output_hold_.reset();
            connection_.mark_ready();
        } else {
            due(output_hold_until_);
        }
    }
    if (unblock_at_) {
        if (now >= *unblock_at_) {
            unblock_at_.reset();
            applying guard(applying_);
            connection_.set_blocked(false, {});
        } else {
            due(*unblock_at_);
        }
    }
    return next;
}

std::size_t connection_faults::writable(std::size_t size) const noexcept
{
    std::size_t n = size;
    if (output_hold_ && *output_hold_ < n) n = *output_hold_;
    if (output_end_ && *output_end_ < n) n = *output_end_;
    return n;
}

bool connection_faults::nothing_to_write(std::size_t size) const noexcept
{
    // After a drop, what a delay still holds back is lost with the connection.
    return writable(size) == 0 && (!output_hold_ || output_end_);
}

void connection_faults::consumed(std::size_t n) noexcept
{
    if (output_hold_) *output_hold_ -= std::min(n, *output_hold_);
    if (output_end_) *output_end_ -= std::min(n, *output_end_);
}

connection_faults::verdict connection_faults::on_frame(const proto::frame_view& frame)
{
    const verdict v = run_hook(hook::frame_received, frame.channel, key_of_frame(frame));
    if (v == verdict::hold) held_ = held_frame{frame.type, frame.channel, {frame.payload.begin(), frame.payload.end()}};
    return v;
}

bool connection_faults::silenced(std::uint16_t channel) const
{
    return silenced_ || (channel != 0 && silenced_channels_.count(channel));
}

connection_faults::verdict connection_faults::on_command(std::uint16_t channel, proto::command& c)
{
    const proto::method_key key = proto::key_of(c.method);
    // A close is on its way: what arrives meanwhile is ignored, as after the close.
    if (silenced(channel)) return verdict::skip;
    verdict v = verdict::proceed;
    if (channel == 0 && (is<proto::connection_start_ok>(key) || is<proto::connection_tune_ok>(key) ||
                         is<proto::connection_open>(key))) {
        v = run_hook(hook::handshake, 0, key);
    }
    if (v == verdict::proceed) v = run_hook(hook::method_received, channel, key);
    if (v == verdict::proceed && refusing_ && refuse_in_handshake(c.method)) v = verdict::skip;
    if (v == verdict::hold) held_ = held_command{channel, std::move(c)};
    return v;
}

bool connection_faults::refuse_in_handshake(const proto::method& m)
{
    const refusal how = *refusing_;
    applying guard(applying_);
    if (const auto* ok = std::get_if<proto::connection_start_ok>(&m); ok && how == refusal::access_refused) {
        refusing_.reset();
        give_hold();
        connection_.close_connection_with(static_cast<std::uint16_t>(reply_code::access_refused),
                                          "ACCESS_REFUSED - Login was refused using authentication mechanism " +
                                              ok->mechanism + ". For details see the broker logfile.",
                                          {});
        return true;
    }
    if (const auto* open = std::get_if<proto::connection_open>(&m); open && how == refusal::not_allowed) {
        refusing_.reset();
        give_hold();
        connection_.close_connection_with(static_cast<std::uint16_t>(reply_code::not_allowed),
                                          "NOT_ALLOWED - access to vhost '" + open->virtual_host +
                                              "' refused for user '" + connection_.user_name() + "'",
                                          proto::connection_open::key);
        return true;
    }
    return false;
}

void connection_faults::handled(std::uint16_t channel, proto::method_key key)
{
    run_hook(hook::method_handled, channel, key);
}

connection_faults::verdict connection_faults::before_send(std::uint16_t channel, proto::method_key key)
{
    if (applying_ || connection_.finished()) return verdict::proceed;
    if (silenced(channel)) return verdict::skip;
    return run_hook(hook::before_method_sent, channel, key);
}

void connection_faults::after_send(std::uint16_t channel, proto::method_key key,
                                   std::optional<std::string_view> delivery)
{
    run_hook(hook::after_method_sent, channel, key);
    if (!delivery) return;
    consumer_tag_ = *delivery;
    run_hook(hook::message_delivered, channel, key);
    consumer_tag_ = {};
}

void connection_faults::enqueued(std::uint16_t channel)
{
    run_hook(hook::message_enqueued, channel, proto::basic_publish::key);
}

void connection_faults::heartbeat_tick() { run_hook(hook::heartbeat_tick, 0, {}); }

}  // namespace amqp::fakebroker
