#include "session.hpp"

#include "model/broker_state.hpp"

#include <asio/post.hpp>

#include <algorithm>

namespace amqp::fakebroker {

session::session(std::shared_ptr<session_stream> stream, std::shared_ptr<broker_state> broker,
                 runtime::clock& clock, std::function<void()> on_input, std::function<void(session*)> on_closed)
    : stream_(std::move(stream)),
      broker_(std::move(broker)),
      clock_(clock),
      connection_(*broker_, stream_->peer()),
      heartbeat_(clock.make_timer(stream_->get_executor())),
      close_deadline_(clock.make_timer(stream_->get_executor())),
      on_input_(std::move(on_input)),
      on_closed_(std::move(on_closed))
{
}

void session::start()
{
    connection_.set_output_listener([this] {
        // Called while handling input (ours or another connection's): write after the
        // current work, so many frames go out in one write.
        if (!write_in_flight_ && !closed_) {
            write_in_flight_ = true;
            asio::post(stream_->get_executor(), [self = shared_from_this()] {
                self->write_in_flight_ = false;
                self->write();
            });
        }
    });
    connection_.set_fault_transport(this);
    connection_.accepted();
    if (connection_.finished()) return;  // refused: a drop is on its way
    read();
    arm_heartbeat();
}

void session::read()
{
    reading_ = true;
    stream_->async_read_some(asio::buffer(read_buffer_),
                             [this, self = shared_from_this()](std::error_code ec, std::size_t n) {
                                 reading_ = false;
                                 if (closed_) return;
                                 if (stalled_) {
                                     // A stalled peer reads nothing: keep it for later.
                                     stashed_read_.emplace(ec, n);
                                     return;
                                 }
                                 handle_read(ec, n);
                             });
}

void session::handle_read(std::error_code ec, std::size_t n)
{
    if (ec) {
        connection_.transport_closed();
        close_stream();
        return;
    }
    connection_.receive(std::span<const std::byte>(read_buffer_.data(), n));
    after_input();
    read_if_wanted();
}

void session::read_if_wanted()
{
    // A blocked publisher is not read from until resume_reading(); a stalled peer's
    // read is stashed and handled by stall(false).
    if (closed_ || connection_.finished() || !connection_.wants_input()) return;
    if (reading_ || stalled_ || stashed_read_) return;
    read();
}

void session::after_input()
{
    if (on_input_) on_input_();
    if (connection_.finished() && connection_.nothing_to_write() && !write_in_flight_ && !dropping_) close_stream();
}

void session::write()
{
    if (closed_ || write_in_flight_ || stalled_) return;
    std::size_t n = connection_.writable();
    if (n == 0) {
        if (connection_.finished() && connection_.nothing_to_write()) close_stream();
        return;
    }
    if (write_chunk_ != 0) n = std::min(n, write_chunk_);
    connection_.take_output(writing_, n);
    write_in_flight_ = true;
    stream_->async_write(asio::buffer(writing_.data().data(), writing_.size()),
                         [this, self = shared_from_this()](std::error_code ec, std::size_t) {
                             write_in_flight_ = false;
                             writing_.clear();
                             if (closed_) return;
                             if (ec) {
                                 connection_.transport_closed();
                                 close_stream();
                                 return;
                             }
                             connection_.note_written(connection_.broker().now());
                             write();
                         });
}

void session::arm_heartbeat()
{
    const auto now = connection_.broker().now();
    const auto next = connection_.tick(now);
    heartbeat_waiting_ = true;
    // Before tuning there is no heartbeat yet: look again in a second.
    heartbeat_->wait_until(next ? *next : now + std::chrono::seconds(1),
                           [this, self = shared_from_this()](std::error_code ec) {
                               heartbeat_waiting_ = false;
                               if (ec || closed_ || stalled_) return;
                               if (connection_.finished()) {
                                   if (connection_.nothing_to_write() && !write_in_flight_ && !dropping_) {
                                       close_stream();
                                   }
                                   return;
                               }
                               arm_heartbeat();
                           });
}

void session::shutdown(protocol::reply_code code, const std::string& text)
{
    if (closed_) return;
    connection_.close(code, text);
    // Best effort, without blocking: the peer learns why before the stream goes.
    // writing_ holds bytes only while an async_write is under way; skip then.
    if (writing_.empty() && !stalled_) {
        const auto pending = connection_.output().data().first(connection_.writable());
        stream_->write_now(asio::buffer(pending.data(), pending.size()));
    }
    connection_.transport_closed();
    close_stream();
}

void session::close_gracefully(protocol::reply_code code, const std::string& text)
{
    if (closed_) return;
    connection_.close(code, text);
    close_deadline_->wait_until(connection_.broker().now() + std::chrono::seconds(3),
                                [this, self = shared_from_this()](std::error_code ec) {
                                    if (!ec) close_stream();
                                });
}

void session::close_stream()
{
    if (closed_) return;
    closed_ = true;
    heartbeat_->cancel();
    close_deadline_->cancel();
    for (auto& t : fault_timers_) t->cancel();
    if (!dropping_) stream_->end();
    else if (*dropping_) stream_->reset();
    else stream_->close();  // a drop fault: a clean close, as documented
    connection_.transport_closed();
    if (on_closed_) on_closed_(this);
}

void session::drop(bool abortive)
{
    if (dropping_) return;
    dropping_ = abortive;
    // Posted: the connection may be deep inside a channel's code right now.
    asio::post(stream_->get_executor(), [this, self = shared_from_this(), abortive] {
        if (closed_) return;
        stalled_ = false;
        if (abortive) {
            connection_.transport_closed();
            close_stream();
            return;
        }
        // A clean close writes what was sent before the fault; write() then closes.
        write();
    });
}

void session::stall(bool on)
{
    if (stalled_ == on || closed_) return;
    stalled_ = on;
    if (on) return;
    if (auto stashed = std::exchange(stashed_read_, std::nullopt)) handle_read(stashed->first, stashed->second);
    if (closed_) return;
    read_if_wanted();
    if (!heartbeat_waiting_) arm_heartbeat();
    write();
}

void session::resume_reading()
{
    // Posted: the connection is inside set_blocked(), maybe inside a fault's action.
    asio::post(stream_->get_executor(), [this, self = shared_from_this()] {
        if (closed_ || connection_.finished() || !connection_.wants_input()) return;
        connection_.continue_input();
        after_input();
        read_if_wanted();
    });
}

void session::split_writes(std::size_t chunk)
{
    write_chunk_ = chunk;
}

void session::after(std::chrono::steady_clock::duration d, std::function<void()> f)
{
    auto owned = clock_.make_timer(stream_->get_executor());
    runtime::timer* t = owned.get();
    fault_timers_.push_back(std::move(owned));
    t->wait_until(clock_.now() + d, [this, self = shared_from_this(), t, f = std::move(f)](std::error_code ec) {
        // The timer has handed over its handler: it can go now.
        std::erase_if(fault_timers_, [t](const auto& p) { return p.get() == t; });
        if (ec || closed_) return;
        f();
        after_input();
    });
}

}  // namespace amqp::fakebroker
