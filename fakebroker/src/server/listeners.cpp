#include "listeners.hpp"

#include <asio/ip/v6_only.hpp>

#include <system_error>

namespace amqp::fakebroker {

using asio::ip::tcp;

namespace {

tcp::acceptor bound_acceptor(asio::io_context& io, const tcp::endpoint& endpoint, std::error_code& ec)
{
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol(), ec);
    if (ec) return acceptor;
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    // An IPv6 socket of its own: without v6_only it may claim the IPv4 side too.
    if (endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
    if (ec) return acceptor;
    acceptor.bind(endpoint, ec);
    if (ec) return acceptor;
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    return acceptor;
}

// No IPv6 on this machine (or no ::1 on its loopback): listen on IPv4 alone.
bool no_ipv6(const std::error_code& ec)
{
    return ec == std::errc::address_family_not_supported || ec == std::errc::address_not_available;
}

}  // namespace

std::vector<tcp::acceptor> listen_on(asio::io_context& io, std::string_view address, std::uint16_t port)
{
    std::vector<tcp::acceptor> acceptors;
    std::error_code ec;
    if (!address.empty()) {
        acceptors.push_back(bound_acceptor(io, tcp::endpoint(asio::ip::make_address(address), port), ec));
        if (ec) throw std::system_error(ec, "cannot listen on " + url_host(address) + ":" + std::to_string(port));
        return acceptors;
    }
    constexpr int attempts = 8;
    for (int attempt = 1;; ++attempt) {
        acceptors.clear();
        acceptors.push_back(bound_acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port), ec));
        if (ec) throw std::system_error(ec, "cannot listen on 127.0.0.1:" + std::to_string(port));
        const std::uint16_t bound = acceptors.front().local_endpoint().port();
        tcp::acceptor v6 = bound_acceptor(io, tcp::endpoint(asio::ip::address_v6::loopback(), bound), ec);
        if (!ec) {
            acceptors.push_back(std::move(v6));
            return acceptors;
        }
        if (no_ipv6(ec)) return acceptors;
        // The ephemeral port is free on 127.0.0.1 but taken on ::1: draw another.
        if (port != 0 || attempt == attempts) {
            throw std::system_error(ec, "cannot listen on [::1]:" + std::to_string(bound));
        }
    }
}

std::string url_host(std::string_view address)
{
    if (address.empty()) return std::string(loopback_host);
    if (address.find(':') != std::string_view::npos) return "[" + std::string(address) + "]";
    return std::string(address);
}

}  // namespace amqp::fakebroker
