// 11. The broker raises a resource alarm (connection.blocked) in the middle of a
// publish burst, and lifts it. Clients that do not surface the state leave the
// application wondering why publishes stall.
#include "burst.hpp"
#include "reproductions.hpp"

#include <string>
#include <vector>

namespace amqp::scenarios {

using fakebroker::fault;
using fakebroker::fault_rule;
using fakebroker::hook;
using namespace std::chrono_literals;

asio::awaitable<void> blocked_during_burst(world& w)
{
    auto conn = co_await w.connect_robust();
    std::vector<bool> states;
    conn.on_blocked([&](bool blocked, const std::string& reason) {
        w.say(blocked ? "app: blocked (" + reason + ")" : std::string("app: unblocked"));
        states.push_back(blocked);
    });
    auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
    co_await ch.declare_queue("burst");
    w.broker().add_fault(fault_rule::on(hook::method_received)
                             .method("basic.publish")
                             .nth(50)
                             .then(fault::block("low on memory", 300ms)));
    const auto outcome = co_await publish_burst(w, ch, "burst", 200);
    if (!(co_await w.until([&] { return states.size() == 2; })))
        throw reproduction_failed("blocked and unblocked were not both seen");
    expect(states[0] && !states[1], "blocked, then unblocked");
    expect(outcome.confirmed == 200 && outcome.wrong == 0, "not every publish was confirmed");
    co_await conn.close();
}

}  // namespace amqp::scenarios
