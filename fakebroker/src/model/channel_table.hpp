#pragma once

#include "connection_liveness.hpp"
#include "server_channel.hpp"

#include <amqp/fakebroker/inspection.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {

class server_connection;

// The channels of one connection by number: channel.open within channel_max,
// channel.close from either side (a number the broker closed waits for the client's
// close-ok), lookup, and all of them at once when the connection goes. It sends
// nothing: on_command says what to answer, and the connection sends it.
class channel_table {
public:
    explicit channel_table(server_connection& connection) noexcept : connection_(connection) {}
    ~channel_table();
    channel_table(const channel_table&) = delete;
    channel_table& operator=(const channel_table&) = delete;

    // What a command on a channel number comes to. channel.open, close and close-ok
    // are the table's; any other method on an open channel is that channel's.
    struct step {
        server_channel* handler = nullptr;  // the open channel to handle the command
        bool open_ok = false;  // answer channel.open-ok
        bool close_ok = false;  // answer channel.close-ok
        bool closed = false;  // the channel went: drop its half-read content
        // Close the channel or the connection (protocol::is_hard_error tells which).
        std::optional<error> failure;
    };
    // channel_max is the negotiated one: RabbitMQ reads it as how many channels may be
    // open at once.
    step on_command(std::uint16_t number, const protocol::method& m, std::uint16_t channel_max);

    // The open channel `number`, or nullptr.
    server_channel* find(std::uint16_t number) const;
    // The broker closes the channel: it goes at once, and its number waits for the
    // client's close-ok, ignoring all else.
    void close_by_broker(std::uint16_t number);
    // Whether the broker's channel.close on `number` waits for close-ok.
    bool closing(std::uint16_t number) const { return !closing_.empty() && closing_.count(number) != 0; }

    // Every channel goes, as the connection does. All their consumers go before any
    // channel requeues its deliveries, so a message one channel gives back is not
    // delivered to another one closing with it (RabbitMQ closes the channels of a
    // connection together). The numbers that wait for close-ok stay so.
    void close_all();

    std::size_t size() const noexcept { return channels_.size(); }
    // In channel number order.
    auto begin() const noexcept { return channels_.begin(); }
    auto end() const noexcept { return channels_.end(); }

    // Each open channel's oldest delivery that waits for its ack, in number order.
    std::vector<unacked_since> oldest_unacked() const;
    // basic.cancel from the broker for the consumer `tag` (empty: the oldest) on
    // `number`, or on the first channel that has it when `number` is 0.
    void cancel_consumer(std::uint16_t number, std::string_view tag);
    std::vector<channel_info> infos(const std::string& connection_name) const;

private:
    // Shuts the channel down, if it is open, and forgets it.
    void close_channel(std::uint16_t number);

    server_connection& connection_;
    std::map<std::uint16_t, std::unique_ptr<server_channel>> channels_;
    // Numbers the broker sent channel.close on, waiting for close-ok.
    std::set<std::uint16_t> closing_;
};

}  // namespace amqp::fakebroker
