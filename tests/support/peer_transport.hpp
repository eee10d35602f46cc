#pragma once

// What carries a test peer's bytes: the broker model itself, a memory pipe on a
// virtual clock, or TCP. A transport hands what arrives to peer::receive.

#include <cstddef>
#include <span>

namespace amqp::test {

class peer_transport {
public:
    virtual void write(std::span<const std::byte> bytes) = 0;
    // Hands the peer what arrived and was not handed yet. A stream hands bytes over as
    // they come and needs nothing here; a model is asked for its output.
    virtual void poll() {}
    // Ends our side cleanly (FIN) or abortively (RST).
    virtual void close_stream() {}
    virtual void reset_stream() {}

protected:
    ~peer_transport() = default;
};

}  // namespace amqp::test
