#pragma once

#include <amqp/client/detail/completion.hpp>
#include <amqp/client/message.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace amqp::client::detail {

// Publisher confirms without I/O: each publish takes the next sequence number and
// waits; the broker's basic.ack / basic.nack (possibly `multiple`) settle them in
// order. A basic.return for a mandatory publish is matched to the oldest pending
// mandatory publish with the same exchange, routing key and body size (the return
// does not carry the sequence number; RabbitMQ sends it just before the ack), and
// that publish then fails with the returned message attached.
class confirm_tracker {
public:
    struct settled {
        completion<> done;
        failure outcome;
    };

    // Registers the publish that was just written; returns its sequence number.
    std::uint64_t add(completion<> done, bool mandatory, std::string exchange, std::string routing_key,
                      std::size_t body_size);

    std::vector<settled> on_ack(std::uint64_t tag, bool multiple);
    std::vector<settled> on_nack(std::uint64_t tag, bool multiple);
    // False when no pending publish matches (the return is then only reported).
    bool on_return(std::shared_ptr<const returned_message> returned);
    // Everything pending, failed with `outcome` (the channel or connection closed).
    std::vector<settled> fail_all(const failure& outcome);

    std::size_t pending() const noexcept { return pending_.size(); }
    std::uint64_t next_sequence() const noexcept { return next_; }

private:
    struct entry {
        std::uint64_t sequence;
        completion<> done;
        bool mandatory;
        std::string exchange;
        std::string routing_key;
        std::size_t body_size;
        std::shared_ptr<const returned_message> returned;
    };

    std::vector<settled> settle(std::uint64_t tag, bool multiple, bool acked);
    static failure outcome_of(const entry& e, bool acked);

    std::deque<entry> pending_;
    std::uint64_t next_ = 1;
};

}  // namespace amqp::client::detail
