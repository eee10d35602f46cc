#pragma once

#include "permissions.hpp"

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/protocol_error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace amqp::fakebroker {

class broker_state;
class vhost;

// The server's half of the AMQP handshake after connection.start: start-ok (SASL
// PLAIN or AMQPLAIN against the broker's users), tune-ok, open (the vhost and the
// user's permissions in it), answered as RabbitMQ 3.10 answers. A machine without I/O:
// each method in gives the step to take.
class server_handshake {
public:
    enum class stage { start_ok, tune_ok, open, done };

    // What to do after a method: send the reply, close the connection with an error,
    // and/or close the socket without a word (what RabbitMQ does when a handshake goes
    // wrong before it can say so).
    struct step {
        std::optional<protocol::connection_tune> tune;
        bool open_ok = false;
        std::optional<protocol::protocol_error> close;
        bool drop = false;
    };

    explicit server_handshake(broker_state& broker);

    // The connection.start the server opens with.
    static protocol::connection_start start();

    // Takes the method the stage waits for; any other is a drop.
    step on_method(const protocol::method& m);

    stage current() const noexcept { return stage_; }
    // Settled by start-ok.
    const std::string& user() const noexcept { return user_; }
    const protocol::field_table& client_properties() const noexcept { return client_properties_; }
    // Whether the client's capabilities table has this one set to true: RabbitMQ tells
    // only such clients of blocks, refused logins and cancelled consumers.
    bool client_announces(std::string_view capability) const;
    // Settled by tune-ok.
    std::uint16_t channel_max() const noexcept { return channel_max_; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }
    std::uint16_t heartbeat() const noexcept { return heartbeat_; }
    // Settled by open.
    fakebroker::vhost* vhost() const noexcept { return vhost_; }
    const vhost_access* access() const noexcept { return access_; }

private:
    step start_ok(const protocol::connection_start_ok& m);
    step tune_ok(const protocol::connection_tune_ok& m);
    step open(const protocol::connection_open& m);

    broker_state& broker_;
    stage stage_ = stage::start_ok;
    std::string user_;
    protocol::field_table client_properties_;
    std::uint16_t channel_max_;
    std::uint32_t frame_max_;
    std::uint16_t heartbeat_ = 0;
    fakebroker::vhost* vhost_ = nullptr;
    const vhost_access* access_ = nullptr;
};

}  // namespace amqp::fakebroker
