#include "connection_state.hpp"

#include "channel_state.hpp"

#include <amqp/protocol/methods.hpp>

#include <asio/error.hpp>

namespace amqp::client::detail {
namespace {

// Unsent output above which publishers wait for the socket.
constexpr std::size_t high_watermark = 4 * 1024 * 1024;
constexpr std::size_t read_size = 64 * 1024;

close_info info_from(const protocol::connection_close& close)
{
    return close_info{close.reply_code, close.reply_text, close.class_id, close.method_id, true};
}

}  // namespace

connection_state::connection_state(asio::any_io_executor executor, connection_options options, client::environment env)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      env_(std::move(env)),
      reader_(protocol::frame_min_size),
      heartbeat_timer_(env_.clock->make_timer(executor_))
{}

connection_state::~connection_state() = default;

failure connection_state::closed_failure() const
{
    if (closed_failure_) return closed_failure_;
    return failure{errc::connection_closed, nullptr, nullptr};
}

void connection_state::start(std::unique_ptr<transport> t, completion<> done)
{
    transport_ = std::move(t);
    handshake_.emplace(options_);
    handshake_done_ = std::move(done);
    output_.append(protocol::protocol_header);
    last_read_ = last_write_ = clock().now();
    flush();
    read_some();
}

void connection_state::read_some()
{
    const auto buffer = reader_.prepare(read_size);
    transport_->async_read_some(
        asio::buffer(buffer.data(), buffer.size()),
        [self = shared_from_this()](std::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void connection_state::on_read(std::error_code ec, std::size_t n)
{
    if (state_ == state::closed) return;
    if (ec) {
        const bool during_handshake = state_ == state::handshake;
        close_info reason{0, during_handshake
                                 ? "the broker closed the connection during the handshake (" + ec.message() + ")"
                                 : "connection lost: " + ec.message()};
        // A broker without authentication_failure_close drops the socket after a bad start-ok.
        const std::error_code why =
            during_handshake ? std::error_code(errc::handshake_failed) : std::error_code(errc::connection_closed);
        finish(failure{why, std::make_shared<const close_info>(reason), nullptr}, reason);
        return;
    }
    reader_.commit(n);
    last_read_ = clock().now();
    // What the frames' handlers send (a consumer's reply and ack, a flow-ok) goes out in
    // one write after the loop, not one write each.
    handling_input_ = true;
    for (;;) {
        auto decoded = reader_.next();
        if (decoded.error) {
            protocol_violation(*decoded.error);
            return;
        }
        if (!decoded.frame) break;
        if (!handle_frame(*decoded.frame)) return;  // closed: finish() sent the last words
    }
    handling_input_ = false;
    flush();
    if (state_ != state::closed) read_some();
}

bool connection_state::handle_frame(const protocol::frame_view& frame)
{
    if (state_ == state::handshake) return handle_handshake_frame(frame);
    if (frame.type == protocol::frame_type::heartbeat) return true;
    if (frame.channel == 0) {
        if (frame.type != protocol::frame_type::method) {
            protocol_violation({protocol::reply_code::command_invalid, "content frame on channel 0"});
            return false;
        }
        auto m = protocol::decode_method(frame.payload);
        if (!m) {
            protocol_violation(m.error());
            return false;
        }
        handle_connection_method(*m);
        return state_ != state::closed;
    }
    if (frame.channel >= channels_.size() || !channels_[frame.channel]) {
        // Frames may still arrive for a channel we closed: only close-ok matters, and
        // that is handled by the channel before it is released.
        return true;
    }
    const auto keep = channels_[frame.channel];
    if (auto error = keep->on_frame(frame)) {
        protocol_violation(*error);
        return false;
    }
    return state_ != state::closed;
}

bool connection_state::handle_handshake_frame(const protocol::frame_view& frame)
{
    if (frame.type == protocol::frame_type::heartbeat) return true;
    if (frame.type != protocol::frame_type::method || frame.channel != 0) {
        protocol_violation({protocol::reply_code::unexpected_frame, "unexpected frame during the handshake"});
        return false;
    }
    auto m = protocol::decode_method(frame.payload);
    if (!m) {
        protocol_violation(m.error());
        return false;
    }
    for (const auto& reply : handshake_->on_method(*m)) protocol::encode_frame(output_, 0, reply);
    flush();
    if (const auto& failed = handshake_->failed()) {
        close_after_write_ = true;
        finish(*failed, *failed->info);
        return false;
    }
    if (handshake_->done()) {
        tuning_ = handshake_->negotiated();
        // The broker is dead after two silent intervals, as pika and the other clients judge.
        heartbeat_ =
            protocol::heartbeat_schedule::from_seconds(tuning_.heartbeat, protocol::heartbeat_timeout::two_intervals);
        server_properties_ = handshake_->server_properties();
        reader_.set_frame_max(tuning_.frame_max);
        channels_.resize(std::size_t(tuning_.channel_max == 0 ? 65535 : tuning_.channel_max) + 1);
        state_ = state::open;
        handshake_.reset();
        start_heartbeats();
        if (handshake_done_) std::exchange(handshake_done_, {})(failure{});
    }
    return true;
}

void connection_state::handle_connection_method(const protocol::method& m)
{
    if (const auto* close = std::get_if<protocol::connection_close>(&m)) {
        send(0, protocol::connection_close_ok{});
        close_after_write_ = true;
        const auto info = info_from(*close);
        finish(failure{errc::connection_closed, std::make_shared<const close_info>(info), nullptr}, info);
    } else if (std::holds_alternative<protocol::connection_close_ok>(m)) {
        if (state_ == state::closing) {
            close_info reason{static_cast<std::uint16_t>(protocol::reply_code::success), "closed by the client"};
            finish(failure{errc::connection_closed, std::make_shared<const close_info>(reason), nullptr}, reason);
        }
    } else if (const auto* blocked = std::get_if<protocol::connection_blocked>(&m)) {
        for (auto& handler : blocked_handlers_) handler(true, blocked->reason);
    } else if (std::holds_alternative<protocol::connection_unblocked>(m)) {
        for (auto& handler : blocked_handlers_) handler(false, {});
    } else {
        const auto key = protocol::key_of(m);
        protocol_violation(
            {protocol::reply_code::command_invalid, "unexpected method on channel 0", key.class_id, key.method_id});
    }
}

// The broker broke the protocol: tell it why (as a broker would tell a client), then drop.
void connection_state::protocol_violation(const protocol::protocol_error& error)
{
    protocol::connection_close close;
    close.reply_code = static_cast<std::uint16_t>(error.code);
    close.reply_text = error.reply_text();
    close.class_id = error.class_id;
    close.method_id = error.method_id;
    send(0, close);
    close_after_write_ = true;
    close_info reason{close.reply_code, close.reply_text, close.class_id, close.method_id, false};
    finish(failure{errc::unexpected_frame, std::make_shared<const close_info>(reason), nullptr}, reason);
}

void connection_state::flush()
{
    if (!write_in_progress_ && !handling_input_ && output_.size() > 0 && transport_) write_some();
}

void connection_state::write_some()
{
    std::swap(writing_, output_);
    output_.clear();
    write_in_progress_ = true;
    last_write_ = clock().now();
    const auto bytes = writing_.data();
    transport_->async_write(asio::buffer(bytes.data(), bytes.size()),
                            [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_written(ec); });
}

void connection_state::on_written(std::error_code ec)
{
    write_in_progress_ = false;
    writing_.clear();
    if (ec) {
        if (state_ != state::closed) {
            close_info reason{0, "connection lost: " + ec.message()};
            finish(failure{errc::connection_closed, std::make_shared<const close_info>(reason), nullptr}, reason);
        }
        return;
    }
    if (output_.size() > 0) {
        write_some();
    } else if (close_after_write_ && transport_) {
        transport_->close();
    }
    release_writers();
}

void connection_state::when_writable(completion<> done)
{
    if (state_ == state::closed) {
        done(closed_failure());
        return;
    }
    if (output_.size() < high_watermark && waiting_writers_.empty()) {
        done(failure{});
        return;
    }
    waiting_writers_.push_back(std::move(done));
}

void connection_state::release_writers()
{
    while (!waiting_writers_.empty() && output_.size() < high_watermark) {
        auto done = std::move(waiting_writers_.front());
        waiting_writers_.pop_front();
        done(failure{});
    }
}

void connection_state::open_channel(bool publisher_confirms, std::uint16_t number,
                                    completion<std::shared_ptr<channel_state>> done)
{
    if (state_ != state::open) {
        done(closed_failure(), nullptr);
        return;
    }
    auto refuse = [&done](std::string text) {
        done(failure{errc::invalid_argument, std::make_shared<const close_info>(close_info{0, std::move(text)}),
                     nullptr},
             nullptr);
    };
    auto open_as = [&](std::uint16_t id) {
        auto channel = std::make_shared<channel_state>(shared_from_this(), id);
        channels_[id] = channel;
        channel->open(publisher_confirms,
                      [channel, done = std::move(done)](const failure& f) mutable { done(f, f ? nullptr : channel); });
    };
    if (number != 0) {
        if (number >= channels_.size())
            return refuse("channel " + std::to_string(number) + " is above channel_max " +
                          std::to_string(tuning_.channel_max));
        if (channels_[number]) return refuse("channel " + std::to_string(number) + " is in use");
        return open_as(number);
    }
    // Numbers are handed out round-robin, so a number just released is not reused at
    // once (its close-ok may still be on the way).
    const std::size_t slots = channels_.size() - 1;
    for (std::size_t tried = 0; tried < slots; ++tried) {
        const std::uint16_t id = next_channel_;
        next_channel_ = static_cast<std::uint16_t>(next_channel_ % slots + 1);
        if (!channels_[id]) return open_as(id);
    }
    refuse("no free channel number (channel_max " + std::to_string(tuning_.channel_max) + ")");
}

void connection_state::release_channel(std::uint16_t id)
{
    if (id < channels_.size()) channels_[id].reset();
}

void connection_state::close(std::uint16_t reply_code, std::string reply_text, completion<> done)
{
    if (state_ == state::closed) {
        done(failure{});
        return;
    }
    if (state_ == state::closing) {
        // A second close waits for the first.
        close_done_ = [first = std::move(close_done_), done = std::move(done)](const failure& f) mutable {
            if (first) first(f);
            done(f);
        };
        return;
    }
    if (state_ == state::handshake) {
        abort(failure{errc::connection_closed, nullptr, nullptr});
        done(failure{});
        return;
    }
    state_ = state::closing;
    close_done_ = std::move(done);
    protocol::connection_close close;
    close.reply_code = reply_code;
    close.reply_text = std::move(reply_text);
    send(0, close);
}

void connection_state::abort(const failure& why)
{
    if (state_ == state::closed) return;
    close_info reason = why.info ? *why.info : close_info{0, "connection aborted by the client"};
    finish(why, reason);
}

void connection_state::finish(const failure& why, const close_info& reason)
{
    if (state_ == state::closed) return;
    const bool was_handshake = state_ == state::handshake;
    state_ = state::closed;
    close_reason_ = reason;
    closed_failure_ = why;
    if (!closed_failure_.info) closed_failure_.info = std::make_shared<const close_info>(reason);
    heartbeat_timer_->cancel();
    handling_input_ = false;
    if (close_after_write_) flush();  // the last words (a close or close-ok), held back while handling input
    if (transport_ && !(close_after_write_ && write_in_progress_)) transport_->close();

    auto channels = std::move(channels_);
    channels_.clear();
    for (auto& channel : channels) {
        if (channel) channel->on_connection_closed(closed_failure_);
    }
    while (!waiting_writers_.empty()) {
        auto done = std::move(waiting_writers_.front());
        waiting_writers_.pop_front();
        done(closed_failure_);
    }
    if (was_handshake && handshake_done_) std::exchange(handshake_done_, {})(closed_failure_);
    if (close_done_) {
        // Our own close: a success for the caller of close().
        const bool ours =
            closed_failure_.ec == errc::connection_closed && reason.reply_code == 200 && !reason.by_broker;
        std::exchange(close_done_, {})(ours ? failure{} : closed_failure_);
    }
    if (!was_handshake) {
        auto handlers = std::move(close_handlers_);
        for (auto& handler : handlers) handler(close_reason_);
    }
    blocked_handlers_.clear();
}

void connection_state::add_close_handler(std::function<void(const close_info&)> handler)
{
    close_handlers_.push_back(std::move(handler));
}

void connection_state::add_blocked_handler(std::function<void(bool, const std::string&)> handler)
{
    blocked_handlers_.push_back(std::move(handler));
}

void connection_state::start_heartbeats()
{
    if (!heartbeat_.enabled()) return;
    // Ticks twice per interval: sends a heartbeat when we were quiet for half an interval,
    // gives up when the broker was silent for two.
    heartbeat_timer_->wait_until(clock().now() + heartbeat_.tick(), [weak = weak_from_this()](std::error_code ec) {
        if (auto self = weak.lock(); self && !ec) self->on_heartbeat_tick();
    });
}

void connection_state::on_heartbeat_tick()
{
    if (state_ != state::open && state_ != state::closing) return;
    const auto now = clock().now();
    if (heartbeat_.peer_dead(last_read_, now)) {
        const auto limit = std::chrono::duration_cast<std::chrono::seconds>(heartbeat_.peer_silence_limit());
        close_info reason{0,
                          "no heartbeat or other traffic from the broker for " + std::to_string(limit.count()) + " s"};
        finish(failure{errc::heartbeat_timeout, std::make_shared<const close_info>(reason), nullptr}, reason);
        return;
    }
    if (heartbeat_.send_due(last_write_, now) && !write_in_progress_) {
        protocol::encode_heartbeat(output_);
        flush();
    }
    start_heartbeats();
}

}  // namespace amqp::client::detail
