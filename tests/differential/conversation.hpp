#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/methods.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A conversation: what a differential run sends, step by step, over up to three
// connections. It is plain data: the generator writes it, the runner sends it to both
// brokers, the shrinker removes parts of it, and it prints as a conformance test.
//
// Names that the conversation creates start with '@' ("@q1", "@x2"): the runner
// replaces the '@' by the run's unique prefix before sending, and the transcripts turn
// the prefix back into '@', so that runs against a shared RabbitMQ never collide and
// transcripts of different runs compare equal.
namespace amqp::differential {

inline constexpr int max_connections = 3;

// One frame or message a step sends.
struct outgoing {
    std::uint16_t channel = 0;
    protocol::method method;
    // For basic.publish: the content.
    protocol::basic_properties properties;
    std::string body;
    // When not empty, these bytes are sent instead of the method (frames no client
    // library can produce, such as an unknown method id).
    std::string raw;
};

enum class login { ok, wrong_password, unknown_vhost };

struct step {
    enum class kind {
        connect,  // protocol header, then the handshake answered as a client does
        send,  // the frames, back to back, without waiting in between
        disconnect,  // the client closes its socket without connection.close
    };
    kind what = kind::send;
    int connection = 0;
    login credentials = login::ok;  // for connect
    std::vector<outgoing> frames;  // for send
};

struct conversation {
    std::uint64_t seed = 0;
    std::vector<step> steps;
};

// The run's prefix in place of a leading '@' in a name.
std::string with_prefix(std::string_view name, std::string_view prefix);

// A readable line for a step, for --verbose and failure output.
std::string describe(const step& s);
std::string describe(const outgoing& o);
std::ostream& operator<<(std::ostream& os, const conversation& c);

// Counts frames and field-table entries, the sizes the shrinker reduces.
std::size_t frame_count(const conversation& c);

}  // namespace amqp::differential
