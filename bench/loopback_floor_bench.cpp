// The floor under an RPC round trip over loopback TCP on this machine: the system calls
// alone, no AMQP, no broker, no client. client_bench's rpc/round_trip is four hops
// (caller → broker → server → broker → caller); here each hop is 100 bytes written
// to one end of its own loopback TCP connection (TCP_NODELAY, non-blocking) and read
// from the other, all on one thread. p50/p99 of a round trip are counters in µs.
//
//   loopback_floor_bench [Google Benchmark flags]
//
// How each hop waits for its bytes:
//   epoll         send, epoll_wait, recv: the least an event loop does per hop
//   epoll_eagain  as epoll, plus the recv that finds the socket empty, which asio
//                 makes each time it starts the next read
//   spin          send, then recv until the bytes are there: no epoll at all
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int hops = 4;
constexpr std::size_t hop_bytes = 100;

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string(what) + ": " + std::strerror(errno)); }

class file_descriptor {
public:
    explicit file_descriptor(int fd = -1) : fd_(fd) {}
    file_descriptor(file_descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    file_descriptor& operator=(file_descriptor&& other) noexcept
    {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~file_descriptor()
    {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

file_descriptor checked(int fd, const char* what)
{
    if (fd < 0) fail(what);
    return file_descriptor(fd);
}

void make_fast(int fd)
{
    const int one = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 || ::fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
        fail("setsockopt/fcntl");
}

// Both ends of one loopback TCP connection.
struct loopback_connection {
    file_descriptor writer, reader;
};

loopback_connection connect_over_loopback()
{
    auto listener = checked(::socket(AF_INET, SOCK_STREAM, 0), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener.get(), 1) != 0 ||
        ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        fail("bind/listen");
    loopback_connection connection;
    connection.writer = checked(::socket(AF_INET, SOCK_STREAM, 0), "socket");
    if (::connect(connection.writer.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("connect");
    connection.reader = checked(::accept(listener.get(), nullptr, nullptr), "accept");
    make_fast(connection.writer.get());
    make_fast(connection.reader.get());
    return connection;
}

enum class waiting { epoll, epoll_eagain, spin };

double percentile(const std::vector<double>& sorted, double p)
{
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

void bm_round_trip(benchmark::State& state, waiting how)
{
    try {
        std::array<loopback_connection, hops> connections;
        for (auto& c : connections) c = connect_over_loopback();
        auto poller = checked(::epoll_create1(0), "epoll_create1");
        for (auto& c : connections) {
            epoll_event interest{};
            interest.events = EPOLLIN | EPOLLET;
            interest.data.fd = c.reader.get();
            if (::epoll_ctl(poller.get(), EPOLL_CTL_ADD, c.reader.get(), &interest) != 0) fail("epoll_ctl");
        }

        std::array<char, hop_bytes> message{};
        std::array<char, 4096> buffer{};
        std::size_t system_calls = 0;
        auto receive = [&](int fd) {
            ++system_calls;
            return ::recv(fd, buffer.data(), buffer.size(), 0);
        };
        std::vector<double> latencies_us;
        for (auto _ : state) {
            const auto start = std::chrono::steady_clock::now();
            for (auto& c : connections) {
                ++system_calls;
                if (::send(c.writer.get(), message.data(), message.size(), 0) != static_cast<ssize_t>(hop_bytes))
                    fail("send");
                if (how == waiting::spin) {
                    while (receive(c.reader.get()) < 0)
                        if (errno != EAGAIN) fail("recv");
                    continue;
                }
                epoll_event ready[hops];
                ++system_calls;
                if (::epoll_wait(poller.get(), ready, hops, -1) < 1 || receive(c.reader.get()) < 0)
                    fail("epoll_wait/recv");
                if (how == waiting::epoll_eagain && receive(c.reader.get()) >= 0)
                    throw std::runtime_error("a hop's bytes came in two reads");
            }
            latencies_us.push_back(
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(latencies_us.begin(), latencies_us.end());
        state.counters["p50_us"] = percentile(latencies_us, 0.50);
        state.counters["p99_us"] = percentile(latencies_us, 0.99);
        state.counters["system_calls_per_round_trip"] =
            static_cast<double>(system_calls) / static_cast<double>(latencies_us.size());
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

BENCHMARK_CAPTURE(bm_round_trip, epoll, waiting::epoll)->MinTime(1.0);
BENCHMARK_CAPTURE(bm_round_trip, epoll_eagain, waiting::epoll_eagain)->MinTime(1.0);
BENCHMARK_CAPTURE(bm_round_trip, spin, waiting::spin)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
