// libFuzzer target over the broker's session input: arbitrary bytes after a valid
// handshake and channel.open, fed to the sans-I/O server connection. No crash, no
// leak, no hang, whatever the client sends.
#include "handshake.hpp"
#include "model/broker_state.hpp"
#include "model/server_connection.hpp"

#include <amqp/protocol/frame.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

using namespace amqp;

namespace {

protocol::byte_buffer handshake()
{
    // The test peer's handshake with empty client properties, then a channel.
    test::handshake_options options;
    protocol::byte_buffer out;
    test::encode_handshake(out, options);
    protocol::encode_frame(out, 1, protocol::channel_open{});
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const protocol::byte_buffer prefix = handshake();
    fakebroker::broker_state broker({});
    {
        fakebroker::server_connection connection(broker, "fuzz:1");
        connection.receive(prefix.data(), broker.now());
        const auto bytes = std::as_bytes(std::span{data, size});
        // Split the input where its first byte says, to vary read boundaries.
        const std::size_t chunk = size == 0 ? 1 : std::to_integer<std::size_t>(bytes[0]) % 64 + 1;
        for (std::size_t at = 0; at < bytes.size() && !connection.finished(); at += chunk) {
            connection.receive(bytes.subspan(at, std::min(chunk, bytes.size() - at)), broker.now());
            connection.output().clear();
        }
        broker.on_timer();
        connection.transport_closed();
    }
    return 0;
}
