// 12. The connection is force-closed (320 CONNECTION_FORCED, as from the management
// API) during a burst of confirmed publishes. Clients leave some publishes pending
// forever.
#include "burst.hpp"
#include "reproductions.hpp"

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> forced_close_during_confirms(world& w)
{
    auto conn = co_await w.connect_robust();
    auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
    co_await ch.declare_queue("ledger");
    w.broker().add_fault(fault_rule::on(hook::before_method_sent)
                             .method("basic.ack")
                             .connection("app")
                             .nth(1)
                             .then(fault::swallow())
                             .then(fault::close_connection(320, "CONNECTION_FORCED - Closed via management plugin")));
    const auto outcome = co_await publish_burst(w, ch, "ledger", 300);
    w.say("app: " + std::to_string(outcome.confirmed) + " confirmed, " + std::to_string(outcome.retried) +
          " retried after failing as retriable, " + std::to_string(outcome.wrong) + " failed otherwise");
    expect(outcome.wrong == 0, "a publish failed with a non-retriable error");
    expect(outcome.retried > 0, "the close caught no publish in flight");
    const auto kept = distinct_bodies(w, "ledger", 300);
    expect(kept == 300, "a confirmed message is missing: " + std::to_string(kept) + " of 300");
    co_await conn.close();
}

}  // namespace amqp::scenarios
