#pragma once

// What a test client says in the handshake, written once for the test peer, the
// conformance driver, the differential tester and the fuzzer. Sans-I/O: methods and
// bytes, no waiting.

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/sasl.hpp>

#include <cstdint>
#include <string>

namespace amqp::test {

struct handshake_options {
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";
    std::string mechanism = std::string(protocol::plain_mechanism);  // or AMQPLAIN
    // start-ok's client_properties as they are; connection_name is set over them when
    // not empty.
    protocol::field_table client_properties;
    std::string connection_name;
    // What tune-ok asks for: 0 takes the server's channel_max and frame_max, and means
    // no heartbeats.
    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;
};

// What the fake broker offers in connection.tune unless told otherwise: the tune a
// client answers when it sends tune-ok before it has seen one.
inline const protocol::connection_tune default_server_tune{2047, 131072, 60};

protocol::connection_start_ok make_start_ok(const handshake_options& options);
protocol::connection_tune_ok make_tune_ok(const handshake_options& options, const protocol::connection_tune& server);
protocol::connection_open make_open(const handshake_options& options);

// The protocol header, start-ok, tune-ok (against default_server_tune) and open, all
// at once: a client that does not wait for the server's side.
void encode_handshake(protocol::byte_buffer& out, const handshake_options& options);

}  // namespace amqp::test
