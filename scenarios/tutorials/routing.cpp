// Tutorial 4: emit_log_direct.py publishes with the severity as routing key to the
// direct exchange "direct_logs"; one receiver binds "error" only (to save errors to
// disk), the other "info", "warning" and "error" (to print everything).
#include "scenario.hpp"

namespace amqp::scenarios {
asio::awaitable<void> routing(const context& ctx)
{
    struct subscriber {
        const char* name;
        std::vector<std::string> severities;
        std::vector<std::string> expected;
    };
    const std::vector<std::pair<std::string, std::string>> logs{
        {"info", "Starting up"}, {"warning", "Disk 80% full"}, {"error", "Run. Run. Or it will explode."}};
    const std::vector<subscriber> subscribers{{"errors", {"error"}, {"error"}},
                                              {"all", {"info", "warning", "error"}, {"info", "warning", "error"}}};

    auto connection = co_await ctx.connect();
    program_group group(ctx.io);
    for (const auto& s : subscribers) {
        auto channel = co_await connection.channel();
        co_await channel.declare_exchange("direct_logs", client::exchange_type::direct);
        client::queue_options temporary;
        temporary.exclusive = true;
        auto queue = co_await channel.declare_queue("", temporary);
        std::string bound;
        for (const auto& severity : s.severities) {
            co_await queue.bind("direct_logs", severity);
            bound += (bound.empty() ? "" : ", ") + severity;
        }
        ctx.say(s.name, " [*] Waiting for " + bound);
        client::consume_options auto_ack;
        auto_ack.no_ack = true;
        group.spawn(receive_logs(ctx, s.name, queue.iterator(auto_ack), s.expected));
    }

    auto channel = co_await connection.channel();
    auto exchange = co_await channel.declare_exchange("direct_logs", client::exchange_type::direct);
    for (const auto& [severity, text] : logs) {
        co_await exchange.publish(client::message(text), severity);
        ctx.say("emit_log", " [x] Sent " + severity + ":" + text);
    }
    expect(co_await group.wait(2 * message_timeout), "a subscriber did not get its logs");
    co_await connection.close();
}

}  // namespace amqp::scenarios
