// 8. The broker closes a channel with 406 (a consumer timeout, for example) while the
// connection stays up. Clients that only watch the connection never notice, and the
// consumer is silently dead.
#include "reproductions.hpp"

#include <optional>

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> channel_closed_with_406(world& w)
{
    client::recovery_options recovery;
    recovery.reopen_closed_channels = true;
    auto conn = co_await w.connect_robust(recovery);
    int restored = 0;
    conn.on_channel_restored([&](std::uint16_t n) {
        w.say("app: channel " + std::to_string(n) + " reopened and restored");
        ++restored;
    });
    auto ch = co_await conn.channel();
    std::optional<client::close_info> closed;
    co_await ch.declare_queue("slow");
    int received = 0;
    co_await ch.basic_consume("slow", [&](client::incoming_message m) {
        ++received;
        m.ack();
    });
    w.broker().add_fault(fault_rule::on(hook::method_received)
                             .method("basic.ack")
                             .connection("app")
                             .nth(1)
                             .then(fault::close_channel(406, "PRECONDITION_FAILED - delivery acknowledgement on "
                                                             "channel 1 timed out. Timeout value used: 1800000 ms")));
    auto other = co_await w.connect_plain();
    auto publisher = co_await other.channel();
    co_await publisher.basic_publish("", "slow", client::message("one"));
    if (!(co_await w.until([&] { return restored == 1; })))
        throw reproduction_failed("the application was not told, nothing reopened");
    expect(conn.reconnects() == 0, "the connection should have stayed up");
    co_await publisher.basic_publish("", "slow", client::message("two"));
    // "one" comes back (its ack never counted), then "two".
    if (!(co_await w.until([&] { return received == 3; })))
        throw reproduction_failed("consumption did not resume");
    co_await other.close();
    co_await conn.close();
}

}  // namespace amqp::scenarios
