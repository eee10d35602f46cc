// 7. A queue and its binding are declared inside a helper that returned: the application
// holds no handle to them. Clients that restore only what objects still reference
// forget them.
#include "reproductions.hpp"

namespace amqp::scenarios {

namespace {

// Sets up the audit trail and forgets about it.
asio::awaitable<void> setup_audit(client::robust_channel ch)
{
    co_await ch.declare_exchange("events", client::exchange_type::topic);
    co_await ch.declare_queue("audit");
    co_await ch.queue_bind("audit", "events", "#");
}

}  // namespace

asio::awaitable<void> declared_in_a_returned_helper(world& w)
{
    auto conn = co_await w.connect_robust();
    {
        auto ch = co_await conn.channel();
        co_await setup_audit(ch);
    }
    w.say("broker: restarts (transient queues and exchanges are gone)");
    w.broker().restart();
    if (!(co_await w.until([&] { return conn.reconnects() == 1; }))) throw reproduction_failed("no reconnect");
    expect(w.broker().queue("audit").has_value(), "the queue was not restored");
    bool bound = false;
    for (const auto& b : w.broker().bindings()) bound = bound || (b.source == "events" && b.destination == "audit");
    expect(bound, "the binding was not restored");
    w.say("app: 'audit' and its binding to 'events' are back");
    co_await conn.close();
}

}  // namespace amqp::scenarios
