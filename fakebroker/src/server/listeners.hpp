#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {

// The address a broker_options::address of "" stands for in URLs: the loopback
// listeners always include it.
inline constexpr std::string_view loopback_host = "127.0.0.1";

// Listening sockets for one port. A given address gets one socket. The empty address
// means both loopbacks, as RabbitMQ listens on both by default: 127.0.0.1, and ::1
// where the machine has IPv6, so that a client resolving "localhost" to ::1 first is
// not refused. With port 0 both share one ephemeral port (retried a few times when
// the port the IPv4 socket got is taken on ::1).
// Throws std::system_error when the address cannot be bound.
std::vector<asio::ip::tcp::acceptor> listen_on(asio::io_context& io, std::string_view address, std::uint16_t port);

// How a URL names the address: IPv6 in brackets, "" as loopback_host.
std::string url_host(std::string_view address);

}  // namespace amqp::fakebroker
