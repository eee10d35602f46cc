#pragma once

#include "conversation.hpp"
#include "session.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace amqp::differential {

using clock = std::chrono::steady_clock;

// One broker under test, as the runner drives it: connections indexed 0..2, each fed
// by a session. settle() moves bytes both ways until the caller has seen enough, the
// broker can do nothing more (the embedded one: its io_context is idle), or the
// deadline passes.
class target {
public:
    virtual ~target() = default;
    // Opens a transport for the connection; the session's output goes out from now on.
    virtual void open(int connection, session& s) = 0;
    // The client closes its end.
    virtual void close(int connection) = 0;
    virtual void settle(const std::function<bool()>& enough, clock::time_point deadline, std::size_t step) = 0;
    // Deletes what the run created (the names in `queues` and `exchanges`, prefixed).
    virtual void clean_up(const std::vector<std::string>& queues, const std::vector<std::string>& exchanges) = 0;
    // True for a broker that answers at once and deterministically (the embedded one).
    virtual bool immediate() const = 0;
};

// A fresh embedded broker, on the runner's thread, connections over in-memory pipes:
// after each step the broker runs until it has nothing left to do, so what it sends
// is the same on every run.
std::unique_ptr<target> make_embedded_target();
// A broker at an amqp:// URL (RabbitMQ), over TCP.
std::unique_ptr<target> make_url_target(const std::string& url);

struct run_options {
    // How long to wait for the second broker to send what the first one did, per step.
    std::chrono::milliseconds step_timeout{1000};
    // How long to wait for the server to close the socket after the close-ok that
    // answers the client's connection.close, when the first broker did.
    std::chrono::milliseconds close_grace{200};
};

struct run_result {
    // The conversation as sent: the steps, then the ending the runner added (a
    // synchronous barrier on each open channel and connection.close per connection).
    conversation sent;
    transcript first;
    transcript second;
    std::string prefix;
    // Per step of `sent`: whether each broker was sent it (a step on a connection that
    // has ended is not).
    std::vector<bool> played_first;
    std::vector<bool> played_second;
    // Connections the runner ended on both brokers after a step (the step's index and
    // the connection), because an allowlisted divergence showed on them: what would
    // follow on them is its consequence.
    std::vector<std::pair<std::size_t, int>> ended;
};

// Runs the conversation step by step on `first` (the embedded broker), then on
// `second`, waiting on the second until every channel has received at least as much as
// on the first. Names of the conversation get a fresh unique prefix; both brokers see
// the same one; everything named is deleted at the end.
run_result run_pair(const conversation& c, target& first, target& second, const run_options& options);

// Where the second broker's connection has received less than the first's, so far: per
// channel and lane (transcript.hpp) of the connection's current connect, the streams
// with fewer events that have not already parted (an event of another kind at the
// same place: waiting for more there is pointless). The runner waits on these after
// every step, so that both brokers see the same interleaving of steps and replies.
struct lag {
    std::uint16_t channel = 0;
    int lane = 0;
    std::size_t have = 0;
    std::size_t wanted = 0;
    // All but the socket's end has arrived.
    bool only_socket_close_missing = false;
};
std::vector<lag> lags(const connection_record& first, const connection_record& second);

// A unique prefix: "dt.<seed>.<8 hex digits of a run id>.".
std::string make_prefix(std::uint64_t seed);

}  // namespace amqp::differential
