#include "session.hpp"

#include "amqp_driver.hpp"
#include "handshake.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/wire.hpp>

#include <type_traits>
#include <utility>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

void prefix_table(proto::field_table& table, std::string_view prefix);

void prefix_value(proto::field_value& value, std::string_view prefix)
{
    if (auto* s = std::get_if<std::string>(&static_cast<proto::field_variant&>(value))) {
        *s = with_prefix(*s, prefix);
    } else if (auto* t = std::get_if<proto::field_table>(&static_cast<proto::field_variant&>(value))) {
        prefix_table(*t, prefix);
    }
}

void prefix_table(proto::field_table& table, std::string_view prefix)
{
    proto::field_table out;
    for (const auto& [key, value] : table) {
        proto::field_value v = value;
        prefix_value(v, prefix);
        out.append(key, std::move(v));
    }
    table = std::move(out);
}

// Every name field of a method, and string values in its argument tables.
void prefix_method(proto::method& m, std::string_view prefix)
{
    std::visit(
        [prefix](auto& alternative) {
            using M = std::decay_t<decltype(alternative)>;
            M::fields(alternative, [prefix](std::string_view, auto& field) {
                using F = std::decay_t<decltype(field)>;
                if constexpr (std::is_same_v<F, std::string>) {
                    field = with_prefix(field, prefix);
                } else if constexpr (std::is_same_v<F, proto::field_table>) {
                    prefix_table(field, prefix);
                }
            });
        },
        m);
}

proto::field_table client_properties()
{
    // The conformance driver's capabilities, under the tester's own product name.
    proto::field_table properties = test::default_client_properties();
    properties.set("product", std::string("amqp differential tester"));
    return properties;
}

}  // namespace

std::size_t connection_record::size() const
{
    std::size_t n = 0;
    for (const auto& [channel, events] : channels) n += events.size();
    return n;
}

test::handshake_options session::handshake() const
{
    test::handshake_options options;
    options.user = user_;
    options.password = password_;
    options.vhost = vhost_;
    options.client_properties = client_properties();
    return options;
}

session::session(std::string user, std::string password, std::string vhost, connection_record& record)
    : user_(std::move(user)), password_(std::move(password)), vhost_(std::move(vhost)), record_(record)
{}

void session::start() { out_.append(proto::protocol_header); }

void session::send(const outgoing& frame, std::string_view prefix)
{
    if (!frame.raw.empty()) {
        out_.append(proto::as_bytes(frame.raw));
        return;
    }
    proto::method m = frame.method;
    prefix_method(m, prefix);
    if (auto* publish = std::get_if<proto::basic_publish>(&m)) {
        proto::basic_properties properties = frame.properties;
        if (properties.headers) prefix_table(*properties.headers, prefix);
        proto::encode_message(out_, frame.channel, *publish, properties, proto::as_bytes(frame.body), frame_max_);
    } else {
        proto::encode_frame(out_, frame.channel, m);
    }
}

std::string session::take_output()
{
    std::string bytes(out_.view());
    out_ = proto::byte_buffer{};
    return bytes;
}

void session::server_closed(std::size_t step)
{
    if (eof_) return;
    eof_ = true;
    done_ = true;
    record_.channels[0].push_back({event::kind::socket_closed, step, {}, {}, record_.connects});
}

void session::receive(std::span<const std::byte> bytes, std::size_t step)
{
    if (broken_) return;
    reader_.feed(bytes);
    for (;;) {
        proto::decoded_frame d = reader_.next();
        if (d.error) {
            record_.channels[0].push_back(
                {event::kind::undecodable, step, {}, d.error->reply_text(), record_.connects});
            broken_ = true;
            done_ = true;
            return;
        }
        if (!d.frame) return;
        if (d.frame->type == proto::frame_type::heartbeat) continue;
        const std::uint16_t channel = d.frame->channel;
        proto::command_read read = commands_.add(*d.frame);
        if (read.error) {
            record_.channels[channel].push_back(
                {event::kind::undecodable, step, {}, read.error->reply_text(), record_.connects});
            broken_ = true;
            done_ = true;
            return;
        }
        if (read.command) {
            record_.channels[channel].push_back({event::kind::command, step, *read.command, {}, record_.connects});
            on_command(*read.command, channel);
        }
    }
}

void session::on_command(const proto::command& c, std::uint16_t channel)
{
    if (std::holds_alternative<proto::connection_start>(c.method)) {
        proto::encode_frame(out_, 0, test::make_start_ok(handshake()));
    } else if (auto* tune = std::get_if<proto::connection_tune>(&c.method)) {
        frame_max_ = tune->frame_max;
        reader_.set_frame_max(frame_max_);
        // The server's limits, no heartbeats.
        proto::encode_frame(out_, 0, test::make_tune_ok(handshake(), *tune));
        proto::encode_frame(out_, 0, test::make_open(handshake()));
    } else if (std::holds_alternative<proto::channel_open_ok>(c.method)) {
        open_channels_.insert(channel);
    } else if (std::holds_alternative<proto::channel_close_ok>(c.method)) {
        open_channels_.erase(channel);
    } else if (std::holds_alternative<proto::channel_close>(c.method)) {
        open_channels_.erase(channel);
        proto::encode_frame(out_, channel, proto::channel_close_ok{});
    } else if (std::holds_alternative<proto::connection_close>(c.method)) {
        proto::encode_frame(out_, 0, proto::connection_close_ok{});
        done_ = true;
    } else if (std::holds_alternative<proto::connection_close_ok>(c.method)) {
        close_ok_received_ = true;
        done_ = true;
    }
}

}  // namespace amqp::differential
