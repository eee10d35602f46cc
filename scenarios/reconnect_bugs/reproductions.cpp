#include "reproductions.hpp"

namespace amqp::scenarios {

const std::vector<reproduction>& all_reproductions()
{
    static const std::vector<reproduction> list{
        {"restart-with-confirms", "1. broker restart with confirms in flight", restart_with_confirms_in_flight},
        {"silent-peer", "2. a silent peer past the heartbeat timeout, then the link returns", silent_peer},
        {"queue-deleted", "3. the queue of a live consumer is deleted", queue_of_live_consumer_deleted},
        {"prefetched-acked-late", "4. prefetched messages acked after the reconnect", prefetched_acked_after_reconnect},
        {"ack-during-recovery", "5. an ack while the channel is being recovered", ack_during_recovery},
        {"publish-disconnected", "6. publishing while disconnected", publish_while_disconnected},
        {"helper-declared", "7. entities declared in a helper that returned", declared_in_a_returned_helper},
        {"channel-406", "8. a consumer past consumer_timeout: the channel closes (406), the connection stays",
         channel_closed_with_406},
        {"exclusive-405", "9. an exclusive queue not yet released (405) during recovery", exclusive_queue_still_locked},
        {"expired-during-recovery", "10. a queue expires while bindings are recovered", queue_expires_during_recovery},
        {"blocked-burst", "11. connection.blocked during a publish burst", blocked_during_burst},
        {"forced-close-confirms", "12. a forced close (320) during a burst of confirms", forced_close_during_confirms},
    };
    return list;
}

}  // namespace amqp::scenarios
