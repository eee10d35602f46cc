#include "peer.hpp"

#include <amqp/protocol/content.hpp>

#include <algorithm>
#include <sstream>
#include <utility>

namespace amqp::test {

namespace proto = amqp::protocol;

peer::peer(handshake_options options, peer_transport* transport) : options_(std::move(options)), transport_(transport)
{}

void peer::send_bytes(std::span<const std::byte> bytes)
{
    if (transport_) {
        transport_->write(bytes);
    } else {
        output_.append(bytes);
    }
}

void peer::send_message(std::uint16_t channel, const proto::basic_publish& publish,
                        const proto::basic_properties& properties, std::string_view body)
{
    proto::byte_buffer out;
    proto::encode_message(out, channel, publish, properties, proto::as_bytes(body), frame_max_);
    send_bytes(out.data());
}

void peer::publish(std::uint16_t channel, std::string exchange, std::string routing_key, std::string_view body,
                   const proto::basic_properties& properties, bool mandatory)
{
    proto::basic_publish m;
    m.exchange = std::move(exchange);
    m.routing_key = std::move(routing_key);
    m.mandatory = mandatory;
    send_message(channel, m, properties, body);
}

void peer::send_protocol_header() { send_bytes(proto::protocol_header); }

void peer::send_heartbeat()
{
    proto::byte_buffer out;
    proto::encode_heartbeat(out);
    send_bytes(out.data());
}

void peer::send_tune_ok(const proto::connection_tune& server)
{
    const proto::connection_tune_ok ok = make_tune_ok(options_, server);
    set_frame_max(ok.frame_max);
    send(0, ok);
}

void peer::send_handshake()
{
    send_start_ok();
    send_tune_ok(default_server_tune);
    send_open();
}

void peer::close()
{
    if (transport_) transport_->close_stream();
}

void peer::reset()
{
    if (transport_) transport_->reset_stream();
}

void peer::fail(std::string what, time_point at)
{
    failure_ = std::move(what);
    ended_ = std::make_error_code(std::errc::protocol_error);
    ended_at_ = at;
}

void peer::receive(std::span<const std::byte> bytes, time_point at)
{
    if (ended_) return;
    bytes_received_ += bytes.size();
    ++reads_;
    reader_.feed(bytes);
    for (auto f = reader_.next(); !f.need_more(); f = reader_.next()) {
        if (f.error) return fail("undecodable frame: " + f.error->reply_text(), at);
        frame seen{at, f.frame->type, f.frame->channel, std::nullopt};
        if (f.frame->type == proto::frame_type::method) {
            if (auto m = proto::decode_method(f.frame->payload)) seen.method = std::move(*m);
        }
        frames_.push_back(std::move(seen));
        if (f.frame->type == proto::frame_type::heartbeat) {
            ++heartbeats_;
            continue;
        }
        proto::command_read read = command_reader_.add(*f.frame);
        if (read.error) {
            return fail(
                "bad frame sequence on channel " + std::to_string(f.frame->channel) + ": " + read.error->reply_text(),
                at);
        }
        if (read.command) {
            commands_.push_back({at, f.frame->channel, *read.command});
            unread_.push_back({at, f.frame->channel, std::move(*read.command)});
        }
    }
}

void peer::end(std::error_code why, time_point at)
{
    if (ended_) return;
    ended_ = why;
    ended_at_ = at;
}

std::deque<peer::command>& peer::unread()
{
    if (transport_) transport_->poll();
    return unread_;
}

std::optional<peer::command> peer::take()
{
    auto& box = unread();
    if (box.empty()) return std::nullopt;
    command c = std::move(box.front());
    box.pop_front();
    return c;
}

std::optional<peer::command> peer::take(std::uint16_t channel)
{
    auto& box = unread();
    for (auto it = box.begin(); it != box.end(); ++it) {
        if (it->channel != channel) continue;
        command c = std::move(*it);
        box.erase(it);
        return c;
    }
    return std::nullopt;
}

std::optional<peer::command> peer::next(std::uint16_t channel, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto c = take(channel)) return c;
        const auto closing = [](const command& c) {
            return c.channel == 0 && std::holds_alternative<proto::connection_close>(c.value.method);
        };
        if (std::ranges::any_of(unread_, closing)) return std::nullopt;
        if (!transport_ || !transport_->wait(deadline)) return std::nullopt;
    }
}

void peer::discard(std::uint16_t channel)
{
    std::erase_if(unread_, [channel](const command& c) { return c.channel == channel; });
    command_reader_.reset(channel);
}

void peer::handshake()
{
    send_protocol_header();
    expect<proto::connection_start>();
    send_start_ok();
    send_tune_ok(expect<proto::connection_tune>());
    send_open();
    expect<proto::connection_open_ok>();
}

void peer::open_channel(std::uint16_t channel)
{
    send(channel, proto::channel_open{});
    expect<proto::channel_open_ok>();
}

std::string peer::transcript() const
{
    std::ostringstream os;
    for (const auto& c : commands_) {
        os << "ch" << c.channel << ' ';
        std::visit([&os](const auto& m) { os << m.name; }, c.value.method);
        os << '\n';
    }
    if (ended_) os << "(ended: " << ended_->message() << ")\n";
    if (!failure_.empty()) os << "(" << failure_ << ")\n";
    return os.str();
}

}  // namespace amqp::test
