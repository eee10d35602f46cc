#include "bench_flow.hpp"

#include <amqp/protocol/wire.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <poll.h>

namespace amqp::bench {

namespace proto = amqp::protocol;

namespace {

// Write more only while less than this is waiting for the socket: the kernel's send
// buffer then always has the next batch.
constexpr std::size_t refill_below = 64 * 1024;

// basic.deliver's payload: class, method, consumer-tag (short string), delivery-tag.
bool deliver_tag(std::span<const std::byte> payload, std::uint64_t& tag) noexcept
{
    if (payload.size() < 5) return false;
    const std::size_t at = 5 + std::to_integer<std::size_t>(payload[4]);
    if (payload.size() < at + 8) return false;
    tag = proto::detail::load_be64(payload.data() + at);
    return true;
}

}  // namespace

message_flow::message_flow(bench_connection& publisher, bench_connection* consumer, flow_options options)
    : publisher_(publisher),
      consumer_(consumer),
      options_(std::move(options)),
      publish_{.ticket = 0,
               .exchange = options_.exchange,
               .routing_key = options_.routing_key,
               .mandatory = false,
               .immediate = false},
      body_(options_.body_size, 'x')
{
    if (options_.persistent) properties_.delivery_mode = 2;
    if (options_.batch == 0) options_.batch = 1;
}

std::size_t message_flow::completed() const noexcept
{
    std::size_t done = published_;
    if (consumer_) done = std::min(done, delivered_ / options_.fanout);
    if (options_.confirms) done = std::min(done, confirmed_);
    return done;
}

bool message_flow::done(std::size_t messages) const noexcept
{
    return published_ == messages && publisher_.out().empty() &&
           (!consumer_ || delivered_ == messages * options_.fanout) && (!options_.confirms || confirmed_ == messages);
}

void message_flow::refill(std::size_t messages)
{
    if (publisher_.out().size() >= refill_below || published_ == messages) return;
    std::size_t room = messages - published_;
    if (options_.window != 0) {
        const std::size_t in_flight = published_ - completed();
        if (in_flight >= options_.window) return;
        room = std::min(room, options_.window - in_flight);
    }
    const std::size_t n = std::min(room, options_.batch);
    for (std::size_t i = 0; i < n; ++i) {
        proto::encode_message(publisher_.out(), 1, publish_, properties_, proto::as_bytes(body_),
                              publisher_.frame_max());
    }
    published_ += n;
    published_total_ += n;
}

void message_flow::confirm(std::uint64_t tag, bool multiple)
{
    if (tag < first_tag_ || tag - first_tag_ >= confirmed_tags_.size()) {
        throw bench_error("publisher: confirm for delivery tag " + std::to_string(tag) + " outside this run");
    }
    const std::size_t index = tag - first_tag_;
    const std::size_t from = multiple ? lowest_unconfirmed_ : index;
    for (std::size_t i = from; i <= index; ++i) {
        if (!confirmed_tags_[i]) {
            confirmed_tags_[i] = true;
            ++confirmed_;
        }
    }
    while (lowest_unconfirmed_ < confirmed_tags_.size() && confirmed_tags_[lowest_unconfirmed_]) {
        ++lowest_unconfirmed_;
    }
}

std::size_t message_flow::read_publisher()
{
    const std::size_t n = publisher_.read_some();
    auto& reader = publisher_.reader();
    for (;;) {
        auto f = reader.next();
        if (f.need_more()) return n;
        if (f.error) throw bench_error("publisher: bad frame from the broker");
        if (f.frame->type != proto::frame_type::method) continue;
        const std::uint32_t id = method_id(f.frame->payload);
        const auto payload = f.frame->payload;
        if (id == id_of<proto::basic_ack> && payload.size() >= 13) {
            confirm(proto::detail::load_be64(payload.data() + 4), (std::to_integer<int>(payload[12]) & 1) != 0);
        } else if (id == id_of<proto::basic_nack>) {
            throw bench_error("publisher: the broker nacked a publish");
        } else if (id == id_of<proto::basic_return>) {
            throw bench_error("publisher: the broker returned a publish (unroutable)");
        } else {
            publisher_.throw_if_close(*f.frame);
        }
    }
}

std::size_t message_flow::read_consumer()
{
    const std::size_t n = consumer_->read_some();
    auto& reader = consumer_->reader();
    std::uint64_t tag = 0;
    for (;;) {
        auto f = reader.next();
        if (f.need_more()) break;
        if (f.error) throw bench_error("consumer: bad frame from the broker");
        if (f.frame->type != proto::frame_type::method) continue;
        const std::uint32_t id = method_id(f.frame->payload);
        if (id == id_of<proto::basic_deliver>) {
            ++delivered_;
            ++delivered_total_;
            if (options_.ack_every != 0) {
                if (!deliver_tag(f.frame->payload, tag)) throw bench_error("consumer: truncated basic.deliver");
                last_delivery_tag_ = tag;
                if (++unacked_ == options_.ack_every) {
                    consumer_->send(1, proto::basic_ack{.delivery_tag = tag, .multiple = true});
                    unacked_ = 0;
                }
            }
        } else if (id == id_of<proto::basic_cancel>) {
            throw bench_error("consumer: the broker cancelled the consumer");
        } else {
            consumer_->throw_if_close(*f.frame);
        }
    }
    return n;
}

std::string message_flow::status(std::size_t messages) const
{
    // Appended piece by piece: g++ 12 -O3 warns (-Wrestrict, falsely) on
    // "literal" + std::string temporaries.
    std::string out = "published ";
    out += std::to_string(published_);
    out += '/';
    out += std::to_string(messages);
    out += ", delivered ";
    out += std::to_string(delivered_);
    if (consumer_) {
        out += '/';
        out += std::to_string(messages * options_.fanout);
    }
    out += ", confirmed ";
    out += std::to_string(confirmed_);
    if (options_.confirms) {
        out += '/';
        out += std::to_string(messages);
    }
    return out;
}

void message_flow::run(std::size_t messages)
{
    published_ = delivered_ = confirmed_ = 0;
    if (options_.confirms) {
        first_tag_ = published_total_ + 1;
        confirmed_tags_.assign(messages, false);
        lowest_unconfirmed_ = 0;
    }
    const auto started = steady::now();
    auto last_progress = started;
    while (!done(messages)) {
        refill(messages);

        pollfd fds[2] = {};
        fds[0] = {publisher_.fd(), static_cast<short>(POLLIN | (publisher_.out().empty() ? 0 : POLLOUT)), 0};
        nfds_t count = 1;
        if (consumer_) {
            fds[1] = {consumer_->fd(), static_cast<short>(POLLIN | (consumer_->out().empty() ? 0 : POLLOUT)), 0};
            count = 2;
        }
        const int rc = ::poll(fds, count, 100);
        if (rc < 0 && errno != EINTR) throw bench_error(std::string("poll: ") + std::strerror(errno));

        bool moved = false;
        if (rc > 0) {
            if (fds[0].revents & POLLOUT) moved |= publisher_.flush_some();
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) moved |= read_publisher() != 0;
            if (consumer_ && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) moved |= read_consumer() != 0;
            if (consumer_ && !consumer_->out().empty()) moved |= consumer_->flush_some();
        }

        const auto now = steady::now();
        if (moved) {
            last_progress = now;
        } else if (now - last_progress > options_.stall_timeout) {
            throw bench_error("no progress for " + std::to_string(options_.stall_timeout.count()) +
                              " ms: " + status(messages));
        }
        if (now - started > options_.run_timeout) {
            throw bench_error("run took over " + std::to_string(options_.run_timeout.count()) +
                              " ms: " + status(messages));
        }
    }
    // Settle what the consumer still holds, so the queue ends with nothing unacked.
    if (consumer_ && options_.ack_every != 0 && unacked_ != 0) {
        consumer_->send(1, proto::basic_ack{.delivery_tag = last_delivery_tag_, .multiple = true});
        unacked_ = 0;
    }
    if (consumer_) consumer_->flush(steady::now() + options_.stall_timeout);
}

}  // namespace amqp::bench
