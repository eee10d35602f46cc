#include <amqp/protocol/tuning.hpp>

namespace amqp::protocol {

connection_tune_ok negotiate(const connection_tune& server, const tuning_wishes& client) noexcept
{
    connection_tune_ok ok;
    ok.channel_max = lower_limit(client.channel_max, server.channel_max);
    ok.frame_max = lower_limit(client.frame_max, server.frame_max);
    ok.heartbeat = client.heartbeat.value_or(server.heartbeat);
    return ok;
}

}  // namespace amqp::protocol
