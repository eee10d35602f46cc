#pragma once

#include <amqp/client/connection_options.hpp>
#include <amqp/client/detail/completion.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace amqp::client::detail {

// What the handshake settled on with the broker.
struct tuning {
    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;
};

// The client side of connection.start .. connection.open-ok, without I/O: feed it
// the broker's channel-0 methods, send what it returns, stop when done() or failed().
class handshake {
public:
    explicit handshake(const connection_options& options);

    // The methods to send in answer (possibly none).
    std::vector<protocol::method> on_method(const protocol::method& m);

    bool done() const noexcept { return state_ == state::done; }
    const std::optional<failure>& failed() const noexcept { return failure_; }
    const tuning& negotiated() const noexcept { return tuning_; }
    const protocol::field_table& server_properties() const noexcept { return server_properties_; }

    // What the client announces in connection.start-ok.
    static protocol::field_table client_properties(const connection_options& options);

private:
    enum class state { start, tune, open, done, failed };

    std::vector<protocol::method> on_start(const protocol::connection_start& start);
    std::vector<protocol::method> on_tune(const protocol::connection_tune& tune);
    std::vector<protocol::method> on_close(const protocol::connection_close& close);
    std::vector<protocol::method> fail(std::error_code ec, close_info info);

    const connection_options& options_;
    state state_ = state::start;
    tuning tuning_;
    protocol::field_table server_properties_;
    std::optional<failure> failure_;
};

}  // namespace amqp::client::detail
