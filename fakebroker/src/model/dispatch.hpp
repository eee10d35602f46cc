#pragma once

#include "message.hpp"

namespace amqp::fakebroker {

class queue;

// Hands a queue's ready messages to its consumers' channels, each to the consumer the
// queue chooses, until the queue is empty or no consumer has room. The queue decides
// and the channel sends: neither calls into the other.
void dispatch(queue& q, clock::time_point now);

}  // namespace amqp::fakebroker
