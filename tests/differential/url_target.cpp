// The URL target: a broker at an amqp:// URL (RabbitMQ) over TCP sockets, and deleting what a run created there.
#include "runner.hpp"

#include "amqp_driver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

int remaining_ms(clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return int(std::max<long long>(0, left));
}

class url_target final : public target {
public:
    explicit url_target(std::string url) : url_(std::move(url)), parsed_(test::amqp_url::parse(url_)) {}

    ~url_target() override
    {
        for (auto& c : connections_) {
            if (c.fd >= 0) ::close(c.fd);
        }
    }

    void open(int connection, session& s) override
    {
        slot& c = connections_[std::size_t(connection)];
        if (c.fd >= 0) ::close(c.fd);
        c = slot{};
        c.client = &s;
        c.fd = connect_socket();
    }

    void close(int connection) override
    {
        slot& c = connections_[std::size_t(connection)];
        if (c.fd >= 0) ::close(c.fd);
        c = slot{};
    }

    void settle(const std::function<bool()>& enough, clock::time_point deadline, std::size_t step) override
    {
        for (;;) {
            flush();
            if (enough()) return;
            std::vector<pollfd> fds;
            std::vector<slot*> slots;
            for (auto& c : connections_) {
                if (c.fd >= 0 && !c.eof) {
                    fds.push_back({c.fd, POLLIN, 0});
                    slots.push_back(&c);
                }
            }
            const int wait = std::min(remaining_ms(deadline), 10);
            if (fds.empty()) {
                if (clock::now() >= deadline) return;
                // Nothing can arrive; the condition may still depend on time (grace).
                pollfd none{};
                ::poll(&none, 0, wait);
                continue;
            }
            const int ready = ::poll(fds.data(), fds.size(), wait);
            if (ready < 0 && errno != EINTR) throw std::runtime_error("poll failed");
            for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                std::array<std::byte, 65536> buffer;
                const ssize_t n = ::recv(fds[i].fd, buffer.data(), buffer.size(), 0);
                if (n > 0) {
                    slots[i]->client->receive(std::span<const std::byte>(buffer.data(), std::size_t(n)), step);
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    slots[i]->eof = true;
                    slots[i]->client->server_closed(step);
                }
            }
            if (clock::now() >= deadline) {
                flush();
                return;
            }
        }
    }

    void clean_up(const std::vector<std::string>& queues, const std::vector<std::string>& exchanges) override
    {
        if (queues.empty() && exchanges.empty()) return;
        test::amqp_driver d(url_, std::chrono::milliseconds(5000));
        d.connect();
        d.open_channel(1);
        const auto finish = [&d] {
            proto::command c = d.next(1);
            if (std::holds_alternative<proto::channel_close>(c.method)) {
                d.send(1, proto::channel_close_ok{});
                d.open_channel(1);
            }
        };
        for (const std::string& q : queues) {
            d.send(1, proto::queue_delete{0, q, false, false, false});
            finish();
        }
        for (const std::string& x : exchanges) {
            d.send(1, proto::exchange_delete{0, x, false, false});
            finish();
        }
        d.close();
    }

    bool immediate() const override { return false; }

private:
    struct slot {
        int fd = -1;
        bool eof = false;
        differential::session* client = nullptr;
    };

    int connect_socket() const
    {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        const std::string port = std::to_string(parsed_.port);
        if (::getaddrinfo(parsed_.host.c_str(), port.c_str(), &hints, &found) != 0) {
            throw std::runtime_error("cannot resolve " + parsed_.host);
        }
        int fd = -1;
        for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
            fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) continue;
            if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                ::close(fd);
                fd = -1;
            }
        }
        ::freeaddrinfo(found);
        if (fd < 0) throw std::runtime_error("cannot connect to " + url_);
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }

    void flush()
    {
        for (auto& c : connections_) {
            if (c.fd < 0 || !c.client || !c.client->has_output()) continue;
            const std::string bytes = c.client->take_output();
            std::size_t sent = 0;
            while (sent < bytes.size()) {
                const ssize_t n = ::send(c.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
                if (n > 0) {
                    sent += std::size_t(n);
                } else if (n < 0 && errno == EINTR) {
                    continue;
                } else {
                    break;  // the server has gone; what it sent is still read
                }
            }
        }
    }

    std::string url_;
    test::amqp_url parsed_;
    std::array<slot, max_connections> connections_;
};

}  // namespace

std::unique_ptr<target> make_url_target(const std::string& url) { return std::make_unique<url_target>(url); }

}  // namespace amqp::differential
