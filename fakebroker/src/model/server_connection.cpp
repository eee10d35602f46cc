#include "server_connection.hpp"

#include "broker_state.hpp"
#include "rabbit_texts.hpp"
#include "vhost.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/print.hpp>

#include <sstream>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

server_connection::server_connection(broker_state& broker, std::string peer)
    : broker_(broker),
      id_(broker.register_connection(this)),
      peer_(std::move(peer)),
      name_(peer_),
      reader_(proto::frame_min_size),
      tracing_(broker.tracing()),
      faults_active_(broker.faults().active_flag()),
      faults_(std::make_unique<connection_faults>(*this, broker.faults(), id_)),
      handshake_(broker),
      liveness_(broker.now()),
      commands_(broker.options().max_message_size),
      channels_(*this)
{}

server_connection::~server_connection()
{
    release();
    broker_.unregister_connection(id_);
}

void server_connection::take_output(proto::byte_buffer& into, std::size_t n)
{
    if (n == output_.size()) {
        // The usual case: everything goes, buffers swap rather than copy.
        std::swap(into, output_);
        output_.clear();
    } else {
        into.clear();
        into.append(output_.data().first(n));
        output_.consume(n);
    }
    faults_->consumed(n);
}

void server_connection::mark_ready()
{
    if (ready_marked_) return;
    ready_marked_ = true;
    broker_.mark_ready(id_);
}

connection_actions server_connection::accepted(clock::time_point now)
{
    broker_.set_time(now);
    if (faults_active_) faults_->accepted();
    return take_actions(now);
}

connection_actions server_connection::take_actions(clock::time_point now)
{
    broker_.set_time(now);
    ready_marked_ = false;
    connection_actions actions = faults_->take_actions();
    // Unblocked: the frames left in the reader go on now, with nothing on the stack.
    if (actions_.resume_reading && wants_input()) continue_input();
    actions.merge(std::exchange(actions_, {}));
    return actions;
}

void server_connection::append_content(std::uint16_t channel, const message_content& content)
{
    proto::encode_content(output_, channel, proto::basic_properties::class_id, content.encoded_properties(),
                          content.body(), handshake_.frame_max());
}

void server_connection::send_delivery(std::uint16_t channel, std::string_view consumer_tag, std::uint64_t delivery_tag,
                                      bool redelivered, const message_content& content)
{
    send_message(
        channel,
        proto::basic_deliver_view{consumer_tag, delivery_tag, redelivered, content.exchange(), content.routing_key()},
        content);
}

void server_connection::trace(std::string_view direction, std::uint16_t channel, const proto::method& m)
{
    if (!tracing_) return;
    std::ostringstream os;
    os << name_ << direction << channel << ' ' << m;
    broker_.trace(os.str());
}

connection_actions server_connection::receive(std::span<const std::byte> bytes, clock::time_point now)
{
    broker_.set_time(now);
    feed(bytes);
    return take_actions(now);
}

void server_connection::feed(std::span<const std::byte> bytes)
{
    if (state_ == state::finished) return;
    liveness_.heard(broker_.now());
    if (faults_active_) [[unlikely]] {
        if (faults_->input_paused()) {
            // In order, once the delay or stall is over.
            faults_->keep_input(bytes);
            return;
        }
    }
    if (state_ == state::header) {
        const std::size_t take = std::min(bytes.size(), proto::protocol_header.size() - header_bytes_.size());
        header_bytes_.append(bytes.first(take));
        bytes = bytes.subspan(take);
        switch (proto::check_protocol_header(header_bytes_.data())) {
        case proto::header_check::need_more: return;
        case proto::header_check::mismatch:
            // The spec: answer with the header we do speak, then close.
            if (output_.empty()) mark_ready();
            output_.append(proto::protocol_header);
            finish();
            return;
        case proto::header_check::match:
            // The state moves first: a fault fired by the send may finish the connection.
            state_ = state::handshake;
            send(0, server_handshake::start());
            break;
        }
    }
    reader_.feed(bytes);
    process_frames();
}

