// The test driver itself: URL parsing, and that its waits end with a clear failure
// when a peer is silent or goes away. Needs no broker.
#include "amqp_driver.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;

TEST(amqp_url, parses_every_part)
{
    const amqp_url u = amqp_url::parse("amqp://alice:s%40cret@broker.example:5673/%2Fprod");
    EXPECT_EQ(u.user, "alice");
    EXPECT_EQ(u.password, "s@cret");
    EXPECT_EQ(u.host, "broker.example");
    EXPECT_EQ(u.port, 5673);
    EXPECT_EQ(u.vhost, "/prod");
}

TEST(amqp_url, defaults)
{
    const amqp_url bare = amqp_url::parse("amqp://");
    EXPECT_EQ(bare.user, "guest");
    EXPECT_EQ(bare.password, "guest");
    EXPECT_EQ(bare.host, "127.0.0.1");
    EXPECT_EQ(bare.port, 5672);
    EXPECT_EQ(bare.vhost, "/");
    EXPECT_EQ(amqp_url::parse("amqp://guest:guest@127.0.0.1:5672/").vhost, "/");
    EXPECT_EQ(amqp_url::parse("amqp://h/%2F").vhost, "/");
    EXPECT_EQ(amqp_url::parse("amqp://h/vh?heartbeat=10").vhost, "vh");
}

TEST(amqp_url, ipv6_host)
{
    const amqp_url u = amqp_url::parse("amqp://u:p@[::1]:5680/");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 5680);
}

TEST(amqp_url, rejects_what_it_cannot_read)
{
    EXPECT_THROW(amqp_url::parse("http://h/"), std::invalid_argument);
    EXPECT_THROW(amqp_url::parse("amqp://h:99999/"), std::invalid_argument);
    EXPECT_THROW(amqp_url::parse("amqp://h:56x/"), std::invalid_argument);
    EXPECT_THROW(amqp_url::parse("amqp://h/%2"), std::invalid_argument);
}

// A listening socket on an ephemeral loopback port that never speaks: the kernel
// completes connections into its backlog.
class silent_listener {
public:
    silent_listener()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof addr;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(fd_, 4) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
            throw std::runtime_error("cannot listen on loopback");
        }
        port_ = ntohs(addr.sin_port);
    }
    ~silent_listener() { ::close(fd_); }
    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;

    std::string url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_) + "/"; }
    // Takes the connection the driver made (already complete) and closes it.
    void accept_and_close() { ::close(::accept(fd_, nullptr, nullptr)); }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

TEST(amqp_driver, a_silent_server_times_out_with_a_clear_message)
{
    silent_listener server;
    amqp_driver d(server.url(), 100ms);
    try {
        d.start();
        FAIL() << "start() returned without a server";
    } catch (const driver_error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("timed out after 100 ms"));
        EXPECT_THAT(e.what(), ::testing::HasSubstr("channel 0"));
    }
}

TEST(amqp_driver, a_server_closing_the_socket_is_reported)
{
    silent_listener server;
    amqp_driver d(server.url(), 2s);
    d.open_socket();
    server.accept_and_close();
    try {
        d.start();
        FAIL() << "start() returned after the server closed the socket";
    } catch (const driver_error& e) {
        EXPECT_THAT(e.what(), ::testing::AnyOf(::testing::HasSubstr("closed the socket"),
                                               ::testing::HasSubstr("could not send")));
    }
    EXPECT_TRUE(d.socket_closed());
}

}  // namespace
}  // namespace amqp::test
