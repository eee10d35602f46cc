#include "bench_connection.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/sasl.hpp>
#include <amqp/protocol/wire.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace amqp::bench {

namespace proto = amqp::protocol;

namespace {

std::string percent_decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            unsigned value = 0;
            const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
            if (ec != std::errc{} || end != s.data() + i + 3) throw bench_error("bad %-escape in AMQP URL");
            out.push_back(static_cast<char>(value));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string errno_text(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

int remaining_ms(steady::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

}  // namespace

amqp_url amqp_url::parse(std::string_view url)
{
    amqp_url out;
    constexpr std::string_view scheme = "amqp://";
    if (!url.starts_with(scheme)) throw bench_error("AMQP URL must start with amqp:// (amqps is not supported here)");
    url.remove_prefix(scheme.size());
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view path = url.substr(slash + 1);
        path = path.substr(0, path.find('?'));
        if (!path.empty()) out.vhost = percent_decode(path);
    }
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const auto colon = userinfo.find(':');
        out.user = percent_decode(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) out.password = percent_decode(userinfo.substr(colon + 1));
    }
    if (const auto colon = authority.rfind(':');
        colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
        if (ec != std::errc{} || end != port.data() + port.size()) throw bench_error("bad port in AMQP URL");
        authority = authority.substr(0, colon);
    }
    if (authority.starts_with('[') && authority.ends_with(']')) authority = authority.substr(1, authority.size() - 2);
    if (!authority.empty()) out.host = std::string(authority);
    return out;
}

std::uint32_t method_id(std::span<const std::byte> payload) noexcept
{
    if (payload.size() < 4) return 0;
    return (std::uint32_t(proto::detail::load_be16(payload.data())) << 16) |
           proto::detail::load_be16(payload.data() + 2);
}

bench_connection::bench_connection(const amqp_url& url, std::string_view name, steady::time_point deadline)
    : name_(name), reader_(proto::frame_min_size)
{
    try {
        connect(url, deadline);
        handshake(url, deadline);
    } catch (...) {
        if (fd_ >= 0) ::close(fd_);
        throw;
    }
}

bench_connection::~bench_connection()
{
    if (fd_ >= 0) ::close(fd_);
}

void bench_connection::connect(const amqp_url& url, steady::time_point deadline)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(url.port);
    if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw bench_error(name_ + ": cannot resolve " + url.host + ": " + ::gai_strerror(rc));
    }
    std::string failure = "no address";
    for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, remaining_ms(deadline));
            int error = 0;
            socklen_t len = sizeof error;
            if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0) {
                rc = 0;
            } else {
                failure = rc == 0 ? "timed out" : std::strerror(error ? error : errno);
                rc = -1;
            }
        } else if (rc != 0) {
            failure = std::strerror(errno);
        }
        if (rc == 0) {
            fd_ = fd;
        } else {
            ::close(fd);
        }
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw bench_error(name_ + ": cannot connect to " + url.host + ":" + port + ": " + failure);
    // As client libraries do: frames go out when written; batching is the writer's job.
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void bench_connection::handshake(const amqp_url& url, steady::time_point deadline)
{
    out_.append(std::span<const std::byte>(proto::protocol_header));
    flush(deadline);
    expect<proto::connection_start>(0, deadline);

    proto::connection_start_ok start_ok;
    start_ok.client_properties = proto::field_table{
        {"product", std::string("amqp-fake broker_bench")},
        {"connection_name", std::string(name_)},
        // With authentication_failure_close a refused login says why (403) before the
        // socket closes.
        {"capabilities", proto::client_capabilities()},
    };
    start_ok.mechanism = proto::plain_mechanism;
    start_ok.response = proto::plain_response(url.user, url.password);
    send(0, start_ok);
    flush(deadline);

    const auto tune = expect<proto::connection_tune>(0, deadline);
    frame_max_ = tune.frame_max == 0 ? 131072 : tune.frame_max;
    // Heartbeats off: a benchmark run is short and every wait is bounded anyway.
    send(0, proto::connection_tune_ok{tune.channel_max, frame_max_, 0});
    reader_.set_frame_max(frame_max_);
    send(0, proto::connection_open{url.vhost, "", false});
    flush(deadline);
    expect<proto::connection_open_ok>(0, deadline);
    call<proto::channel_open_ok>(1, proto::channel_open{}, deadline);
}