void server_connection::process_frames()
{
    // Checked before taking a frame: a paused connection leaves the rest in the reader.
    while (state_ != state::finished && !publisher_held_ && !(faults_active_ && faults_->input_paused())) {
        proto::decoded_frame f = reader_.next();
        if (f.need_more()) break;
        if (f.error) {
            connection_error({f.error->code, frame_error_text(reader_.pending(), reader_.frame_max())});
            finish();
            return;
        }
        if (faults_active_) [[unlikely]] {
            const verdict v = faults_->on_frame(*f.frame);
            if (v == verdict::skip) continue;
            if (v == verdict::hold) break;
        }
        handle_frame(*f.frame);
    }
    for (const auto& [number, channel] : channels_) channel->flush_confirms();
}

void server_connection::handle_frame(const proto::frame_view& frame)
{
    if (frame.type == proto::frame_type::heartbeat) {
        if (frame.channel != 0) connection_error({reply_code::unexpected_frame, "type 8, all octets = <<>>"});
        return;
    }
    if (frame.channel == 0) {
        if (frame.type != proto::frame_type::method) {
            connection_error({reply_code::unexpected_frame, "expected method frame, got non method frame instead"});
            return;
        }
        auto m = proto::decode_method(frame.payload);
        if (!m) {
            connection_error(rabbit_decode_error(m.error(), frame.payload));
            return;
        }
        trace(" -> ch", 0, *m);
        if (faults_active_) [[unlikely]] {
            proto::command c{std::move(*m), std::nullopt, {}};
            if (faults_->on_command(0, c) == verdict::proceed) dispatch(0, c);
            return;
        }
        handle_connection_method(*m);
        return;
    }
    if (state_ == state::closing) return;
    // RabbitMQ ignores what arrives on a channel it is closing, content frames included.
    if (channels_.closing(frame.channel)) {
        ignore_on_closing_channel(frame);
        return;
    }
    if (state_ != state::running) {
        connection_error({reply_code::unexpected_frame,
                          "frame on channel " + std::to_string(frame.channel) + " before the connection is open"});
        return;
    }
    proto::command_read read = commands_.add(frame);
    if (read.error) {
        fail(frame.channel,
             frame.type == proto::frame_type::method ? rabbit_decode_error(*read.error, frame.payload) : *read.error);
        return;
    }
    if (!read.command) return;
    proto::command& c = *read.command;
    trace(" -> ch", frame.channel, c.method);
    // Under connection.blocked RabbitMQ takes this publish, then reads no more.
    if (blocked_ && std::holds_alternative<proto::basic_publish>(c.method)) publisher_held_ = true;
    if (faults_active_) [[unlikely]] {
        if (faults_->on_command(frame.channel, c) == verdict::proceed) dispatch(frame.channel, c);
        return;
    }
    handle_channel_command(frame.channel, c);
}

void server_connection::dispatch(std::uint16_t channel, proto::command& c)
{
    const proto::method_key key = proto::key_of(c.method);
    if (channel == 0) handle_connection_method(c.method);
    else handle_channel_command(channel, c);
    if (faults_active_) faults_->handled(channel, key);
}

void server_connection::ignore_on_closing_channel(const proto::frame_view& frame)
{
    if (frame.type != proto::frame_type::method) return;
    auto m = proto::decode_method(frame.payload);
    if (!m) return;
    proto::command c{std::move(*m), std::nullopt, {}};
    handle_channel_command(frame.channel, c);
}

