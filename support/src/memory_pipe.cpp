#include <amqp/runtime/memory_pipe.hpp>

#include <asio/error.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>

namespace amqp::runtime {

namespace {

// The bytes flowing one way, and the read waiting for them.
struct direction {
    std::deque<std::byte> bytes;
    bool writer_closed = false;
    bool writer_reset = false;
    bool reader_closed = false;
    struct pending_read {
        asio::mutable_buffer buffer;
        pipe_end::io_handler done;
    };
    std::optional<pending_read> waiting;
};

struct pipe_state {
    asio::any_io_executor executor;
    read_limit limit;
    direction flows[2];  // flows[i]: the bytes end i reads

    void post(pipe_end::io_handler done, std::error_code ec, std::size_t n)
    {
        asio::post(executor, [done = std::move(done), ec, n]() mutable { done(ec, n); });
    }

    // Completes the read waiting on `d`, if it can complete now.
    void serve(direction& d)
    {
        if (!d.waiting) return;
        if (!d.bytes.empty()) {
            auto read = std::move(*d.waiting);
            d.waiting.reset();
            std::size_t n = std::min(read.buffer.size(), d.bytes.size());
            if (limit) n = std::clamp<std::size_t>(limit(n), 1, n);
            std::copy_n(d.bytes.begin(), n, static_cast<std::byte*>(read.buffer.data()));
            d.bytes.erase(d.bytes.begin(), d.bytes.begin() + static_cast<std::ptrdiff_t>(n));
            post(std::move(read.done), {}, n);
        } else if (d.writer_reset) {
            post(std::move(d.waiting->done), asio::error::connection_reset, 0);
            d.waiting.reset();
        } else if (d.writer_closed) {
            post(std::move(d.waiting->done), asio::error::eof, 0);
            d.waiting.reset();
        }
    }
};

class memory_end final : public pipe_end {
public:
    memory_end(std::shared_ptr<pipe_state> state, int index) : state_(std::move(state)), index_(index) {}
    ~memory_end() override { close(); }

    void async_read_some(asio::mutable_buffer buffer, io_handler done) override
    {
        direction& in = incoming();
        if (in.reader_closed || in.waiting) {
            state_->post(std::move(done), asio::error::operation_aborted, 0);
            return;
        }
        if (buffer.size() == 0) {
            state_->post(std::move(done), {}, 0);
            return;
        }
        in.waiting.emplace(direction::pending_read{buffer, std::move(done)});
        state_->serve(in);
    }

    void async_write(asio::const_buffer buffer, io_handler done) override
    {
        direction& out = outgoing();
        if (incoming().reader_closed) {
            state_->post(std::move(done), asio::error::operation_aborted, 0);
            return;
        }
        if (out.reader_closed || out.writer_reset) {
            state_->post(std::move(done), asio::error::broken_pipe, 0);
            return;
        }
        const auto* data = static_cast<const std::byte*>(buffer.data());
        out.bytes.insert(out.bytes.end(), data, data + buffer.size());
        state_->post(std::move(done), {}, buffer.size());
        state_->serve(out);
    }

    void close() override { shut(false); }
    void reset() override { shut(true); }
    bool is_open() const override { return !state_->flows[index_].reader_closed; }

private:
    direction& incoming() { return state_->flows[index_]; }
    direction& outgoing() { return state_->flows[1 - index_]; }

    void shut(bool abortive)
    {
        direction& in = incoming();
        if (in.reader_closed) return;
        in.reader_closed = true;
        in.bytes.clear();
        if (in.waiting) {
            state_->post(std::move(in.waiting->done), asio::error::operation_aborted, 0);
            in.waiting.reset();
        }
        direction& out = outgoing();
        out.writer_closed = true;
        if (abortive) {
            out.writer_reset = true;
            out.bytes.clear();
        }
        state_->serve(out);
    }

    std::shared_ptr<pipe_state> state_;
    int index_;
};

}  // namespace

std::pair<std::shared_ptr<pipe_end>, std::shared_ptr<pipe_end>> make_memory_pipe(asio::any_io_executor executor,
                                                                                 read_limit limit)
{
    auto state = std::make_shared<pipe_state>();
    state->executor = std::move(executor);
    state->limit = std::move(limit);
    return {std::make_shared<memory_end>(state, 0), std::make_shared<memory_end>(state, 1)};
}

}  // namespace amqp::runtime
