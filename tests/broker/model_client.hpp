#pragma once

// Drives a server_connection without sockets: encode frames in, decode its output.

#include "model/broker_state.hpp"
#include "model/server_connection.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/sasl.hpp>
#include <amqp/protocol/tuning.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <sstream>

namespace amqp::fakebroker::test {

namespace proto = amqp::protocol;

class model_client {
public:
    explicit model_client(broker_state& broker, std::string peer = "127.0.0.1:1000")
        : broker_(broker), connection_(broker, std::move(peer))
    {
    }

    server_connection& connection() noexcept { return connection_; }

    // Input arrives at the broker's current time, which the test's manual_clock sets.
    void send_bytes(std::string_view bytes) { last_actions_ = connection_.receive(proto::as_bytes(bytes), broker_.now()); }

    template <class M>
    void send(std::uint16_t channel, const M& m)
    {
        proto::byte_buffer out;
        proto::encode_frame(out, channel, m);
        last_actions_ = connection_.receive(out.data(), broker_.now());
    }

    void publish(std::uint16_t channel, const std::string& exchange, const std::string& routing_key,
                 std::string_view body, const proto::basic_properties& properties = {},
                 bool mandatory = false)
    {
        proto::byte_buffer out;
        proto::encode_message(out, channel, proto::basic_publish{0, exchange, routing_key, mandatory, false},
                              properties, proto::as_bytes(body), 131072);
        last_actions_ = connection_.receive(out.data(), broker_.now());
    }

    // What the last input asked of the host.
    const connection_actions& last_actions() const noexcept { return last_actions_; }

    // Every command the connection has written so far.
    std::deque<proto::command>& received()
    {
        auto& out = connection_.output();
        reader_.feed(out.data());
        out.clear();
        for (auto f = reader_.next(); !f.need_more(); f = reader_.next()) {
            if (f.error) {
                ADD_FAILURE() << "broker wrote a bad frame: " << *f.error;
                break;
            }
            if (f.frame->type == proto::frame_type::heartbeat) continue;
            proto::command_read read = commands_.add(*f.frame);
            if (read.error) {
                ADD_FAILURE() << "broker wrote a bad command: " << *read.error;
                break;
            }
            if (read.command) inbox_.push_back(std::move(*read.command));
        }
        return inbox_;
    }

    // The next command; fails the test when it is not an M.
    template <class M>
    M expect()
    {
        auto& inbox = received();
        if (inbox.empty()) {
            ADD_FAILURE() << "expected " << M::name << ", nothing arrived";
            return M{};
        }
        proto::command c = std::move(inbox.front());
        inbox.pop_front();
        last_ = c;
        if (const M* m = std::get_if<M>(&c.method)) return *m;
        std::ostringstream os;
        os << c.method;
        ADD_FAILURE() << "expected " << M::name << ", got " << os.str();
        return M{};
    }
    // The body and header of the last command expect() returned.
    const proto::command& last() const { return last_; }

    bool nothing_received() { return received().empty(); }

    void handshake(const std::string& user = "guest", const std::string& password = "guest",
                   const std::string& vhost = "/")
    {
        send_bytes(std::string("AMQP\x00\x00\x09\x01", 8));
        expect<proto::connection_start>();
        // Only consumer_cancel_notify (RabbitMQ sends basic.cancel only to clients that
        // announce it): tests rely on this client not asking for connection.blocked.
        const proto::field_table capabilities{{std::string(proto::capability::consumer_cancel_notify), true}};
        send(0, proto::connection_start_ok{{{"connection_name", std::string("model-test")},
                                            {"capabilities", capabilities}},
                                           std::string(proto::plain_mechanism), proto::plain_response(user, password),
                                           "en_US"});
        auto tune = expect<proto::connection_tune>();
        send(0, proto::negotiate(tune, {0, 0, 0}));  // the broker's limits, no heartbeats
        send(0, proto::connection_open{vhost, "", false});
        expect<proto::connection_open_ok>();
    }

    void open_channel(std::uint16_t channel)
    {
        send(channel, proto::channel_open{});
        expect<proto::channel_open_ok>();
    }

    void declare_queue(std::uint16_t channel, const std::string& name, proto::field_table arguments = {})
    {
        send(channel, proto::queue_declare{0, name, false, false, false, false, false, std::move(arguments)});
        expect<proto::queue_declare_ok>();
    }

private:
    broker_state& broker_;
    server_connection connection_;
    connection_actions last_actions_;
    proto::frame_reader reader_{0};
    proto::command_reader commands_;
    std::deque<proto::command> inbox_;
    proto::command last_;
};

// A broker whose clock only moves when the test says so.
class manual_clock {
public:
    clock::time_point now = clock::time_point{} + std::chrono::hours(1);

    void attach(broker_state& broker)
    {
        broker_ = &broker;
        broker.set_time(now);
    }
    void advance(std::chrono::milliseconds d) { set(now + d); }
    void set(clock::time_point t)
    {
        now = t;
        if (broker_) broker_->set_time(now);
    }

private:
    broker_state* broker_ = nullptr;
};

}  // namespace amqp::fakebroker::test
