#pragma once

// What carries a test peer's bytes: the broker model itself, a memory pipe on a
// virtual clock, or TCP. A transport hands what arrives to peer::receive.

#include <chrono>
#include <cstddef>
#include <span>

namespace amqp::test {

class peer_transport {
public:
    virtual void write(std::span<const std::byte> bytes) = 0;
    // Hands the peer what arrived and was not handed yet. A stream hands bytes over as
    // they come and needs nothing here; a model is asked for its output.
    virtual void poll() {}
    // Waits until more bytes were handed to the peer or the deadline passed; false when
    // nothing came. A model has answered every input by the time poll() returns, so by
    // default nothing more comes.
    virtual bool wait(std::chrono::steady_clock::time_point /*deadline*/) { return false; }
    // Ends our side cleanly (FIN) or abortively (RST).
    virtual void close_stream() {}
    virtual void reset_stream() {}

protected:
    ~peer_transport() = default;
};

}  // namespace amqp::test
