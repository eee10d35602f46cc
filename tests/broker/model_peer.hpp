#pragma once

// The test peer with the broker model as its transport: what it sends goes into a
// server_connection through receive(bytes, now), what the connection writes comes back
// from output() whenever the test looks. No sockets, no io_context.

#include "model/broker_state.hpp"
#include "model/server_connection.hpp"
#include "peer.hpp"

#include <amqp/protocol/capabilities.hpp>

#include <string>

namespace amqp::fakebroker::test {

namespace proto = amqp::protocol;

// Only consumer_cancel_notify (RabbitMQ sends basic.cancel only to clients that
// announce it): tests rely on this client not asking for connection.blocked.
inline amqp::test::handshake_options model_options(std::string user = "guest", std::string password = "guest",
                                                   std::string vhost = "/")
{
    amqp::test::handshake_options options;
    options.user = std::move(user);
    options.password = std::move(password);
    options.vhost = std::move(vhost);
    options.connection_name = "model-test";
    options.client_properties = {
        {"capabilities", proto::field_table{{std::string(proto::capability::consumer_cancel_notify), true}}}};
    return options;
}

class model_peer final : private amqp::test::peer_transport, public amqp::test::peer {
public:
    explicit model_peer(broker_state& broker, std::string peer_name = "127.0.0.1:1000",
                        amqp::test::handshake_options options = model_options())
        : peer(std::move(options), this), broker_(broker), connection_(broker, std::move(peer_name))
    {}

    server_connection& connection() noexcept { return connection_; }
    // What the last input asked of the host.
    const connection_actions& last_actions() const noexcept { return last_actions_; }

    // The handshake as the given user; the options' capabilities stay.
    void handshake(std::string user = "guest", std::string password = "guest", std::string vhost = "/")
    {
        set_options(model_options(std::move(user), std::move(password), std::move(vhost)));
        peer::handshake();
    }

    void declare_queue(std::uint16_t channel, const std::string& name, proto::field_table arguments = {})
    {
        send(channel, proto::queue_declare{0, name, false, false, false, false, false, std::move(arguments)});
        expect<proto::queue_declare_ok>();
    }

private:
    // Input arrives at the broker's current time, which the test's manual_clock sets.
    void write(std::span<const std::byte> bytes) override { last_actions_ = connection_.receive(bytes, broker_.now()); }
    void poll() override
    {
        auto& out = connection_.output();
        if (out.size() == 0) return;
        receive(out.data(), broker_.now());
        out.clear();
        if (!failure().empty() && !reported_) {
            reported_ = true;
            ADD_FAILURE() << "broker wrote " << failure();
        }
    }

    broker_state& broker_;
    server_connection connection_;
    connection_actions last_actions_;
    bool reported_ = false;
};

}  // namespace amqp::fakebroker::test
