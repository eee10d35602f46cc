#pragma once

#include "message.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace amqp::fakebroker {

// What a connection asks of its host, besides writing its output: the model performs
// nothing on the stream itself. Returned by every entry into a connection (accepted,
// receive, tick, take_actions); the host carries them out in the order of the fields.
struct connection_actions {
    enum class drop_kind : std::uint8_t { none, clean, abortive };

    // Close the stream: cleanly once the writable output is written (a FIN), or at once
    // with a reset. Set by drop and reset faults.
    drop_kind drop = drop_kind::none;
    // Stop (true) or resume (false) reading and writing the stream: a stall fault.
    std::optional<bool> stall;
    // From now on write at most this many bytes at a time: a split_writes fault.
    std::optional<std::size_t> write_chunk;
    // Input the connection declined (wants_input() was false) may be read again.
    bool resume_reading = false;
    // A fault asked for a broker restart.
    bool restart_broker = false;
    // Call tick() at this time at the latest.
    std::optional<clock::time_point> wake_at;

    // Asks for a tick at `t`, unless one is asked for earlier already.
    void wake_by(clock::time_point t)
    {
        if (!wake_at || t < *wake_at) wake_at = t;
    }
    // Adds what `later` asks: the later word on stalls and chunks, the earlier wake-up.
    void merge(const connection_actions& later)
    {
        if (later.drop != drop_kind::none && drop == drop_kind::none) drop = later.drop;
        if (later.stall) stall = later.stall;
        if (later.write_chunk) write_chunk = later.write_chunk;
        resume_reading = resume_reading || later.resume_reading;
        restart_broker = restart_broker || later.restart_broker;
        if (later.wake_at) wake_by(*later.wake_at);
    }
};

}  // namespace amqp::fakebroker