void server_connection::handle_connection_method(proto::method& m)
{
    if (std::holds_alternative<proto::connection_close>(m)) {
        send(0, proto::connection_close_ok{});
        if (state_ == state::running) {
            release();
            enter_closing();
        } else if (state_ != state::closing) {
            finish();
        }
        // Closing already (ours crossed the client's): close-ok, and still wait for ours.
        return;
    }
    if (std::holds_alternative<proto::connection_close_ok>(m)) {
        if (state_ == state::closing) finish();
        return;
    }
    if (state_ == state::closing) return;
    if (state_ == state::handshake) return handshake_step(m);
    if (std::holds_alternative<proto::connection_blocked>(m) ||
        std::holds_alternative<proto::connection_unblocked>(m)) {
        return;
    }
    if (std::holds_alternative<proto::connection_update_secret>(m)) {
        send(0, proto::connection_update_secret_ok{});
        return;
    }
    const proto::method_key key = proto::key_of(m);
    connection_error(
        {reply_code::channel_error, "unexpected method in connection state running", key.class_id, key.method_id});
}

void server_connection::handshake_step(const proto::method& m)
{
    const server_handshake::step step = handshake_.on_method(m);
    if (std::holds_alternative<proto::connection_start_ok>(m)) {
        if (const auto* v = handshake_.client_properties().find("connection_name"); v && v->string()) {
            name_ = *v->string();
        }
    }
    if (step.tune) send(0, *step.tune);
    if (step.close) connection_error(*step.close);
    if (step.drop) {
        finish();
        return;
    }
    if (handshake_.current() == server_handshake::stage::open) {
        // Tuned: frames as large as agreed, heartbeats as often.
        reader_.set_frame_max(handshake_.frame_max());
        liveness_.set_heartbeat(handshake_.heartbeat());
    }
    if (!step.open_ok) return;
    state_ = state::running;
    send(0, proto::connection_open_ok{});
    if (const auto& alarm = broker_.alarm()) set_blocked(true, *alarm);
}

void server_connection::handle_channel_command(std::uint16_t number, proto::command& c)
{
    const channel_table::step step = channels_.on_command(number, c.method, handshake_.channel_max());
    if (step.closed) commands_.reset(number);
    if (step.open_ok) send(number, proto::channel_open_ok{});
    if (step.close_ok) send(number, proto::channel_close_ok{});
    if (step.failure) fail(number, *step.failure);
    if (!step.handler) return;
    if (auto e = step.handler->handle(c)) {
        const proto::method_key key = proto::key_of(c.method);
        if (e->class_id == 0) {
            e->class_id = key.class_id;
            e->method_id = key.method_id;
        }
        fail(number, *e);
    }
}

void server_connection::fail(std::uint16_t channel, const error& e)
{
    if (proto::is_hard_error(e.code)) connection_error(e);
    else channel_error(channel, e);
}

void server_connection::channel_error(std::uint16_t number, const error& e)
{
    close_channel_with(number, static_cast<std::uint16_t>(e.code), e.reply_text(), {e.class_id, e.method_id});
}

void server_connection::close_channel_with(std::uint16_t number, std::uint16_t code, const std::string& text,
                                           proto::method_key key)
{
    channels_.close_by_broker(number);
    commands_.reset(number);
    send(number, proto::channel_close{code, text, key.class_id, key.method_id});
}

void server_connection::connection_error(const error& e)
{
    close_connection_with(static_cast<std::uint16_t>(e.code), e.reply_text(), {e.class_id, e.method_id});
}

void server_connection::close_connection_with(std::uint16_t code, const std::string& text, proto::method_key key)
{
    if (state_ == state::closing || state_ == state::finished) return;
    enter_closing();
    send(0, proto::connection_close{code, text, key.class_id, key.method_id});
    release();
}

void server_connection::enter_closing()
{
    // As RabbitMQ after a close either way: the socket stays open, what arrives is read
    // and discarded (a client may still be flushing frames it queued before its close),
    // until the client closes the socket, sends close-ok, or the heartbeat interval
    // (30 s at most) passes.
    state_ = state::closing;
    liveness_.start_closing(broker_.now());
}

void server_connection::close(proto::reply_code code, std::string text) { connection_error({code, std::move(text)}); }

connection_actions server_connection::tick(clock::time_point now)
{
    broker_.set_time(now);
    const std::optional<clock::time_point> due = next_tick(now);
    connection_actions actions = take_actions(now);
    if (due) actions.wake_by(*due);
    return actions;
}

