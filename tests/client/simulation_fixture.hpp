// What the client simulation tests share: a scripted broker served over world::pipes, and connect helpers.
#pragma once

#include <amqp/client.hpp>
#include <amqp/harness/world.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <asio/error.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace amqp::test {

// A simulated world without the fake broker: its pipes go to what a test serves them
// with (world::pipes).
inline harness::world_options without_broker()
{
    harness::world_options options;
    options.broker.reset();
    return options;
}

inline std::string method_name(const protocol::method& m)
{
    return std::visit([](const auto& method) { return std::string(std::decay_t<decltype(method)>::name); }, m);
}

// A broker as small as the connection layer needs: it answers the protocol header with
// connection.start, start-ok with tune (proposing `heartbeat`), open with open-ok and
// close with close-ok; once open it sends a heartbeat every interval. A silent one
// stops reading and writing after open-ok, as a hung broker would.
class scripted_broker : public std::enable_shared_from_this<scripted_broker> {
public:
    struct behaviour {
        std::uint16_t heartbeat = 10;
        bool silent_after_open = false;
    };

    static std::shared_ptr<scripted_broker> serve(harness::world& w, std::shared_ptr<runtime::pipe_end> end,
                                                  behaviour b)
    {
        auto broker = std::shared_ptr<scripted_broker>(new scripted_broker(w, std::move(end), b));
        broker->read();
        return broker;
    }

    std::size_t heartbeats_received() const noexcept { return heartbeats_received_; }
    std::size_t heartbeats_sent() const noexcept { return heartbeats_sent_; }
    bool closed() const noexcept { return closed_; }

private:
    scripted_broker(harness::world& w, std::shared_ptr<runtime::pipe_end> end, behaviour b)
        : world_(w), end_(std::move(end)), behaviour_(b), timer_(w.clock().make_timer(w.io().get_executor()))
    {}

    void read()
    {
        end_->async_read_some(asio::buffer(buffer_),
                              [self = shared_from_this()](std::error_code ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(std::error_code ec, std::size_t n)
    {
        if (ec) {
            world_.say("broker: read ends (" + std::string(ec == asio::error::eof ? "eof" : ec.message()) + ")");
            end_->close();
            timer_->cancel();
            closed_ = true;
            return;
        }
        std::span<const std::byte> in(buffer_.data(), n);
        if (header_missing_ > 0) {
            const std::size_t take = std::min(header_missing_, in.size());
            header_missing_ -= take;
            in = in.subspan(take);
            if (header_missing_ == 0) {
                world_.say("broker: got the protocol header");
                protocol::connection_start start;
                start.mechanisms = "PLAIN";
                start.locales = "en_US";
                send(start);
            }
        }
        reader_.feed(in);
        for (;;) {
            auto decoded = reader_.next();
            if (decoded.error) {
                world_.say("broker: bad frame");
                end_->close();
                return;
            }
            if (!decoded.frame) break;
            on_frame(*decoded.frame);
            if (silent_ || closed_) return;
        }
        read();
    }

    void on_frame(const protocol::frame_view& frame)
    {
        if (frame.type == protocol::frame_type::heartbeat) {
            ++heartbeats_received_;
            world_.say("broker: got a heartbeat");
            return;
        }
        auto m = protocol::decode_method(frame.payload);
        if (!m) {
            world_.say("broker: bad method");
            return;
        }
        world_.say("broker: got " + method_name(*m));
        if (std::holds_alternative<protocol::connection_start_ok>(*m)) {
            protocol::connection_tune tune;
            tune.channel_max = 2047;
            tune.frame_max = 131072;
            tune.heartbeat = behaviour_.heartbeat;
            send(tune);
        } else if (std::holds_alternative<protocol::connection_open>(*m)) {
            send(protocol::connection_open_ok{});
            if (behaviour_.silent_after_open) {
                world_.say("broker: falls silent");
                silent_ = true;
                return;
            }
            schedule_heartbeat();
        } else if (std::holds_alternative<protocol::connection_close>(*m)) {
            send(protocol::connection_close_ok{});
            end_->close();
            timer_->cancel();
            closed_ = true;
        }
    }

    template <class Method>
    void send(const Method& m)
    {
        protocol::byte_buffer out;
        protocol::encode_frame(out, 0, m);
        write(std::move(out));
    }

    void write(protocol::byte_buffer out)
    {
        auto bytes = std::make_shared<protocol::byte_buffer>(std::move(out));
        end_->async_write(asio::buffer(bytes->data().data(), bytes->size()), [bytes](std::error_code, std::size_t) {});
    }

    void schedule_heartbeat()
    {
        if (behaviour_.heartbeat == 0) return;
        timer_->wait_until(world_.clock().now() + std::chrono::seconds(behaviour_.heartbeat),
                           [weak = weak_from_this()](std::error_code ec) {
                               auto self = weak.lock();
                               if (ec || !self || self->closed_) return;
                               protocol::byte_buffer out;
                               protocol::encode_heartbeat(out);
                               self->write(std::move(out));
                               ++self->heartbeats_sent_;
                               self->world_.say("broker: sends a heartbeat");
                               self->schedule_heartbeat();
                           });
    }

    harness::world& world_;
    std::shared_ptr<runtime::pipe_end> end_;
    behaviour behaviour_;
    std::unique_ptr<runtime::timer> timer_;
    std::array<std::byte, 4096> buffer_{};
    std::size_t header_missing_ = protocol::protocol_header.size();
    protocol::frame_reader reader_{protocol::frame_min_size};
    std::size_t heartbeats_received_ = 0;
    std::size_t heartbeats_sent_ = 0;
    bool silent_ = false;
    bool closed_ = false;
};

inline client::connection_options sim_options(std::string host = "broker")
{
    client::connection_options options;
    options.endpoints = {client::endpoint{std::move(host), 5672}};
    options.heartbeat = 10;
    return options;
}

// What a connect produced, filled in by its callback.
struct connect_result {
    bool done = false;
    std::error_code ec;
    client::connection connection;
    std::string text;  // close_info text of a failure, when the connection tells it
};

inline void start_connect(harness::world& w, client::connection_options options, client::environment env,
                          connect_result& out)
{
    client::connection::connect(w.io().get_executor(), std::move(options), std::move(env),
                                [&w, &out](std::error_code ec, client::connection c) {
                                    w.say(ec ? "client: connect failed: " + ec.message() : "client: connected");
                                    out.done = true;
                                    out.ec = ec;
                                    out.connection = std::move(c);
                                });
}

}  // namespace amqp::test
