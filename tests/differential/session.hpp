#pragma once

#include "conversation.hpp"
#include "handshake.hpp"

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/command_reader.hpp>
#include <amqp/protocol/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace amqp::differential {

// What one connection received, in order.
struct event {
    enum class kind {
        command,  // a method, with its content for content-carrying methods
        socket_closed,  // the server closed the socket
        undecodable,  // bytes the codec refused (detail says why); nothing is read after
    };
    kind what = kind::command;
    // The conversation step during which it arrived.
    std::size_t step = 0;
    protocol::command command;
    std::string detail;
    // Which connect of the connection it belongs to (1 for the first): a connect step
    // that replaces a connection starts a new one on both brokers.
    int incarnation = 0;
};

// Per channel, in arrival order; connection-level methods and the socket's end are on
// channel 0. Order across channels is not recorded: the protocol does not define it.
struct connection_record {
    bool connected = false;
    // How many connect steps this connection has had; the events of the current
    // connection carry this number.
    int connects = 0;
    std::map<std::uint16_t, std::vector<event>> channels;

    std::size_t size() const;
};

struct transcript {
    std::vector<connection_record> connections = std::vector<connection_record>(max_connections);
};

// One client connection as the runner plays it, sans-I/O: bytes from the server go in
// through receive(), bytes for the server come out of take_output(). It answers as
// every client library does and nothing more: the handshake (PLAIN, the server's
// tuning, no heartbeats), close-ok to a server's channel.close and connection.close.
class session {
public:
    session(std::string user, std::string password, std::string vhost, connection_record& record);

    // The protocol header: what a connect step sends first.
    void start();
    void send(const outgoing& frame, std::string_view prefix);
    void receive(std::span<const std::byte> bytes, std::size_t step);
    void server_closed(std::size_t step);

    std::string take_output();
    bool has_output() const noexcept { return out_.size() > 0; }

    // Whether the server has closed the socket, and whether the client should close
    // it now (after close-ok, in either direction).
    bool eof() const noexcept { return eof_; }
    bool done() const noexcept { return done_; }
    // The client sent connection.close and the server answered close-ok.
    bool closed_by_client() const noexcept { return close_ok_received_; }
    bool broken() const noexcept { return broken_; }
    // Channels the server has confirmed open and not closed since.
    const std::set<std::uint16_t>& open_channels() const noexcept { return open_channels_; }

private:
    void on_command(const protocol::command& c, std::uint16_t channel);
    test::handshake_options handshake() const;

    std::string user_;
    std::string password_;
    std::string vhost_;
    connection_record& record_;
    protocol::frame_reader reader_;
    protocol::command_reader commands_;
    protocol::byte_buffer out_;
    std::uint32_t frame_max_ = protocol::frame_min_size;
    std::set<std::uint16_t> open_channels_;
    bool eof_ = false;
    bool done_ = false;
    bool close_ok_received_ = false;
    bool broken_ = false;
};

}  // namespace amqp::differential