std::optional<clock::time_point> server_connection::next_tick(clock::time_point now)
{
    // The fault layer's deadlines first: a stalled connection does nothing else, and
    // the tick that ends a stall leaves the heartbeat check to the next one, after the
    // input the stall held back.
    const bool was_stalled = faults_->stalled();
    const std::optional<clock::time_point> fault_due = faults_->tick(now);
    if (was_stalled) return faults_->stalled() ? fault_due : now;
    const std::optional<clock::time_point> due = protocol_tick(now);
    // A finished connection waits only for what a fault still holds back.
    if (state_ == state::finished || !due) return fault_due;
    return fault_due ? std::min(*due, *fault_due) : due;
}

std::optional<clock::time_point> server_connection::protocol_tick(clock::time_point now)
{
    if (state_ == state::finished) return std::nullopt;
    if (state_ == state::closing) {
        const std::optional<clock::time_point> deadline = liveness_.closing_tick(now);
        if (!deadline) {
            finish();
            return std::nullopt;
        }
        return std::min(heartbeat_tick(now).value_or(*deadline), *deadline);
    }
    const std::optional<clock::time_point> heartbeat_due = heartbeat_tick(now);
    if (state_ == state::finished) return std::nullopt;
    const auto timeout = broker_.options().consumer_timeout;
    if (!timeout || state_ != state::running) return heartbeat_due;
    const auto step =
        connection_liveness::consumer_timeout_tick(now, *timeout, heartbeat_due, channels_.oldest_unacked());
    // Closing a channel gives its deliveries back to their queues.
    for (const std::uint16_t number : step.expired) {
        channel_error(number, {reply_code::precondition_failed, consumer_timeout_text(number, *timeout)});
    }
    return step.next;
}

std::optional<clock::time_point> server_connection::heartbeat_tick(clock::time_point now)
{
    if (!liveness_.heartbeats() || state_ == state::finished) return std::nullopt;
    if (faults_active_) [[unlikely]] {
        faults_->heartbeat_tick();
        if (state_ == state::finished) return std::nullopt;
    }
    // We do not read a held publisher, so its silence means nothing (RabbitMQ pauses
    // the heartbeat monitor of a blocked connection the same way).
    if (publisher_held_) liveness_.heard(now);
    const connection_liveness::heartbeat_step step = liveness_.heartbeat_tick(now);
    if (step.send_heartbeat && output_.empty()) {
        proto::encode_heartbeat(output_);
        mark_ready();
    }
    if (step.peer_dead) {
        // RabbitMQ closes the socket without a close method ("missed heartbeats").
        release();
        finish();
        return std::nullopt;
    }
    return step.next;
}

void server_connection::set_blocked(bool blocked, const std::string& reason)
{
    if (state_ != state::running) return;
    blocked_ = blocked;
    if (!blocked && publisher_held_) {
        publisher_held_ = false;
        actions_.resume_reading = true;
        mark_ready();
    }
    if (!client_announces("connection.blocked")) return;
    if (blocked) send(0, proto::connection_blocked{reason});
    else send(0, proto::connection_unblocked{});
}

void server_connection::transport_closed()
{
    release();
    state_ = state::finished;
}

void server_connection::release()
{
    // Channels first: they requeue their deliveries into queues that may be exclusive
    // to this connection and about to go.
    channels_.close_all();
    commands_.clear();
    if (fakebroker::vhost* vhost = handshake_.vhost()) vhost->delete_exclusive_queues(id_);
}

connection_info server_connection::info() const
{
    connection_info i;
    i.name = name_;
    i.peer = peer_;
    i.user = handshake_.user();
    i.vhost = handshake_.vhost() ? handshake_.vhost()->name() : "";
    i.client_properties = handshake_.client_properties();
    i.channels = channels_.size();
    return i;
}

}  // namespace amqp::fakebroker
