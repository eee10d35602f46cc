#include "amqp_driver.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/print.hpp>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

namespace amqp::test {

namespace proto = amqp::protocol;

namespace {

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
        const int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            throw std::invalid_argument("bad percent escape in AMQP URL part '" + std::string(s) + "'");
        }
        out += char(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string errno_text(int error) { return std::strerror(error); }

int remaining_ms(std::chrono::steady_clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return int(std::max<std::chrono::milliseconds::rep>(0, left.count()));
}

}  // namespace

proto::field_table default_client_properties()
{
    return {
        {"product", std::string("amqp conformance driver")},
        {"version", std::string("0.1")},
        {"platform", std::string("C++20")},
        {"capabilities", proto::client_capabilities()},
    };
}

amqp_url amqp_url::parse(std::string_view url)
{
    constexpr std::string_view scheme = "amqp://";
    if (!url.starts_with(scheme)) {
        throw std::invalid_argument("not an amqp:// URL: '" + std::string(url) + "'");
    }
    std::string_view rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find_first_of("?#"));
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

    amqp_url result;
    std::string_view host_port = authority;
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        host_port = authority.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        result.user = percent_decode(userinfo.substr(0, colon));
        result.password = colon == std::string_view::npos ? "" : percent_decode(userinfo.substr(colon + 1));
    }
    std::string_view port;
    if (host_port.starts_with('[')) {  // [IPv6]:port
        const std::size_t close = host_port.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 host in '" + std::string(url) + "'");
        result.host = std::string(host_port.substr(1, close - 1));
        if (close + 1 < host_port.size() && host_port[close + 1] == ':') port = host_port.substr(close + 2);
    } else {
        const std::size_t colon = host_port.find(':');
        if (!host_port.substr(0, colon).empty()) result.host = std::string(host_port.substr(0, colon));
        if (colon != std::string_view::npos) port = host_port.substr(colon + 1);
    }
    if (!port.empty()) {
        unsigned value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || (value = value * 10 + unsigned(c - '0')) > 65535) {
                throw std::invalid_argument("bad port in AMQP URL '" + std::string(url) + "'");
            }
        }
        result.port = std::uint16_t(value);
    }
    if (!path.empty()) result.vhost = percent_decode(path);
    return result;
}

// The codec's transport: what the peer sends goes to the socket at once, and a wait
// reads the socket.
class amqp_driver::socket_transport final : public peer_transport {
public:
    explicit socket_transport(amqp_driver* driver) : driver_(driver) {}
    void follow(amqp_driver* driver) noexcept { driver_ = driver; }

private:
    void write(std::span<const std::byte> bytes) override { driver_->send_bytes(bytes); }
    bool wait(clock::time_point deadline) override { return !driver_->closed_ && driver_->read_some(deadline); }

    amqp_driver* driver_;
};

amqp_driver::amqp_driver(std::string_view url, std::chrono::milliseconds timeout)
    : url_(amqp_url::parse(url)),
      timeout_(timeout),
      transport_(std::make_unique<socket_transport>(this)),
      codec_(std::make_unique<peer>(handshake_options{}, transport_.get()))
{
    codec_->set_frame_max(proto::frame_min_size);  // until tune-ok agrees on more
}

amqp_driver::~amqp_driver() { close_socket(); }

amqp_driver::amqp_driver(amqp_driver&& other) noexcept
    : url_(std::move(other.url_)),
      timeout_(other.timeout_),
      fd_(std::exchange(other.fd_, -1)),
      closed_(other.closed_),
      transport_(std::move(other.transport_)),
      codec_(std::move(other.codec_)),
      server_start_(std::move(other.server_start_)),
      server_tune_(other.server_tune_),
      frame_max_(other.frame_max_)
{
    if (transport_) transport_->follow(this);
}

amqp_driver& amqp_driver::operator=(amqp_driver&& other) noexcept
{
    if (this != &other) {
        close_socket();
        url_ = std::move(other.url_);
        timeout_ = other.timeout_;
        fd_ = std::exchange(other.fd_, -1);
        closed_ = other.closed_;
        transport_ = std::move(other.transport_);
        if (transport_) transport_->follow(this);
        codec_ = std::move(other.codec_);
        server_start_ = std::move(other.server_start_);
        server_tune_ = other.server_tune_;
        frame_max_ = other.frame_max_;
    }
    return *this;
}

