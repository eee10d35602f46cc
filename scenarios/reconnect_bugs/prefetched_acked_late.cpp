// 4. Messages prefetched before a connection drop are acked after the reconnect. Sent
// with their old delivery tags on the new channel, the acks make the broker close it
// with 406 PRECONDITION_FAILED - unknown delivery tag.
#include "reproductions.hpp"

#include <optional>
#include <vector>

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> prefetched_acked_after_reconnect(world& w)
{
    auto conn = co_await w.connect_robust();
    auto ch = co_await conn.channel();
    co_await ch.declare_queue("tasks");
    co_await ch.set_qos(10);
    std::vector<client::incoming_message> held;
    int redelivered = 0;
    co_await ch.basic_consume("tasks", [&](client::incoming_message m) {
        if (m.redelivered) {
            ++redelivered;
            expect(!m.ack(), "acking a redelivery failed");
        } else {
            held.push_back(std::move(m));  // processed later, acked late
        }
    });
    // The connection drops right after the 10th delivery went out.
    w.broker().add_fault(
        fault_rule::on(hook::after_method_sent).method("basic.deliver").connection("app").nth(10).then(fault::drop()));
    for (int i = 0; i < 10; ++i) co_await ch.basic_publish("", "tasks", client::message("task " + std::to_string(i)));
    if (!(co_await w.until([&] { return conn.reconnects() == 1 && held.size() == 10; })))
        throw reproduction_failed("no reconnect");

    int stale = 0;
    for (const auto& m : held) stale += m.ack() == client::errc::stale_delivery;
    w.say("app: acks the 10 prefetched messages: " + std::to_string(stale) + " reported stale, none sent");
    expect(stale == 10, "an old delivery tag was sent on the new channel");
    if (!(co_await w.until([&] { return redelivered == 10; })))
        throw reproduction_failed("the broker did not redeliver them");
    expect(ch.is_open(), "the channel was closed");
    // Over TCP the acks of the redeliveries may still be on their way to the broker.
    const bool drained = co_await w.until([&] {
        const auto q = w.broker().queue("tasks");
        return q && q->unacked == 0 && q->ready == 0;
    });
    expect(drained, "messages are left in the queue");
    co_await conn.close();
}

}  // namespace amqp::scenarios
