// 8. A consumer works on a message for longer than the broker's consumer_timeout; the
// broker closes its channel with 406 while the connection stays up. Clients that only
// watch the connection never notice, and the consumer is silently dead.
#include "reproductions.hpp"

#include <optional>

namespace amqp::scenarios {

using namespace std::chrono_literals;

asio::awaitable<void> channel_closed_with_406(world& w)
{
    // RabbitMQ's default is 30 minutes; the same rule, sooner.
    w.broker().set_consumer_timeout(300ms);
    w.say("broker: consumer_timeout 300 ms");
    client::recovery_options recovery;
    recovery.reopen_closed_channels = true;
    auto conn = co_await w.connect_robust(recovery);
    int restored = 0;
    conn.on_channel_restored([&](std::uint16_t n) {
        w.say("app: channel " + std::to_string(n) + " reopened and restored");
        ++restored;
    });
    auto ch = co_await conn.channel();
    co_await ch.declare_queue("slow");
    int received = 0;
    std::optional<client::incoming_message> in_progress;
    co_await ch.basic_consume("slow", [&](client::incoming_message m) {
        ++received;
        if (m.body == "one" && !m.redelivered) {
            w.say("app: working on 'one' for longer than the timeout");
            in_progress = std::move(m);  // acked too late, if ever
            return;
        }
        w.say("app: received '" + m.body + "'" + (m.redelivered ? " (redelivered)" : "") + ", acked");
        m.ack();
    });
    auto other = co_await w.connect_plain();
    auto publisher = co_await other.channel();
    co_await publisher.basic_publish("", "slow", client::message("one"));
    if (!(co_await w.until([&] { return restored == 1; }, 5s)))
        throw reproduction_failed("the application was not told, nothing reopened");
    expect(conn.reconnects() == 0, "the connection should have stayed up");
    co_await publisher.basic_publish("", "slow", client::message("two"));
    // "one" comes back (its ack never counted), then "two".
    if (!(co_await w.until([&] { return received == 3; }))) throw reproduction_failed("consumption did not resume");
    co_await other.close();
    co_await conn.close();
}

}  // namespace amqp::scenarios
