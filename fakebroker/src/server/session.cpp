#include "session.hpp"

#include "model/broker_state.hpp"

#include <algorithm>

namespace amqp::fakebroker {

session::session(std::shared_ptr<session_stream> stream, std::shared_ptr<broker_state> broker, runtime::clock& clock,
                 session_events events)
    : stream_(std::make_shared<fault_stream>(std::move(stream))),
      broker_(std::move(broker)),
      clock_(clock),
      connection_(*broker_, stream_->peer()),
      tick_timer_(clock.make_timer(stream_->get_executor())),
      close_deadline_(clock.make_timer(stream_->get_executor())),
      events_(std::move(events))
{}

void session::start()
{
    perform(connection_.accepted(clock_.now()));
    if (closed_ || connection_.finished()) return;  // refused
    read();
    on_tick();
}

void session::serve()
{
    if (closed_) return;
    perform(connection_.take_actions(clock_.now()));
    close_if_done();
}

void session::read()
{
    reading_ = true;
    stream_->async_read_some(asio::buffer(read_buffer_),
                             [this, self = shared_from_this()](std::error_code ec, std::size_t n) {
                                 reading_ = false;
                                 if (!closed_) handle_read(ec, n);
                             });
}

void session::handle_read(std::error_code ec, std::size_t n)
{
    if (ec) {
        connection_.transport_closed();
        close_stream();
    } else {
        perform(connection_.receive(std::span<const std::byte>(read_buffer_.data(), n), clock_.now()));
    }
    // Also when this one closed: its work may have given others something to do.
    if (events_.after_work) events_.after_work();
    if (closed_) return;
    read_if_wanted();
    close_if_done();
}

void session::read_if_wanted()
{
    // A blocked publisher is not read from until an action says resume_reading.
    if (closed_ || reading_ || connection_.finished() || !connection_.wants_input()) return;
    read();
}

void session::perform(const connection_actions& actions)
{
    if (closed_) return;
    if (actions.drop != connection_actions::drop_kind::none && dropping_ == connection_actions::drop_kind::none) {
        dropping_ = actions.drop;
        if (dropping_ == connection_actions::drop_kind::abortive) {
            connection_.transport_closed();
            close_stream();
            return;
        }
        // A clean drop writes what was sent before the fault, stall or not; write() then closes.
        stream_->set_stalled(false);
        if (closed_) return;
    }
    if (actions.write_chunk) stream_->set_write_chunk(*actions.write_chunk);
    if (actions.stall) {
        // Ending a stall completes the read it held back, which may close the stream.
        stream_->set_stalled(*actions.stall);
        if (closed_) return;
    }
    if (actions.restart_broker && events_.restart) events_.restart();
    if (actions.resume_reading) read_if_wanted();
    if (actions.wake_at && *actions.wake_at < tick_at_) arm_tick(*actions.wake_at);
    write();
}

void session::write()
{
    if (closed_ || write_in_flight_) return;
    const std::size_t n = connection_.writable();
    if (n == 0) {
        close_if_done();
        return;
    }
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
                                 if (events_.after_work) events_.after_work();
                                 return;
                             }
                             connection_.note_written(clock_.now());
                             write();
                         });
}

void session::arm_tick(clock::time_point at)
{
    tick_at_ = at;
    tick_timer_->wait_until(at, [this, self = shared_from_this()](std::error_code ec) {
        if (ec || closed_) return;
        tick_at_ = clock::time_point::max();
        on_tick();
    });
}

void session::on_tick()
{
    const auto now = clock_.now();
    perform(connection_.tick(now));
    // Before tuning there is no heartbeat yet: look again in a second.
    if (!closed_ && tick_at_ == clock::time_point::max() && !connection_.finished())
        arm_tick(now + std::chrono::seconds(1));
    if (events_.after_work) events_.after_work();
    close_if_done();
}

void session::close_if_done()
{
    if (closed_ || write_in_flight_ || !connection_.finished() || !connection_.nothing_to_write()) return;
    close_stream();
}

void session::shutdown(protocol::reply_code code, const std::string& text)
{
    if (closed_) return;
    connection_.close(code, text);
    // Best effort, without blocking: the peer learns why before the stream goes.
    // writing_ holds bytes only while an async_write is under way; skip then.
    if (writing_.empty()) {
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
    close_deadline_->wait_until(clock_.now() + std::chrono::seconds(3),
                                [this, self = shared_from_this()](std::error_code ec) {
                                    if (!ec) close_stream();
                                });
}

void session::close_stream()
{
    if (closed_) return;
    closed_ = true;
    tick_timer_->cancel();
    close_deadline_->cancel();
    switch (dropping_) {
    case connection_actions::drop_kind::none: stream_->end(); break;
    case connection_actions::drop_kind::clean:
        stream_->close();  // a drop fault: a clean close, as documented
        break;
    case connection_actions::drop_kind::abortive: stream_->reset(); break;
    }
    connection_.transport_closed();
    if (events_.closed) events_.closed(this);
}

}  // namespace amqp::fakebroker