void amqp_driver::close_socket() noexcept
{
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

driver_error amqp_driver::failure(std::string what) const { return driver_error(what + pending_summary()); }

driver_error amqp_driver::unexpected(std::uint16_t channel, std::string_view wanted, const proto::command& got) const
{
    return failure("expected " + std::string(wanted) + " on channel " + std::to_string(channel) + ", got " +
                   describe(got));
}

std::string amqp_driver::pending_summary() const
{
    std::string out;
    for (const peer::command& c : codec_->unread()) {
        out += "\n  unread on channel " + std::to_string(c.channel) + ": " + describe(c.value);
    }
    return out;
}

void amqp_driver::open_socket()
{
    if (fd_ >= 0) throw failure("open_socket: already connected");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(url_.port);
    if (const int rc = ::getaddrinfo(url_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw failure("cannot resolve " + url_.host + ": " + ::gai_strerror(rc));
    }
    const auto deadline = clock::now() + timeout_;
    std::string why = "no address";
    for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = errno_text(errno);
            continue;
        }
        int error = 0;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            error = errno;
            if (error == EINPROGRESS) {
                pollfd p{fd, POLLOUT, 0};
                if (::poll(&p, 1, remaining_ms(deadline)) == 1) {
                    socklen_t size = sizeof error;
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
                } else {
                    error = ETIMEDOUT;
                }
            }
        }
        if (error != 0) {
            why = errno_text(error);
            ::close(fd);
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw failure("cannot connect to " + url_.host + ":" + port + ": " + why);
    closed_ = false;
}

proto::connection_start amqp_driver::start(const connect_options& options)
{
    if (fd_ < 0) open_socket();
    send_bytes(proto::protocol_header);
    server_start_ = expect<proto::connection_start>(0);
    send(0, make_start_ok(handshake(options)));
    return server_start_;
}

handshake_options amqp_driver::handshake(const connect_options& options) const
{
    handshake_options h;
    h.user = options.user.value_or(url_.user);
    h.password = options.password.value_or(url_.password);
    h.vhost = options.vhost.value_or(url_.vhost);
    h.mechanism = options.mechanism;
    h.client_properties = default_client_properties();
    for (const auto& [key, value] : options.client_properties) h.client_properties.set(key, value);
    h.connection_name = options.connection_name;
    h.channel_max = options.channel_max;
    h.frame_max = options.frame_max;
    h.heartbeat = options.heartbeat;
    return h;
}

proto::connection_tune amqp_driver::tune(const connect_options& options)
{
    server_tune_ = expect<proto::connection_tune>(0);
    const proto::connection_tune_ok ok = make_tune_ok(handshake(options), server_tune_);
    send(0, ok);
    frame_max_ = ok.frame_max;
    codec_->set_frame_max(frame_max_);
    return server_tune_;
}

void amqp_driver::open(const connect_options& options)
{
    rpc<proto::connection_open_ok>(0, make_open(handshake(options)));
}

void amqp_driver::connect(const connect_options& options)
{
    start(options);
    tune(options);
    open(options);
}

void amqp_driver::send_message(std::uint16_t channel, const proto::basic_publish& publish,
                               const proto::basic_properties& properties, std::string_view body)
{
    codec_->send_message(channel, publish, properties, body);
}

void amqp_driver::send_bytes(std::span<const std::byte> bytes)
{
    if (fd_ < 0) throw failure("send: not connected");
    const auto deadline = clock::now() + timeout_;
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes = bytes.subspan(std::size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLOUT, 0};
            if (::poll(&p, 1, remaining_ms(deadline)) == 0) {
                throw failure("timed out after " + std::to_string(timeout_.count()) + " ms sending to the server");
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        closed_ = true;
        throw failure("could not send: " + errno_text(errno) + " (the server closed the connection)");
    }
}

bool amqp_driver::read_some(clock::time_point deadline)
{
    if (fd_ < 0) throw failure("read: not connected");
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready == 0) return false;
    if (ready < 0) {
        if (errno == EINTR) return true;
        throw failure("poll: " + errno_text(errno));
    }
    std::array<std::byte, 64 * 1024> space;
    const ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
    if (n > 0) {
        codec_->receive(std::span(space.data(), std::size_t(n)), clock::now());
        if (!codec_->failure().empty()) throw failure(codec_->failure() + " from the server");
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        closed_ = true;
        reset_ = n < 0 && errno == ECONNRESET;
    }
    return true;
}

proto::command amqp_driver::next(std::uint16_t channel)
{
    const auto deadline = clock::now() + timeout_;
    const std::string where = " while waiting for a command on channel " + std::to_string(channel);
    for (;;) {
        if (auto c = codec_->take(channel)) return std::move(c->value);
        if (channel != 0) {
            for (const peer::command& c : codec_->unread()) {
                if (c.channel == 0 && std::holds_alternative<proto::connection_close>(c.value.method)) {
                    throw failure("the server closed the connection" + where + ": " + describe(c.value));
                }
            }
        }
        if (closed_) throw failure("the server closed the socket" + where);
        if (!read_some(deadline)) {
            throw failure("timed out after " + std::to_string(timeout_.count()) + " ms" + where);
        }
    }
}

