#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace amqp::fakebroker {

// What a connection asks of its transport for the faults it cannot perform itself.
// The session implements it; model tests may leave it unset.
class fault_transport {
public:
    virtual ~fault_transport() = default;
    // Closes the stream later (never inside the call): cleanly after writing the
    // output up to its end mark, or abortively at once.
    virtual void drop(bool abortive) = 0;
    // Stops (or resumes) reading the stream and ticking heartbeats; the stream stays open.
    virtual void stall(bool on) = 0;
    // From now on, writes of at most `chunk` bytes.
    virtual void split_writes(std::size_t chunk) = 0;
    // Runs `f` after `d` on the broker's clock, unless the stream is closed by then.
    virtual void after(std::chrono::steady_clock::duration d, std::function<void()> f) = 0;
    // Reading stopped because the connection took no input (wants_input() was false,
    // a publisher under connection.blocked); read again.
    virtual void resume_reading() = 0;
};

}  // namespace amqp::fakebroker
