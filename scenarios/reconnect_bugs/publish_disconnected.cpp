// 6. Publishing while disconnected: clients hang forever, or lose the message without
// a word. Here each policy holds: wait for recovery (bounded), or fail at once.
#include "reproductions.hpp"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;
using namespace std::chrono_literals;

asio::awaitable<void> publish_while_disconnected(world& w)
{
    for (const auto policy : {client::while_disconnected::wait, client::while_disconnected::fail}) {
        const bool waits = policy == client::while_disconnected::wait;
        client::recovery_options recovery;
        recovery.while_disconnected = policy;
        recovery.operation_timeout = 5s;
        auto conn = co_await w.connect_robust(recovery);
        auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
        co_await ch.declare_queue("outbox");
        bool lost = false;
        conn.on_connection_lost([&](const client::close_info&) { lost = true; });
        // The link drops, and the next 5 connection attempts are turned away.
        w.broker().add_fault(fault_rule::on(hook::method_received)
                                 .method("queue.purge")
                                 .then(fault::refuse_connections(5))
                                 .then(fault::drop()));
        std::error_code purge_error;  // the purge is what trips the rule
        co_await ch.queue_purge("outbox", asio::redirect_error(asio::use_awaitable, purge_error));
        if (!(co_await w.until([&] { return lost; }))) throw reproduction_failed("the connection did not drop");

        w.say(std::string("app: publishes while disconnected (policy: ") + (waits ? "wait" : "fail") + ")");
        std::error_code ec;
        co_await ch.basic_publish("", "outbox", client::message("queued?"), false,
                                  asio::redirect_error(asio::use_awaitable, ec));
        w.say("app: the publish " + (ec ? "failed: " + ec.message() : std::string("was confirmed")));
        if (waits) {
            expect(!ec, "the publish did not wait for recovery");
            expect(conn.reconnects() == 1, "it resolved before the reconnect");
        } else {
            expect(ec == client::errc::connection_closed, "the publish did not fail at once");
            expect(conn.reconnects() == 0, "it waited for the reconnect");
            if (!(co_await w.until([&] { return conn.is_connected(); }))) throw reproduction_failed("no recovery");
        }
        co_await ch.queue_delete("outbox");
        co_await conn.close();
        w.broker().clear_faults();
    }
}

}  // namespace amqp::scenarios
