// 5. An ack arrives while the channel is being recovered: the old delivery tag must not
// reach the new channel, where it names nothing (or another message).
#include "reproductions.hpp"

#include <optional>
#include <vector>

namespace amqp::scenarios {

asio::awaitable<void> ack_during_recovery(world& w)
{
    auto conn = co_await w.connect_robust();
    auto ch = co_await conn.channel();
    co_await ch.declare_queue("payments");
    std::vector<client::incoming_message> received;
    co_await ch.basic_consume("payments", [&](client::incoming_message m) { received.push_back(std::move(m)); });
    co_await ch.basic_publish("", "payments", client::message("pay 1"));
    if (!(co_await w.until([&] { return received.size() == 1; }))) throw reproduction_failed("no delivery");

    std::optional<std::error_code> ack_result;
    conn.on_channel_restored([&](std::uint16_t) {
        // The application acks its message right as the channel comes back.
        ack_result = received.front().ack();
        w.say("app: acks 'pay 1' during recovery: " + ack_result->message());
    });
    w.broker().close_connection("app", "network hiccup");
    // The redelivery may come before the channel is announced as restored: wait for both.
    if (!(co_await w.until([&] { return received.size() == 2 && ack_result.has_value(); })))
        throw reproduction_failed("no redelivery, or no restored channel, after recovery");
    expect(ack_result == client::errc::stale_delivery, "the old ack was not refused as stale");
    expect(received[1].redelivered, "the redelivery is not marked redelivered");
    expect(!received[1].ack(), "acking the redelivery failed");
    if (!(co_await w.until([&] {
            const auto q = w.broker().queue("payments");
            return q && q->unacked == 0 && q->ready == 0;
        })))
        throw reproduction_failed("the message was not settled");
    expect(ch.is_open(), "the channel was closed (a stale tag reached it)");
    co_await conn.close();
}

}  // namespace amqp::scenarios