std::size_t amqp_driver::pending(std::uint16_t channel) const
{
    const auto& box = codec_->unread();
    const auto on_channel = [channel](const peer::command& c) { return c.channel == channel; };
    return std::size_t(std::count_if(box.begin(), box.end(), on_channel));
}

void amqp_driver::open_channel(std::uint16_t channel) { rpc<proto::channel_open_ok>(channel, proto::channel_open{}); }

void amqp_driver::close_channel(std::uint16_t channel)
{
    send(channel, proto::channel_close{200, "Goodbye", 0, 0});
    for (;;) {
        const proto::command c = next(channel);
        if (std::holds_alternative<proto::channel_close_ok>(c.method)) break;
    }
    codec_->discard(channel);
}

proto::connection_close amqp_driver::expect_connection_close(proto::reply_code code)
{
    proto::connection_close close = expect<proto::connection_close>(0);
    try {
        send(0, proto::connection_close_ok{});
    } catch (const driver_error&) {
        // Some closes (authentication failures) are followed by the socket closing
        // without waiting for close-ok.
    }
    if (close.reply_code != std::uint16_t(code)) {
        std::ostringstream os;
        os << "expected connection.close with reply code " << std::uint16_t(code) << ", got " << close;
        throw failure(os.str());
    }
    return close;
}

std::optional<proto::connection_close> amqp_driver::expect_connection_end()
{
    const auto deadline = clock::now() + timeout_;
    for (;;) {
        if (auto c = codec_->take(0)) {
            auto* close = std::get_if<proto::connection_close>(&c->value.method);
            if (!close) throw unexpected(0, proto::connection_close::name, c->value);
            try {
                send(0, proto::connection_close_ok{});
            } catch (const driver_error&) {}
            return std::move(*close);
        }
        if (closed_) return std::nullopt;
        if (!read_some(deadline)) {
            throw failure("timed out after " + std::to_string(timeout_.count()) +
                          " ms waiting for the connection to end");
        }
    }
}

proto::channel_close amqp_driver::expect_channel_close(std::uint16_t channel, proto::reply_code code)
{
    proto::channel_close close = expect<proto::channel_close>(channel);
    send(channel, proto::channel_close_ok{});
    codec_->discard(channel);
    if (close.reply_code != std::uint16_t(code)) {
        std::ostringstream os;
        os << "expected channel.close with reply code " << std::uint16_t(code) << " on channel " << channel << ", got "
           << close;
        throw failure(os.str());
    }
    return close;
}

void amqp_driver::close()
{
    rpc<proto::connection_close_ok>(0, proto::connection_close{200, "Goodbye", 0, 0});
    // The peer that receives close-ok closes the socket (RabbitMQ waits for it).
    close_socket();
    closed_ = true;
}

void amqp_driver::expect_socket_closed()
{
    const auto deadline = clock::now() + timeout_;
    while (!closed_) {
        if (!read_some(deadline)) {
            throw failure("timed out after " + std::to_string(timeout_.count()) +
                          " ms waiting for the server to close the socket");
        }
    }
}

std::string amqp_driver::read_until_closed()
{
    if (fd_ < 0) throw failure("read: not connected");
    const auto deadline = clock::now() + timeout_;
    std::string bytes;
    while (!closed_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) == 0) {
            throw failure("timed out after " + std::to_string(timeout_.count()) +
                          " ms waiting for the server to close the socket; got " + std::to_string(bytes.size()) +
                          " bytes");
        }
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            bytes.append(chunk, std::size_t(n));
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            closed_ = true;
            reset_ = n < 0 && errno == ECONNRESET;
        }
    }
    return bytes;
}

void amqp_driver::shut_down_writing()
{
    if (fd_ < 0) throw failure("shutdown: not connected");
    if (::shutdown(fd_, SHUT_WR) != 0) throw failure("shutdown: " + errno_text(errno));
}

void amqp_driver::expect_heartbeat()
{
    const auto deadline = clock::now() + timeout_;
    const std::size_t seen = codec_->heartbeats();
    while (codec_->heartbeats() == seen) {
        if (closed_) throw failure("the server closed the socket while waiting for a heartbeat");
        if (!read_some(deadline)) {
            throw failure("timed out after " + std::to_string(timeout_.count()) + " ms waiting for a heartbeat");
        }
    }
}

}  // namespace amqp::test
