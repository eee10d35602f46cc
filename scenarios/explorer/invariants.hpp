#pragma once

#include "workload_record.hpp"

#include <string>
#include <vector>

namespace amqp::scenarios::explorer {

// Checks what must hold once a run settled, whatever faults struck:
//  - every confirmed message was consumed at least once;
//  - no message was both nacked and consumed unless it was republished;
//  - no delivery tag was acked that was not delivered on that channel generation, and
//    ack() reported no error but the expected ones (stale_delivery, channel_closed);
//  - the broker never closed a channel for an unknown delivery tag (406), as seen in
//    its trace or in the close reasons the client got;
//  - each recorded consumer is live exactly once (on its queue and on its channel);
//  - no publish, RPC call, declare or consume was left without its completion;
//  - the broker holds exactly the connections and channels the workload keeps open;
//  - the drained queues are empty, and the workload finished.
// Returns one readable line per violation; empty when all hold.
std::vector<std::string> check_invariants(const workload_record& record, const broker_snapshot& broker);

}  // namespace amqp::scenarios::explorer
