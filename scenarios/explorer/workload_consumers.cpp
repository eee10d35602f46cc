// The workload's consumers: deliveries of the work queue and RPC requests, recorded by channel generation, and acks.
#include "workload.hpp"
#include "workload_detail.hpp"

#include <chrono>
#include <string>
#include <utility>

namespace amqp::scenarios::explorer {

using detail::describe;

// Consumers. A delivery is recorded under the generation of the underlying channel it
// came on (deliveries are dispatched as their frame is read, so that is the robust
// channel's current one) and acked now or after a drawn while.

std::uint64_t workload::generation(const client::robust_channel& ch)
{
    client::channel under = ch.current();
    // The underlying channel's state is the only identity a client::channel has.
    const auto& state = under.state();
    if (!state) return 0;
    auto& g = generations_[state.get()];
    if (g.id != 0 && !g.alive.expired()) return g.id;
    g.id = ++last_generation_;
    g.alive = state;
    std::weak_ptr<workload> weak = shared_from_this();
    under.on_close([weak, id = g.id, number = under.number()](const client::close_info& why) {
        auto self = weak.lock();
        if (!self || !why.by_broker) return;
        const std::string line =
            "channel " + std::to_string(number) + " (generation " + std::to_string(id) + ") closed: " + describe(why);
        self->record_.client_closes.push_back(line);
        self->log_.note([&] { return line; });
    });
    return g.id;
}

void workload::on_work(client::incoming_message m)
{
    const std::uint64_t gen = generation(work_channel_);
    record_.delivered[gen].insert(m.delivery_tag);
    const std::string id = m.message_id.value_or("");
    ++record_.consumed[id];
    awaiting_consumption_.erase(id);
    log_.note([&] {
        return "deliver " + id + " tag " + std::to_string(m.delivery_tag) + " generation " + std::to_string(gen) +
               (m.redelivered ? " (redelivered)" : "");
    });
    const auto max = options_.max_ack_delay.count();
    // A third at once, the rest after up to max_ack_delay.
    const auto delay = max > 0 && random_() % 3 != 0 ? std::int64_t(random_() % std::uint64_t(max)) + 1 : 0;
    if (delay == 0) {
        ack(work_channel_, m, gen);
        return;
    }
    after(std::chrono::milliseconds(delay),
          [self = shared_from_this(), m = std::move(m), gen] { self->ack(self->work_channel_, m, gen); });
}

void workload::ack(const client::robust_channel& ch, const client::incoming_message& m,
                   std::uint64_t delivered_generation)
{
    const std::uint64_t gen = generation(ch);
    const std::error_code ec = m.ack();
    record_.acks.push_back(ack_record{delivered_generation, gen, m.delivery_tag, m.message_id.value_or(""), ec});
    log_.note([&] {
        return "ack " + m.message_id.value_or("") + " tag " + std::to_string(m.delivery_tag) + " (generation " +
               std::to_string(delivered_generation) + ", now " + std::to_string(gen) +
               "): " + (ec ? ec.message() : "sent");
    });
}

void workload::on_request(client::incoming_message m)
{
    const std::uint64_t gen = generation(serve_channel_);
    record_.delivered[gen].insert(m.delivery_tag);
    log_.note([&] {
        return "rpc server: request " + m.correlation_id.value_or("?") + " tag " + std::to_string(m.delivery_tag) +
               " generation " + std::to_string(gen);
    });
    if (!m.reply_to || !m.correlation_id) {
        ack(serve_channel_, m, gen);
        return;
    }
    client::message reply("re: " + m.body);
    reply.correlation_id = m.correlation_id;
    const std::string to = *m.reply_to;
    const auto op = begin("rpc reply " + *m.correlation_id);
    serve_channel_.basic_publish("", to, std::move(reply), false,
                                 [self = shared_from_this(), m = std::move(m), gen, op](std::error_code) {
                                     self->end(op);
                                     self->ack(self->serve_channel_, m, gen);
                                 });
}

}  // namespace amqp::scenarios::explorer
