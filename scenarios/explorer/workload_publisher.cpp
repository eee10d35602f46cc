// The workload's publisher: a window of confirmed publishes, each retried while a retry may cure it.
#include "workload.hpp"
#include "workload_detail.hpp"

#include <string>

namespace amqp::scenarios::explorer {

using detail::message_id;

// The publisher: at most publish_window messages unsettled; a failed attempt is sent
// again (same message_id) when a retry may cure it.

void workload::pump()
{
    while (!stopping_ && in_flight_ < options_.publish_window && next_message_ < options_.messages) {
        ++in_flight_;
        publish(next_message_++, 1);
    }
}

void workload::publish(std::size_t index, unsigned attempt)
{
    const std::string id = message_id(index);
    client::message m("message " + std::to_string(index));
    m.message_id = id;
    if (shape_.durable) m.delivery_mode = client::persistent;
    const auto op = begin("publish " + id + " (attempt " + std::to_string(attempt) + ")");
    publish_channel_.basic_publish("", work_queue, std::move(m), false,
                                   [self = shared_from_this(), index, attempt, op](std::error_code ec) {
                                       self->published(index, attempt, op, ec);
                                   });
}

void workload::published(std::size_t index, unsigned attempt, std::uint64_t op, std::error_code ec)
{
    end(op);
    const std::string id = message_id(index);
    if (!ec) {
        record_.confirmed.insert(id);
        if (!record_.consumed.contains(id)) awaiting_consumption_.insert(id);
        log_.note([&] { return "publish " + id + ": confirmed"; });
        settled(index);
        return;
    }
    if (ec == client::errc::message_nacked) record_.nacked.insert(id);
    log_.note([&] { return "publish " + id + " (attempt " + std::to_string(attempt) + "): " + ec.message(); });
    const bool again = ec == client::errc::message_nacked ? !stopping_ : retry(ec, &publish_channel_);
    if (again && attempt < options_.max_attempts) {
        record_.republished.insert(id);
        after(options_.retry_delay, [self = shared_from_this(), index, attempt] { self->publish(index, attempt + 1); });
        return;
    }
    record_.failed[id] = ec.message();
    settled(index);
}

void workload::settled(std::size_t)
{
    --in_flight_;
    ++settled_;
    pump();
}

}  // namespace amqp::scenarios::explorer
