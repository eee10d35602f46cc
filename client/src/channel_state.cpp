#include "channel_state.hpp"

#include "connection_state.hpp"

#include <amqp/protocol/content.hpp>

#include <algorithm>
#include <atomic>

namespace amqp::client::detail {
namespace {

// Each channel incarnation gets its own number, so a delivery from an earlier one is
// recognised as stale even when the channel number is reused.
std::uint64_t next_generation()
{
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

failure closed_by(std::error_code ec, close_info info)
{
    return failure{ec, std::make_shared<const close_info>(std::move(info)), nullptr};
}

}  // namespace

channel_state::channel_state(std::shared_ptr<connection_state> connection, std::uint16_t id)
    : connection_(std::move(connection)), id_(id), generation_(next_generation())
{}

const asio::any_io_executor& channel_state::executor() const noexcept { return connection_->executor(); }

void channel_state::open(bool publisher_confirms, completion<> done)
{
    call(protocol::channel_open{}, {protocol::channel_open_ok::key},
         [self = shared_from_this(), publisher_confirms, done = std::move(done)](const failure& f,
                                                                                 protocol::command) mutable {
             if (f) {
                 done(f);
                 return;
             }
             self->state_ = state::open;
             if (!publisher_confirms) {
                 done(failure{});
                 return;
             }
             self->call(protocol::confirm_select{}, {protocol::confirm_select_ok::key},
                        [self, done = std::move(done)](const failure& f, protocol::command) mutable {
                            if (!f) self->confirms_.emplace();
                            done(f);
                        });
         });
}

void channel_state::call(const protocol::method& request, std::initializer_list<protocol::method_key> replies,
                         completion<protocol::command> done)
{
    if (state_ == state::closed || state_ == state::closing) {
        done(connection_->is_open() && state_ == state::closed && close_reason_.reply_code != 0
                 ? closed_by(errc::channel_closed, close_reason_)
                 : (connection_->is_open() ? failure{errc::channel_closed, nullptr, nullptr}
                                           : connection_->closed_failure()),
             {});
        return;
    }
    if (!connection_->is_open()) {
        done(connection_->closed_failure(), {});
        return;
    }
    protocol::encode_frame(connection_->output(), id_, request);
    connection_->flush();
    calls_.push_back({std::vector<protocol::method_key>(replies), std::move(done)});
}

void channel_state::publish(std::string_view exchange, std::string_view routing_key, const message& m, bool mandatory,
                            completion<> done)
{
    if (state_ != state::open) {
        done(state_ == state::closed && close_reason_.reply_code != 0
                 ? closed_by(errc::channel_closed, close_reason_)
                 : failure{errc::channel_closed, nullptr, nullptr});
        return;
    }
    protocol::basic_publish publish;
    publish.exchange = exchange;
    publish.routing_key = routing_key;
    publish.mandatory = mandatory;
    protocol::encode_message(connection_->output(), id_, publish, to_properties(m), protocol::as_bytes(m.body),
                             connection_->negotiated().frame_max);
    connection_->flush();
    if (confirms_) {
        confirms_->add(std::move(done), mandatory, std::string(exchange), std::string(routing_key), m.body.size());
        return;
    }
    connection_->when_writable(std::move(done));
}

void channel_state::consume(const std::string& queue, const consume_options& options, consumer_callbacks callbacks,
                            completion<std::string> done)
{
    protocol::basic_consume consume;
    consume.queue = queue;
    consume.consumer_tag = options.consumer_tag;
    consume.no_ack = options.no_ack;
    consume.exclusive = options.exclusive;
    consume.arguments = options.arguments;
    // The consumer is registered when consume-ok arrives, before any delivery for it.
    call(consume, {protocol::basic_consume_ok::key},
         [self = shared_from_this(), callbacks = std::move(callbacks), no_ack = options.no_ack, done = std::move(done)](
             const failure& f, protocol::command reply) mutable {
             if (f) {
                 done(f, {});
                 return;
             }
             auto tag = std::get<protocol::basic_consume_ok>(reply.method).consumer_tag;
             self->consumers_[tag] = std::move(callbacks);
             self->consumer_no_ack_[tag] = no_ack;
             done(failure{}, std::move(tag));
         });
}

void channel_state::cancel(const std::string& consumer_tag, completion<> done)
{
    protocol::basic_cancel cancel;
    cancel.consumer_tag = consumer_tag;
    call(
        cancel, {protocol::basic_cancel_ok::key},
        [self = shared_from_this(), consumer_tag, done = std::move(done)](const failure& f, protocol::command) mutable {
            // Deliveries already on their way still reach the consumer until cancel-ok.
            self->consumers_.erase(consumer_tag);
            self->consumer_no_ack_.erase(consumer_tag);
            done(f);
        });
}

void channel_state::get(const std::string& queue, bool no_ack, completion<std::optional<incoming_message>> done)
{
    protocol::basic_get get;
    get.queue = queue;
    get.no_ack = no_ack;
    call(
        get, {protocol::basic_get_ok::key, protocol::basic_get_empty::key},
        [self = shared_from_this(), no_ack, done = std::move(done)](const failure& f, protocol::command reply) mutable {
            if (f) {
                done(f, std::nullopt);
                return;
            }
            if (!std::holds_alternative<protocol::basic_get_ok>(reply.method)) {
                done(failure{}, std::nullopt);
                return;
            }
            done(failure{}, self->make_incoming(std::move(reply), no_ack));
        });
}

void channel_state::recover(bool requeue, completion<> done)
{
    if (state_ == state::open) deliveries_.clear();
    call(protocol::basic_recover{requeue}, {protocol::basic_recover_ok::key},
         [done = std::move(done)](const failure& f, protocol::command) mutable { done(f); });
}

std::error_code channel_state::settle(std::uint64_t generation, std::uint64_t tag, settlement how, bool multiple,
                                      bool requeue)
{
    if (generation != generation_) return errc::stale_delivery;
    if (state_ != state::open)
        return connection_->is_open() ? std::error_code(errc::channel_closed) : std::error_code(errc::stale_delivery);
    if (auto ec = deliveries_.settle(tag, multiple)) return ec;
    switch (how) {
    case settlement::ack: connection_->send(id_, protocol::basic_ack{tag, multiple}); break;
    case settlement::nack: connection_->send(id_, protocol::basic_nack{tag, multiple, requeue}); break;
    case settlement::reject: connection_->send(id_, protocol::basic_reject{tag, requeue}); break;
    }
    return {};
}

void channel_state::close(std::uint16_t reply_code, std::string reply_text, completion<> done)
{
    if (state_ == state::closed) {
        done(failure{});
        return;
    }
    if (!connection_->is_open()) {
        finish(connection_->closed_failure());
        done(failure{});
        return;
    }
    protocol::channel_close close;
    close.reply_code = reply_code;
    close.reply_text = std::move(reply_text);
    protocol::encode_frame(connection_->output(), id_, close);
    connection_->flush();
    // Pending calls never get their replies now; close-ok is the only answer to come.
    const failure why{errc::channel_closed, nullptr, nullptr};
    auto calls = std::move(calls_);
    calls_.clear();
    for (auto& call : calls) call.done(why, {});
    state_ = state::closing;
    calls_.push_back({{protocol::channel_close_ok::key},
                      [self = shared_from_this(), done = std::move(done)](const failure& f, protocol::command) mutable {
                          self->close_reason_ = close_info{200, "closed by the client"};
                          self->finish(failure{errc::channel_closed, nullptr, nullptr});
                          done(f.ec == errc::channel_closed ? failure{} : f);
                      }});
}

void channel_state::add_close_handler(std::function<void(const close_info&)> handler)
{
    close_handlers_.push_back(std::move(handler));
}

void channel_state::add_return_handler(std::function<void(const returned_message&)> handler)
{
    return_handlers_.push_back(std::move(handler));
}

std::optional<protocol::protocol_error> channel_state::on_frame(const protocol::frame_view& frame)
{
    if (auto error = assembler_.add(frame)) return error;
    if (assembler_.complete()) on_command(assembler_.take());
    return std::nullopt;
}

void channel_state::on_command(protocol::command&& c)
{
    auto& m = c.method;
    if (std::holds_alternative<protocol::basic_deliver>(m)) {
        on_deliver(std::move(c));
    } else if (const auto* ack = std::get_if<protocol::basic_ack>(&m)) {
        if (confirms_) {
            for (auto& s : confirms_->on_ack(ack->delivery_tag, ack->multiple)) s.done(s.outcome);
        }
    } else if (const auto* nack = std::get_if<protocol::basic_nack>(&m)) {
        if (confirms_) {
            for (auto& s : confirms_->on_nack(nack->delivery_tag, nack->multiple)) s.done(s.outcome);
        }
    } else if (std::holds_alternative<protocol::basic_return>(m)) {
        on_return(std::move(c));
    } else if (const auto* broker_close = std::get_if<protocol::channel_close>(&m)) {
        on_broker_close(*broker_close);
    } else if (const auto* cancel = std::get_if<protocol::basic_cancel>(&m)) {
        on_broker_cancel(*cancel);
    } else if (const auto* flow = std::get_if<protocol::channel_flow>(&m)) {
        connection_->send(id_, protocol::channel_flow_ok{flow->active});
    } else if (!answer_call(std::move(c))) {
        // A reply nobody asked for: RabbitMQ would close the connection with 505; we
        // report it and close the channel.
        const auto key = protocol::key_of(m);
        close_info reason{static_cast<std::uint16_t>(protocol::reply_code::unexpected_frame),
                          "UNEXPECTED_FRAME - the broker sent an unexpected method", key.class_id, key.method_id};
        close_reason_ = reason;
        close(reason.reply_code, reason.reply_text, [](const failure&) {});
    }
}

bool channel_state::answer_call(protocol::command&& c)
{
    if (calls_.empty()) return false;
    const auto key = protocol::key_of(c.method);
    auto& expected = calls_.front().replies;
    if (std::find(expected.begin(), expected.end(), key) == expected.end()) return false;
    auto call = std::move(calls_.front());
    calls_.pop_front();
    call.done(failure{}, std::move(c));
    return true;
}

incoming_message channel_state::make_incoming(protocol::command&& c, bool no_ack)
{
    incoming_message in;
    if (auto* deliver = std::get_if<protocol::basic_deliver>(&c.method)) {
        in.delivery_tag = deliver->delivery_tag;
        in.redelivered = deliver->redelivered;
        in.exchange = std::move(deliver->exchange);
        in.routing_key = std::move(deliver->routing_key);
        in.consumer_tag = std::move(deliver->consumer_tag);
    } else if (auto* get_ok = std::get_if<protocol::basic_get_ok>(&c.method)) {
        in.delivery_tag = get_ok->delivery_tag;
        in.redelivered = get_ok->redelivered;
        in.exchange = std::move(get_ok->exchange);
        in.routing_key = std::move(get_ok->routing_key);
        in.message_count = get_ok->message_count;
    }
    in.body = std::move(c.body);
    if (c.header) assign_properties(in, std::move(c.header->properties));
    in.channel_ = shared_from_this();
    in.generation_ = generation_;
    in.no_ack_ = no_ack;
    if (!no_ack) deliveries_.delivered(in.delivery_tag);
    return in;
}

void channel_state::on_deliver(protocol::command&& c)
{
    const auto& tag = std::get<protocol::basic_deliver>(c.method).consumer_tag;
    const auto consumer = consumers_.find(tag);
    const auto no_ack = consumer_no_ack_.find(tag);
    const bool is_no_ack = no_ack != consumer_no_ack_.end() && no_ack->second;
    auto in = make_incoming(std::move(c), is_no_ack);
    if (consumer == consumers_.end() || !consumer->second.on_message) {
        // A delivery for a consumer we no longer know (cancelled meanwhile): give it
        // back so it is not stuck unacked.
        if (!is_no_ack) (void)in.reject(true);
        return;
    }
    consumer->second.on_message(std::move(in));
}

void channel_state::on_return(protocol::command&& c)
{
    auto returned = std::make_shared<returned_message>();
    auto& ret = std::get<protocol::basic_return>(c.method);
    returned->reply_code = ret.reply_code;
    returned->reply_text = std::move(ret.reply_text);
    returned->exchange = std::move(ret.exchange);
    returned->routing_key = std::move(ret.routing_key);
    returned->body = std::move(c.body);
    if (c.header) assign_properties(*returned, std::move(c.header->properties));
    for (auto& handler : return_handlers_) handler(*returned);
    if (confirms_) confirms_->on_return(std::move(returned));
}

void channel_state::on_broker_close(const protocol::channel_close& close)
{
    connection_->send(id_, protocol::channel_close_ok{});
    close_reason_ = close_info{close.reply_code, close.reply_text, close.class_id, close.method_id, true};
    finish(closed_by(errc::channel_closed, close_reason_));
}

void channel_state::on_broker_cancel(const protocol::basic_cancel& cancel)
{
    const auto consumer = consumers_.find(cancel.consumer_tag);
    if (consumer == consumers_.end()) return;
    auto callbacks = std::move(consumer->second);
    consumers_.erase(consumer);
    consumer_no_ack_.erase(cancel.consumer_tag);
    if (!cancel.nowait) connection_->send(id_, protocol::basic_cancel_ok{cancel.consumer_tag});
    if (callbacks.on_cancel) callbacks.on_cancel(failure{errc::consumer_cancelled, nullptr, nullptr});
}

void channel_state::on_connection_closed(const failure& why)
{
    if (state_ == state::closed) return;
    close_reason_ = why.info ? *why.info : close_info{};
    finish(why);
}

void channel_state::finish(const failure& why)
{
    if (state_ == state::closed) return;
    state_ = state::closed;
    deliveries_.clear();
    connection_->release_channel(id_);
    auto calls = std::move(calls_);
    calls_.clear();
    for (auto& call : calls) call.done(why, {});
    if (confirms_) {
        for (auto& s : confirms_->fail_all(why)) s.done(s.outcome);
    }
    auto consumers = std::move(consumers_);
    consumers_.clear();
    for (auto& [tag, callbacks] : consumers) {
        if (callbacks.on_cancel) callbacks.on_cancel(why);
    }
    auto handlers = std::move(close_handlers_);
    for (auto& handler : handlers) handler(close_reason_);
    return_handlers_.clear();
}

}  // namespace amqp::client::detail
