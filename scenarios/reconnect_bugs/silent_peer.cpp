// 2. The network goes silent (packets dropped) for longer than the heartbeat timeout,
// then comes back. Clients that only reconnect the connection leave its channels,
// queues and consumers dead.
#include "reproductions.hpp"

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;
using namespace std::chrono_literals;

asio::awaitable<void> silent_peer(world& w)
{
    auto conn = co_await w.connect_robust({}, std::uint16_t{1});
    bool lost = false;
    conn.on_connection_lost([&](const client::close_info&) {
        w.say("app: connection lost, recovering");
        lost = true;
    });
    auto ch = co_await conn.channel();
    client::queue_options exclusive;
    exclusive.exclusive = true;
    const std::string queue = co_await ch.declare_queue("", exclusive);
    co_await ch.queue_bind(queue, "amq.fanout");
    int received = 0;
    client::consume_options no_ack;
    no_ack.no_ack = true;
    co_await ch.basic_consume(
        queue,
        [&](client::incoming_message m) {
            w.say("app: received '" + m.body + "'");
            ++received;
        },
        no_ack);

    // The broker stops reading and writing on the app's connection for 10 s.
    w.broker().add_fault(fault_rule::on(hook::heartbeat_tick).connection("app").then(fault::stall(10s)));
    w.say("network: silent for 10 s (heartbeat 1 s)");
    if (!(co_await w.until([&] { return lost; }, 5s))) throw reproduction_failed("the silent peer was not detected");
    if (!(co_await w.until([&] { return conn.is_connected(); }, 5s)))
        throw reproduction_failed("the connection did not come back");

    auto other = co_await w.connect_plain();
    auto publisher = co_await other.channel();
    co_await publisher.basic_publish("amq.fanout", "", client::message("after the silence"));
    if (!(co_await w.until([&] { return received == 1; }))) throw reproduction_failed("the consumer was not restored");
    co_await other.close();
    co_await conn.close();
}

}  // namespace amqp::scenarios
