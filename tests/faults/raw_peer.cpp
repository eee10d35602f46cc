#include "raw_peer.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/print.hpp>
#include <amqp/protocol/sasl.hpp>

#include <asio/error.hpp>

#include <sstream>

namespace amqp::fakebroker::test {

namespace proto = amqp::protocol;

raw_peer::raw_peer(std::shared_ptr<runtime::pipe_end> end, runtime::clock& clock)
    : end_(std::move(end)), clock_(clock)
{
    read();
}

raw_peer::~raw_peer()
{
    *alive_ = false;
    end_->close();
}

void raw_peer::read()
{
    end_->async_read_some(asio::buffer(buffer_), [this, alive = alive_](std::error_code ec, std::size_t n) {
        if (!*alive || ended_) return;
        if (ec) {
            ended_ = ec;
            ended_at_ = clock_.now();
            return;
        }
        on_bytes(n);
        if (!ended_) read();
    });
}

void raw_peer::on_bytes(std::size_t n)
{
    bytes_received_ += n;
    ++reads_;
    reader_.feed(std::span<const std::byte>(buffer_.data(), n));
    const auto now = clock_.now();
    for (auto f = reader_.next(); !f.need_more(); f = reader_.next()) {
        if (f.error) {
            ended_ = std::make_error_code(std::errc::protocol_error);
            ended_at_ = now;
            return;
        }
        frame seen{now, f.frame->type, f.frame->channel, std::nullopt};
        if (f.frame->type == proto::frame_type::method) {
            if (auto m = proto::decode_method(f.frame->payload)) seen.method = std::move(*m);
        }
        frames_.push_back(std::move(seen));
        if (f.frame->type == proto::frame_type::heartbeat) continue;
        proto::command_read read = command_reader_.add(*f.frame);
        if (read.error) {
            ended_ = std::make_error_code(std::errc::protocol_error);
            ended_at_ = now;
            return;
        }
        if (read.command) commands_.push_back({now, f.frame->channel, std::move(*read.command)});
    }
}

void raw_peer::send_bytes(std::span<const std::byte> bytes)
{
    // The pipe copies the bytes before the call returns; the buffer is kept alive
    // anyway for the TCP adapter, whose write completes later.
    auto copy = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
    end_->async_write(asio::buffer(*copy), [copy](std::error_code, std::size_t) {});
}

void raw_peer::send_protocol_header()
{
    send_bytes(proto::protocol_header);
}

void raw_peer::publish(std::uint16_t channel, std::string exchange, std::string routing_key,
                       std::string_view body, const proto::basic_properties& properties)
{
    proto::byte_buffer out;
    proto::basic_publish m;
    m.exchange = std::move(exchange);
    m.routing_key = std::move(routing_key);
    proto::encode_message(out, channel, m, properties, proto::as_bytes(body), 131072);
    send_bytes(out.data());
}

void raw_peer::send_heartbeat()
{
    proto::byte_buffer out;
    proto::encode_heartbeat(out);
    send_bytes(out.data());
}

void raw_peer::send_handshake(std::string_view connection_name, std::uint16_t heartbeat)
{
    proto::connection_start_ok start_ok;
    start_ok.client_properties = proto::field_table{
        {"connection_name", std::string(connection_name)},
        {"capabilities", proto::client_capabilities()}};
    start_ok.mechanism = proto::plain_mechanism;
    start_ok.response = proto::plain_response("guest", "guest");
    send(0, start_ok);
    send(0, proto::connection_tune_ok{2047, 131072, heartbeat});
    proto::connection_open open;
    open.virtual_host = "/";
    send(0, open);
}

std::size_t raw_peer::heartbeats() const
{
    std::size_t n = 0;
    for (const auto& f : frames_) n += f.type == proto::frame_type::heartbeat ? 1 : 0;
    return n;
}

std::string raw_peer::transcript() const
{
    std::ostringstream os;
    for (const auto& c : commands_) {
        os << "ch" << c.channel << ' ';
        std::visit([&os](const auto& m) { os << m.name; }, c.value.method);
        os << '\n';
    }
    if (ended_) os << "(ended: " << ended_->message() << ")\n";
    return os.str();
}

}  // namespace amqp::fakebroker::test
