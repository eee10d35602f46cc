// 3. The queue of a live consumer is deleted (the broker sends basic.cancel). Clients
// that ignore the cancel leave the application waiting on a consumer that is gone.
#include "reproductions.hpp"

namespace amqp::scenarios {

asio::awaitable<void> queue_of_live_consumer_deleted(world& w)
{
    auto conn = co_await w.connect_robust();
    std::string cancelled;
    conn.on_consumer_cancelled([&](const std::string& tag, const std::string& queue) {
        w.say("app: told that consumer " + tag + " on '" + queue + "' was cancelled by the broker");
        cancelled = queue;
    });
    auto ch = co_await conn.channel();
    co_await ch.declare_queue("alerts");
    int received = 0;
    client::consume_options no_ack;
    no_ack.no_ack = true;
    co_await ch.basic_consume(
        "alerts", [&](client::incoming_message) { ++received; }, no_ack);

    auto admin_conn = co_await w.connect_plain("admin");
    auto admin = co_await admin_conn.channel();
    w.say("admin: deletes queue 'alerts'");
    co_await admin.queue_delete("alerts");
    if (!(co_await w.until([&] { return cancelled == "alerts"; })))
        throw reproduction_failed("the application was not told");

    w.say("app: declares 'alerts' again; its consumer comes back with it");
    co_await ch.declare_queue("alerts");
    co_await admin.basic_publish("", "alerts", client::message("hello again"));
    if (!(co_await w.until([&] { return received == 1; })))
        throw reproduction_failed("the consumer did not come back with its queue");
    co_await admin_conn.close();
    co_await conn.close();
}

}  // namespace amqp::scenarios
