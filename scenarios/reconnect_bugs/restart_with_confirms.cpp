// 1. The broker restarts while a confirm-mode channel has publishes in flight. Its
// confirm sequence numbers start again at 1 on the new channel, so a client that keeps
// its old sequence numbers resolves new publishes with stale acks, or waits forever.
#include "burst.hpp"
#include "reproductions.hpp"

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> restart_with_confirms_in_flight(world& w)
{
    auto conn = co_await w.connect_robust();
    auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
    client::queue_options durable;
    durable.durable = true;
    co_await ch.declare_queue("orders", durable);
    // The broker restarts instead of sending its first confirm: what it took is kept
    // (durable queue, persistent messages), but the client never hears of it.
    w.broker().add_fault(fault_rule::on(hook::before_method_sent)
                             .method("basic.ack")
                             .nth(1)
                             .then(fault::swallow())
                             .then(fault::restart()));
    w.say("app: publishes 300 persistent messages with confirms; the broker restarts before confirming");

    const auto outcome = co_await publish_burst(w, ch, "orders", 300, true);
    w.say("app: " + std::to_string(outcome.confirmed) + " confirmed, " + std::to_string(outcome.retried) +
          " failed as retriable and were sent again, " + std::to_string(outcome.wrong) + " failed otherwise");
    expect(outcome.wrong == 0, "a publish failed with a non-retriable error");
    expect(outcome.retried > 0, "the restart caught no publish in flight");
    expect(conn.reconnects() == 1, "expected one reconnect");
    const auto kept = distinct_bodies(w, "orders", 300);
    w.say("broker: the durable queue holds " + std::to_string(kept) + " of the 300 messages");
    expect(kept == 300, "a confirmed message is missing after the restart");
    co_await conn.close();
}

}  // namespace amqp::scenarios
