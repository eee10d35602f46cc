#include <amqp/client/incoming_message.hpp>

#include "channel_state.hpp"

#include <exception>

namespace amqp::client {
namespace {

std::error_code settle(const std::shared_ptr<detail::channel_state>& channel, std::uint64_t generation, bool no_ack,
                       std::uint64_t tag, detail::channel_state::settlement how, bool multiple, bool requeue)
{
    if (!channel) return errc::channel_closed;
    if (no_ack) return errc::no_ack_delivery;
    return channel->settle(generation, tag, how, multiple, requeue);
}

}  // namespace

std::error_code incoming_message::ack(bool multiple) const
{
    return settle(channel_, generation_, no_ack_, delivery_tag, detail::channel_state::settlement::ack, multiple,
                  false);
}

std::error_code incoming_message::nack(bool requeue, bool multiple) const
{
    return settle(channel_, generation_, no_ack_, delivery_tag, detail::channel_state::settlement::nack, multiple,
                  requeue);
}

std::error_code incoming_message::reject(bool requeue) const
{
    return settle(channel_, generation_, no_ack_, delivery_tag, detail::channel_state::settlement::reject, false,
                  requeue);
}

processing incoming_message::process(bool requeue, bool reject_on_redelivered) const
{
    return processing(*this, requeue, reject_on_redelivered);
}

processing::processing(const incoming_message& m, bool requeue, bool reject_on_redelivered)
    : message_(m),
      requeue_(requeue),
      reject_on_redelivered_(reject_on_redelivered),
      exceptions_at_start_(std::uncaught_exceptions())
{}

processing::~processing()
{
    // Errors are ignored: the message may have been settled inside the scope already.
    if (std::uncaught_exceptions() > exceptions_at_start_) {
        const bool requeue = requeue_ && !(reject_on_redelivered_ && message_.redelivered);
        (void)message_.reject(requeue);
    } else {
        (void)message_.ack();
    }
}

}  // namespace amqp::client
