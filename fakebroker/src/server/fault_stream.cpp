#include "fault_stream.hpp"

#include <asio/error.hpp>
#include <asio/post.hpp>

#include <algorithm>

namespace amqp::fakebroker {

void fault_stream::set_stalled(bool on)
{
    if (stalled_ == on) return;
    stalled_ = on;
    if (on) return;
    if (auto read = std::exchange(stashed_read_, std::nullopt)) read->second(read->first.first, read->first.second);
    if (stalled_) return;
    if (auto write = std::exchange(waiting_write_, std::nullopt)) async_write(write->first, std::move(write->second));
}

void fault_stream::close()
{
    inner_->close();
    abort_waiting();
}

void fault_stream::reset()
{
    inner_->reset();
    abort_waiting();
}

void fault_stream::end()
{
    inner_->end();
    abort_waiting();
}

void fault_stream::abort_waiting()
{
    // A closed stream stalls nothing: what completes from now on goes straight through.
    stalled_ = false;
    // Posted, as a completion is: the handlers may hold the last reference to their owner.
    const std::error_code aborted = asio::error::operation_aborted;
    if (auto read = std::exchange(stashed_read_, std::nullopt)) {
        asio::post(get_executor(), [done = std::move(read->second), aborted] { done(aborted, 0); });
    }
    if (auto write = std::exchange(waiting_write_, std::nullopt)) {
        asio::post(get_executor(), [done = std::move(write->second), aborted] { done(aborted, 0); });
    }
}

void fault_stream::async_read_some(asio::mutable_buffer buffer, handler done)
{
    inner_->async_read_some(buffer, [this, done = std::move(done)](std::error_code ec, std::size_t n) mutable {
        // A stalled peer reads nothing: keep it for later.
        if (stalled_) stashed_read_.emplace(std::pair{ec, n}, std::move(done));
        else done(ec, n);
    });
}

void fault_stream::async_write(asio::const_buffer buffer, handler done)
{
    if (stalled_) {
        waiting_write_.emplace(buffer, std::move(done));
        return;
    }
    if (write_chunk_ == 0) {
        inner_->async_write(buffer, std::move(done));
        return;
    }
    write_piece(buffer, 0, std::move(done));
}

void fault_stream::write_piece(asio::const_buffer rest, std::size_t written, handler done)
{
    const std::size_t n = std::min(rest.size(), write_chunk_);
    inner_->async_write(asio::buffer(rest.data(), n), [this, rest, written, n, done = std::move(done)](
                                                          std::error_code ec, std::size_t) mutable {
        if (ec || n == rest.size()) {
            done(ec, written + n);
            return;
        }
        if (stalled_) {
            // The rest waits for the stall to end, as a new write would.
            waiting_write_.emplace(rest + n, [total = written + n, done = std::move(done)](
                                                 std::error_code e, std::size_t m) mutable { done(e, total + m); });
            return;
        }
        write_piece(rest + n, written + n, std::move(done));
    });
}

void fault_stream::write_now(asio::const_buffer buffer)
{
    if (!stalled_) inner_->write_now(buffer);
}

}  // namespace amqp::fakebroker
