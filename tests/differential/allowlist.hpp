#pragma once

#include <string_view>

namespace amqp::differential {

struct divergence;

// A difference between the embedded broker and RabbitMQ that is known, as narrow as it
// can be. Deliberate entries implement an entry of docs/differences.md (`name` is that
// entry's title); the others are broker bugs that a fix will remove, reported as known
// so that a long run can look past them, and failing a run unless tolerated.
struct allowlist_entry {
    std::string_view name;
    bool deliberate;
    bool (*matches)(const divergence& d);
    // What follows on the connection is a consequence: the runner ends the connection
    // on both brokers once the divergence shows.
    bool ends_connection;
};

// The first entry that explains the divergence, or nullptr.
const allowlist_entry* explain(const divergence& d);

}  // namespace amqp::differential
