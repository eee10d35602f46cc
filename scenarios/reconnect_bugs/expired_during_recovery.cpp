// 10. A queue expires (x-expires) between its redeclaration and its binding during
// recovery. Clients abort the whole recovery on the first error, leaving everything
// after it unrestored.
#include "reproductions.hpp"

#include <string>
#include <vector>

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;

asio::awaitable<void> queue_expires_during_recovery(world& w)
{
    auto conn = co_await w.connect_robust();
    std::vector<std::string> failures;
    conn.on_recovery_failed([&](const client::recovery_failure& f) {
        w.say("app: recovery failed for " + f.what + ": " + f.info.reply_text);
        failures.push_back(f.what);
    });
    auto ch = co_await conn.channel();
    client::queue_options expiring;
    expiring.arguments = client::field_table{{"x-expires", std::int32_t{60000}}};
    co_await ch.declare_queue("temporary", expiring);
    co_await ch.queue_bind("temporary", "amq.direct", "tmp");
    co_await ch.declare_queue("kept");
    co_await ch.queue_bind("kept", "amq.direct", "keep");
    int received = 0;
    client::consume_options no_ack;
    no_ack.no_ack = true;
    co_await ch.basic_consume(
        "kept", [&](client::incoming_message) { ++received; }, no_ack);

    // Rules count from when they are added: recovery's first bind finds the queue gone.
    w.broker().add_fault(fault_rule::on(hook::method_received)
                             .method("queue.bind")
                             .nth(1)
                             .then(fault::close_channel(404, "NOT_FOUND - no queue 'temporary' in vhost '/'")));
    w.broker().close_connection("app");
    if (!(co_await w.until([&] { return conn.reconnects() == 1; })))
        throw reproduction_failed("recovery did not complete");
    expect(failures.size() == 1, "expected exactly one reported failure");
    expect(failures.front().find("'temporary'") != std::string::npos, "the failure does not name the queue");
    co_await ch.basic_publish("amq.direct", "keep", client::message("still here"));
    if (!(co_await w.until([&] { return received == 1; })))
        throw reproduction_failed("what came after the failure was not restored");
    co_await conn.close();
}

}  // namespace amqp::scenarios
