#pragma once

#include "session.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amqp::differential {

// An event as compared: one line of text in which only what must differ between
// brokers has been replaced.
//   - the run's name prefix becomes '@';
//   - server-generated names (amq.gen-..., amq.ctag-...) become amq.gen-#1,
//     amq.ctag-#1, ... in order of appearance (by step, connection, channel);
//   - connection.start's server_properties are left out (product, version,
//     cluster name);
//   - queue.declare-ok's message_count, which RabbitMQ counts ahead of publishes its
//     queue processes have not taken yet, is shown as '#';
//   - queue.delete-ok's message_count when the step deleted a quorum queue by name
//     (RabbitMQ's count is a query that may not see the channel's last publishes yet):
//     shown as '#';
//   - queue.declare-ok's consumer_count in the step in which, or in the three steps
//     after which, the client closed a socket (RabbitMQ's queues learn of the consumers
//     gone a moment later), and a quorum queue's after a channel or connection ended
//     in any way (its consumers leave a moment after the close-ok): shown as "lazy"
//     and compared apart (the other broker may count more, never fewer).
// Nothing else is touched, and no frame is dropped.
struct normalised_event {
    std::size_t step = 0;
    std::string text;
    event original;
    // The consumer_count that the text shows as "lazy".
    std::optional<std::uint32_t> lazy_consumer_count;
};

// What normalising needs to know beyond one transcript.
struct comparison_context {
    // The quorum queues the conversation declares ('@' names).
    std::set<std::string> quorum_queues;
    // Steps in which a channel or connection ended on either broker (its consumers
    // with it).
    std::set<std::size_t> channel_end_steps;
    // Steps in which the client closed a socket (disconnect, a connect that replaces a
    // connection, the runner ending one): no reply tells when the broker has noticed.
    std::set<std::size_t> socket_end_steps;
    // The steps and channels of a queue.delete naming a quorum queue.
    std::set<std::pair<std::size_t, std::uint16_t>> quorum_deletes;
};

// From the conversation and both transcripts; `extra_end_steps` are steps after which
// the client ended connections itself.
comparison_context context_of(const conversation& c, const transcript& first, const transcript& second,
                              const std::vector<std::size_t>& extra_end_steps = {});

// Lane 0, 1 or 2 of an event (see stream_key), and how descriptions name it.
int lane_of(const event& e);
std::string lane_name(int lane);

// Where events are compared in order: a connection's channel, and on it a lane.
// Lane 0 holds the channel's replies and closes in order; lane 1 what RabbitMQ's queue
// processes send on their own time (basic.deliver, basic.cancel from the broker),
// ordered among themselves but not with lane 0: a reply to the channel's next method
// may overtake a delivery there; lane 2 the confirms basic.ack and basic.nack, which
// the channel sends as the queues report back, before or after the delivery of the
// same message to a consumer.
struct stream_key {
    int connection = 0;
    std::uint16_t channel = 0;
    int lane = 0;
    // Which connect of the connection (event::incarnation): a connection replaced by
    // a later connect step is compared apart from its successor.
    int incarnation = 0;
    auto operator<=>(const stream_key&) const = default;
};
using normalised_transcript = std::map<stream_key, std::vector<normalised_event>>;

normalised_transcript normalise(const transcript& t, std::string_view prefix, const comparison_context& context = {});

// The text of one event before the replacement of names.
std::string render(const event& e);

// The first place where two normalised transcripts differ, per connection and channel.
struct divergence {
    stream_key where;
    std::size_t index = 0;
    std::optional<normalised_event> first;  // the embedded broker's event, if any
    std::optional<normalised_event> second;  // the other broker's event, if any
    // The allowlist entry that explains it (its name in docs/differences.md), or empty.
    std::string allowed;
    bool deliberate = true;
    // The entry's ends_connection.
    bool ends_connection = false;

    // What kind of difference, at which place: what the shrinker keeps constant.
    std::string signature() const;
    std::string describe() const;
};

std::vector<divergence> compare(const normalised_transcript& first, const normalised_transcript& second);

// A short name for an event: "channel.close 404", "basic.deliver", "socket closed", "nothing".
std::string event_kind(const std::optional<normalised_event>& e);

}  // namespace amqp::differential
