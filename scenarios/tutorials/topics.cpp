// Tutorial 5: emit_log_topic.py publishes with "<facility>.<severity>" keys to the
// topic exchange "topic_logs"; receivers bind patterns where * matches one word and #
// zero or more. A message matching two bindings of one queue arrives there once.
#include "scenario.hpp"

#include <asio/experimental/as_tuple.hpp>

#include <algorithm>

namespace amqp::scenarios {

asio::awaitable<void> topics(const context& ctx)
{
    struct subscriber {
        const char* name;
        std::vector<std::string> patterns;
        std::vector<std::string> expected;
    };
    const std::vector<std::pair<std::string, std::string>> logs{{"kern.critical", "A critical kernel error"},
                                                                {"kern.info", "Kernel booted"},
                                                                {"cron.critical", "Cron job failed"},
                                                                {"auth.warning", "Three failed logins"}};
    const std::vector<subscriber> subscribers{
        {"all", {"#"}, {"kern.critical", "kern.info", "cron.critical", "auth.warning"}},
        {"kernel", {"kern.*"}, {"kern.critical", "kern.info"}},
        {"critical", {"*.critical"}, {"kern.critical", "cron.critical"}},
        {"both", {"kern.*", "*.critical"}, {"kern.critical", "kern.info", "cron.critical"}},
    };

    auto connection = co_await ctx.connect();
    program_group group(ctx.io);
    for (const auto& s : subscribers) {
        auto channel = co_await connection.channel();
        co_await channel.declare_exchange("topic_logs", client::exchange_type::topic);
        client::queue_options temporary;
        temporary.exclusive = true;
        auto queue = co_await channel.declare_queue("", temporary);
        std::string bound;
        for (const auto& pattern : s.patterns) {
            co_await queue.bind("topic_logs", pattern);
            bound += (bound.empty() ? "" : " ") + pattern;
        }
        ctx.say(s.name, " [*] Waiting for " + bound);
        client::consume_options auto_ack;
        auto_ack.no_ack = true;
        group.spawn(receive_logs(ctx, s.name, queue.iterator(auto_ack), s.expected));
    }

    auto channel = co_await connection.channel();
    auto exchange = co_await channel.declare_exchange("topic_logs", client::exchange_type::topic);
    for (const auto& [key, text] : logs) {
        co_await exchange.publish(client::message(text), key);
        ctx.say("emit_log", " [x] Sent " + key + ":" + text);
    }
    expect(co_await group.wait(2 * message_timeout), "a subscriber did not get its logs");
    co_await connection.close();
}

}  // namespace amqp::scenarios