bool bench_connection::flush_some()
{
    bool wrote = false;
    while (!out_.empty()) {
        const auto pending = out_.data();
        const ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            out_.consume(static_cast<std::size_t>(n));
            wrote = true;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        throw bench_error(errno_text(name_ + ": send"));
    }
    return wrote;
}

void bench_connection::flush(steady::time_point deadline)
{
    while (!out_.empty()) {
        if (!flush_some()) wait(true, deadline, "writing");
    }
}

std::size_t bench_connection::read_some(std::size_t max)
{
    for (;;) {
        const auto space = reader_.prepare(max);
        const ssize_t n = ::recv(fd_, space.data(), space.size(), MSG_DONTWAIT);
        if (n > 0) {
            reader_.commit(static_cast<std::size_t>(n));
            return static_cast<std::size_t>(n);
        }
        if (n == 0) throw bench_error(name_ + ": the broker closed the connection");
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        throw bench_error(errno_text(name_ + ": recv"));
    }
}

void bench_connection::wait(bool write, steady::time_point deadline, std::string_view what)
{
    for (;;) {
        pollfd p{fd_, static_cast<short>(POLLIN | (write ? POLLOUT : 0)), 0};
        const int ms = remaining_ms(deadline);
        const int rc = ::poll(&p, 1, ms);
        if (rc > 0) return;
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) throw bench_error(errno_text(name_ + ": poll"));
        if (steady::now() >= deadline) throw bench_error(name_ + ": timed out " + std::string(what));
    }
}

void bench_connection::throw_if_close(const proto::frame_view& frame)
{
    const std::uint32_t id = method_id(frame.payload);
    if (id != id_of<proto::connection_close> && id != id_of<proto::channel_close>) return;
    auto decoded = proto::decode_method(frame.payload);
    std::ostringstream text;
    text << name_ << ": the broker closed the ";
    if (auto* c = decoded ? std::get_if<proto::connection_close>(&*decoded) : nullptr) {
        text << "connection: " << c->reply_code << " " << c->reply_text;
        send(0, proto::connection_close_ok{});
        flush_some();
    } else if (auto* ch = decoded ? std::get_if<proto::channel_close>(&*decoded) : nullptr) {
        text << "channel " << frame.channel << ": " << ch->reply_code << " " << ch->reply_text;
    } else {
        text << "connection with an undecodable close";
    }
    throw bench_error(text.str());
}

proto::method bench_connection::next_method(std::uint16_t channel, steady::time_point deadline)
{
    for (;;) {
        auto f = reader_.next();
        if (f.error) {
            std::ostringstream text;
            text << name_ << ": bad frame from the broker: " << *f.error;
            throw bench_error(text.str());
        }
        if (f.need_more()) {
            if (read_some() == 0) wait(false, deadline, "waiting for a reply");
            continue;
        }
        if (f.frame->type != proto::frame_type::method) continue;
        throw_if_close(*f.frame);
        const std::uint32_t id = method_id(f.frame->payload);
        if (id == id_of<proto::basic_deliver> || id == id_of<proto::basic_ack>) continue;
        if (f.frame->channel != channel) continue;
        auto decoded = proto::decode_method(f.frame->payload);
        if (!decoded) {
            std::ostringstream text;
            text << name_ << ": undecodable method from the broker: " << decoded.error();
            throw bench_error(text.str());
        }
        return std::move(*decoded);
    }
}

void bench_connection::close(steady::time_point deadline) noexcept
{
    if (fd_ < 0) return;
    try {
        send(0, proto::connection_close{200, "bench done", 0, 0});
        flush(deadline);
        expect<proto::connection_close_ok>(0, deadline);
    } catch (const bench_error&) {
        // The socket closes below either way.
    }
    ::close(fd_);
    fd_ = -1;
}

}  // namespace amqp::bench
