#pragma once

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

// A client connection at the codec level for the broker benchmarks: a non-blocking
// TCP socket, the protocol's frame_reader and encoders, and nothing else (there is no
// client library yet). Every step that waits takes a deadline and throws bench_error
// when it passes, so a benchmark fails with a message instead of hanging.
namespace amqp::bench {

using steady = std::chrono::steady_clock;

class bench_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// amqp://user:password@host:port/vhost, with the defaults RabbitMQ's clients use
// (guest/guest, port 5672, vhost "/" when the path is empty). Throws bench_error.
struct amqp_url {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5672;
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";

    static amqp_url parse(std::string_view url);
};

// The class and method id of a method frame's payload, packed as method_key::packed().
std::uint32_t method_id(std::span<const std::byte> payload) noexcept;

template <class Method>
constexpr std::uint32_t id_of = Method::key.packed();

class bench_connection {
public:
    // Connects, performs the handshake (protocol header, start-ok with PLAIN,
    // tune-ok with the server's channel_max and frame_max and no heartbeats, open)
    // and opens channel 1. `name` goes into the client properties as connection_name.
    bench_connection(const amqp_url& url, std::string_view name, steady::time_point deadline);
    ~bench_connection();
    bench_connection(const bench_connection&) = delete;
    bench_connection& operator=(const bench_connection&) = delete;

    int fd() const noexcept { return fd_; }
    std::uint32_t frame_max() const noexcept { return frame_max_; }
    const std::string& name() const noexcept { return name_; }

    // Frames waiting to be written; append with the encoders, then flush.
    protocol::byte_buffer& out() noexcept { return out_; }
    template <class Method>
    void send(std::uint16_t channel, const Method& m)
    {
        protocol::encode_frame(out_, channel, m);
    }

    // Writes what the socket takes now without blocking; true when it took anything.
    bool flush_some();
    // Writes all of out().
    void flush(steady::time_point deadline);

    // Reads what is available now into reader() without blocking (up to `max` bytes);
    // the count, 0 when nothing was there. Throws when the peer closed.
    std::size_t read_some(std::size_t max = 256 * 1024);
    protocol::frame_reader& reader() noexcept { return reader_; }

    // Waits for the next method on `channel` (skipping heartbeats, content frames,
    // basic.deliver and confirm acks that may still be in flight). A connection.close
    // or channel.close from the broker becomes a bench_error with its reply text.
    protocol::method next_method(std::uint16_t channel, steady::time_point deadline);

    template <class Reply>
    Reply expect(std::uint16_t channel, steady::time_point deadline)
    {
        protocol::method m = next_method(channel, deadline);
        if (auto* reply = std::get_if<Reply>(&m)) return std::move(*reply);
        std::ostringstream text;
        text << name_ << ": expected " << Reply::name << ", got " << m;
        throw bench_error(text.str());
    }

    // A synchronous method and its reply.
    template <class Reply, class Method>
    Reply call(std::uint16_t channel, const Method& m, steady::time_point deadline)
    {
        send(channel, m);
        flush(deadline);
        return expect<Reply>(channel, deadline);
    }

    // connection.close and close-ok; errors are ignored (the socket closes anyway).
    void close(steady::time_point deadline) noexcept;

    // Throws a bench_error naming the broker's reply when the frame is a
    // connection.close or channel.close; answers connection.close with close-ok first.
    void throw_if_close(const protocol::frame_view& frame);

    // Waits until the socket is readable (or writable too, when `write`); throws when
    // the deadline passes.
    void wait(bool write, steady::time_point deadline, std::string_view what);

private:
    void connect(const amqp_url& url, steady::time_point deadline);
    void handshake(const amqp_url& url, steady::time_point deadline);

    std::string name_;
    int fd_ = -1;
    std::uint32_t frame_max_ = protocol::frame_min_size;
    protocol::byte_buffer out_;
    protocol::frame_reader reader_;
};

}  // namespace amqp::bench
