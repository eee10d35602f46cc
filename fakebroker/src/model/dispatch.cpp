#include "dispatch.hpp"

#include "queue.hpp"
#include "server_channel.hpp"

namespace amqp::fakebroker {

void dispatch(queue& q, clock::time_point now)
{
    if (q.deleted() || q.consumers().empty()) return;
    // Once per run, before the first delivery; a message due exactly now stays (see
    // queue::expire).
    q.expire(now, false);
    while (std::optional<delivery> d = q.next_delivery(now)) d->to->channel->deliver(std::move(*d), q, now);
}

}  // namespace amqp::fakebroker
