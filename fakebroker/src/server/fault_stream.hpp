#pragma once

#include "session_stream.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace amqp::fakebroker {

// A session_stream that performs the faults about bytes, in the manner of Beast's
// test::stream: while stalled it delivers no read and starts no write (they complete
// once the stall ends), and with a write chunk set it writes a buffer in pieces of at
// most that many bytes. The protocol above it knows none of this.
class fault_stream final : public session_stream {
public:
    explicit fault_stream(std::shared_ptr<session_stream> inner) : inner_(std::move(inner)) {}

    void set_stalled(bool on);
    void set_write_chunk(std::size_t chunk) noexcept { write_chunk_ = chunk; }

    void async_read_some(asio::mutable_buffer buffer, handler done) override;
    void async_write(asio::const_buffer buffer, handler done) override;
    void write_now(asio::const_buffer buffer) override;
    // Closing ends a stall's waiting read and write with operation_aborted.
    void close() override;
    void reset() override;
    void end() override;
    const std::string& peer() const override { return inner_->peer(); }
    asio::any_io_executor get_executor() override { return inner_->get_executor(); }

private:
    void abort_waiting();
    void write_piece(asio::const_buffer rest, std::size_t written, handler done);

    std::shared_ptr<session_stream> inner_;
    bool stalled_ = false;
    std::size_t write_chunk_ = 0;  // 0: whole buffers
    // A read that completed during a stall, with its handler.
    std::optional<std::pair<std::pair<std::error_code, std::size_t>, handler>> stashed_read_;
    // A write asked for during a stall.
    std::optional<std::pair<asio::const_buffer, handler>> waiting_write_;
};

}  // namespace amqp::fakebroker
