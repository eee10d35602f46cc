// The robust connection against the embedded broker, over TCP and in a simulation:
// what it restores after a reconnect, what it forgets, and what happens to work in
// flight.
#include "recovery_fixture.hpp"

#include <amqp/runtime/virtual_clock.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <gmock/gmock.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;

// Records what a robust connection reported, in order.
struct event_log {
    std::vector<std::string> events;

    void watch(client::robust_connection& c)
    {
        c.on_connection_lost([this](const client::close_info& why) {
            events.push_back("lost " + std::to_string(why.reply_code));
        });
        c.on_channel_restored([this](std::uint16_t n) { events.push_back("channel " + std::to_string(n)); });
        c.on_reconnected([this] { events.push_back("reconnected"); });
        c.on_recovery_failed([this](const client::recovery_failure& f) {
            events.push_back("failed " + f.what + ": " + std::to_string(f.info.reply_code));
        });
        c.on_consumer_cancelled([this](const std::string&, const std::string& queue) {
            events.push_back("cancelled on " + queue);
        });
    }
    std::size_t count(const std::string& event) const
    {
        return static_cast<std::size_t>(std::count(events.begin(), events.end(), event));
    }
    std::size_t count_prefix(const std::string& prefix) const
    {
        return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const std::string& e) {
            return e.rfind(prefix, 0) == 0;
        }));
    }
};

std::vector<std::string> bodies(const std::vector<client::incoming_message>& messages)
{
    std::vector<std::string> out;
    for (const auto& m : messages)
        out.push_back(m.body);
    return out;
}

TEST_P(recovery_test, a_forced_close_restores_channels_exchanges_queues_bindings_and_consumers)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        co_await conn.channel();  // channel 1, never used: the next keeps its number 2
        auto ch = co_await conn.channel();
        CO_ASSERT_TRUE(ch.number() == 2);
        co_await ch.declare_exchange("orders", client::exchange_type::topic);
        co_await ch.declare_queue("billing");
        co_await ch.queue_bind("billing", "orders", "order.*");
        co_await ch.set_qos(10);
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("billing", [&](client::incoming_message m) {
            m.ack();
            received.push_back(std::move(m));
        });

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return log.count("reconnected") == 1; }));
        EXPECT_THAT(log.events, ElementsAre("lost 320", "channel 1", "channel 2", "reconnected"));
        EXPECT_TRUE(conn.is_connected());
        EXPECT_EQ(conn.reconnects(), 1u);
        EXPECT_EQ(ch.number(), 2);
        EXPECT_EQ(ch.current().number(), 2);

        auto other = co_await connect_plain();
        auto publisher = co_await other.channel();
        co_await publisher.basic_publish("orders", "order.created", client::message("after"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        EXPECT_THAT(bodies(received), ElementsAre("after"));
        const auto q = broker().queue("billing");
        CO_ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->consumers, 1u);
        co_await other.close();
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_broker_restart_brings_back_transient_entities_and_not_deleted_ones)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_exchange("logs", client::exchange_type::fanout);
        co_await ch.declare_queue("kept");
        co_await ch.declare_queue("deleted");
        co_await ch.queue_bind("kept", "logs");
        co_await ch.queue_bind("deleted", "logs");
        co_await ch.queue_delete("deleted");
        co_await ch.exchange_delete("logs");
        co_await ch.declare_exchange("audit", client::exchange_type::direct);
        co_await ch.queue_bind("kept", "audit", "k");
        co_await ch.queue_unbind("kept", "audit", "k");

        broker().restart();
        CO_ASSERT_TRUE(co_await until([&] { return log.count("reconnected") == 1; }));
        EXPECT_TRUE(broker().queue("kept").has_value());
        EXPECT_FALSE(broker().queue("deleted").has_value()) << "a deleted queue came back";
        bool logs = false, audit = false;
        for (const auto& x : broker().exchanges()) {
            logs = logs || x.name == "logs";
            audit = audit || x.name == "audit";
        }
        EXPECT_FALSE(logs) << "a deleted exchange came back";
        EXPECT_TRUE(audit);
        for (const auto& b : broker().bindings())
            EXPECT_NE(b.source, "audit") << "an unbound binding came back";
        EXPECT_EQ(log.count_prefix("failed"), 0u);
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_server_named_queue_gets_a_new_name_that_bindings_consumers_and_publishes_follow)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        std::vector<std::string> renames;
        conn.on_queue_renamed([&](const std::string& from, const std::string& to) { renames.push_back(from + ">" + to); });
        auto ch = co_await conn.channel();
        co_await ch.declare_exchange("news", client::exchange_type::fanout);
        client::queue_options exclusive;
        exclusive.exclusive = true;
        const std::string first_name = co_await ch.declare_queue("", exclusive);
        co_await ch.queue_bind(first_name, "news");
        std::vector<client::incoming_message> received;
        client::consume_options no_ack;
        no_ack.no_ack = true;
        co_await ch.basic_consume(first_name, [&](client::incoming_message m) { received.push_back(std::move(m)); },
                                  no_ack);

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == 1; }));
        CO_ASSERT_TRUE(renames.size() == 1);
        EXPECT_EQ(renames[0].substr(0, first_name.size() + 1), first_name + ">");
        EXPECT_FALSE(broker().queue(first_name).has_value()) << "the exclusive queue went with its connection";

        co_await ch.basic_publish("news", "", client::message("via the binding"));
        // The name the application holds still reaches the queue.
        co_await ch.basic_publish("", first_name, client::message("via the old name"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 2; }));
        EXPECT_THAT(bodies(received), ElementsAre("via the binding", "via the old name"));
        co_await conn.close();
    });
}

TEST_P(recovery_test, deliveries_from_before_the_reconnect_are_stale_and_come_back_redelivered)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("work");
        co_await ch.set_qos(1);
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("work", [&](client::incoming_message m) { received.push_back(std::move(m)); });
        co_await ch.basic_publish("", "work", client::message("job"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));

        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        // Over TCP the redelivery may come before the recovery has finished.
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 2 && conn.reconnects() == 1; }));
        // The ack of the first delivery is not sent with its tag on the new channel.
        EXPECT_EQ(received[0].ack(), client::errc::stale_delivery);
        EXPECT_EQ(received[1].body, "job");
        EXPECT_TRUE(received[1].redelivered);
        EXPECT_FALSE(received[1].ack());
        CO_ASSERT_TRUE(co_await until([&] {
            const auto q = broker().queue("work");
            return q && q->unacked == 0 && q->ready == 0;
        }));
        EXPECT_TRUE(ch.is_open()) << "no 406 closed the channel";
        co_await conn.close();
    });
}

TEST_P(recovery_test, the_broker_cancelling_a_consumer_is_reported_and_the_consumer_returns_with_its_queue)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("events");
        std::vector<client::incoming_message> received;
        client::consume_options no_ack;
        no_ack.no_ack = true;
        co_await ch.basic_consume("events", [&](client::incoming_message m) { received.push_back(std::move(m)); },
                                  no_ack);

        auto other = co_await connect_plain();
        auto admin = co_await other.channel();
        co_await admin.queue_delete("events");
        CO_ASSERT_TRUE(co_await until([&] { return log.count("cancelled on events") == 1; }));

        co_await ch.declare_queue("events");
        CO_ASSERT_TRUE(co_await until([&] {
            const auto q = broker().queue("events");
            return q && q->consumers == 1;
        }));
        co_await admin.basic_publish("", "events", client::message("back"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        co_await other.close();
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_channel_the_broker_closed_is_reopened_and_restored_when_asked)
{
    run([&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.reopen_closed_channels = true;
        auto conn = co_await connect_robust(recovery);
        event_log log;
        log.watch(conn);
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("jobs");
        std::vector<client::incoming_message> received;
        co_await ch.basic_consume("jobs", [&](client::incoming_message m) {
            m.ack();
            received.push_back(std::move(m));
        });
        // 404 on a missing exchange closes the channel; the connection stays up.
        bool refused = false;
        client::exchange_options passive;
        passive.passive = true;
        try {
            co_await ch.declare_exchange("missing", client::exchange_type::direct, passive);
        } catch (const client::channel_closed_error& e) {
            refused = e.info().reply_code == 404;
        }
        CO_ASSERT_TRUE(refused);
        CO_ASSERT_TRUE(co_await until([&] { return log.count("channel 1") == 1; }));
        EXPECT_TRUE(ch.is_open());
        EXPECT_EQ(conn.reconnects(), 0u);
        co_await ch.basic_publish("", "jobs", client::message("still consumed"));
        CO_ASSERT_TRUE(co_await until([&] { return received.size() == 1; }));
        co_await conn.close();
    });
}

TEST_P(recovery_test, without_the_reopen_policy_a_broker_closed_channel_stays_closed_and_says_why)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        std::optional<client::close_info> closed;
        ch.on_close([&](const client::close_info& why) { closed = why; });
        client::queue_options passive;
        passive.passive = true;
        std::error_code ec;
        co_await ch.declare_queue("absent", passive, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        CO_ASSERT_TRUE(co_await until([&] { return closed.has_value(); }));
        EXPECT_EQ(closed->reply_code, 404);
        EXPECT_FALSE(ch.is_open());
        ec = {};
        co_await ch.declare_queue("q", client::queue_options{}, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        co_await conn.close();
    });
}

TEST_P(recovery_test, publishing_or_opening_a_channel_while_disconnected_follows_the_policy)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const auto policy : {client::while_disconnected::fail, client::while_disconnected::wait}) {
            client::recovery_options recovery;
            recovery.while_disconnected = policy;
            auto conn = co_await connect_robust(recovery);
            auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
            co_await ch.declare_queue("outbox");
            std::optional<std::error_code> outcome;
            std::optional<std::error_code> opened;
            client::robust_channel late;
            // Published and opened from the moment the drop is seen: the connection is down.
            conn.on_connection_lost([&](const client::close_info&) {
                asio::co_spawn(
                    executor,
                    [&]() -> asio::awaitable<void> {
                        std::error_code ec;
                        co_await ch.basic_publish("", "outbox", client::message("m"), false,
                                                  asio::redirect_error(asio::use_awaitable, ec));
                        outcome = ec;
                    },
                    asio::detached);
                asio::co_spawn(
                    executor,
                    [&]() -> asio::awaitable<void> {
                        std::error_code ec;
                        late = co_await conn.channel(client::channel_options{},
                                                     asio::redirect_error(asio::use_awaitable, ec));
                        opened = ec;
                    },
                    asio::detached);
            });
            CO_ASSERT_TRUE(broker().close_connection("app") == 1);
            CO_ASSERT_TRUE(co_await until([&] { return outcome.has_value() && opened.has_value(); }));
            CO_ASSERT_TRUE(co_await until([&] { return conn.is_connected(); }));
            if (policy == client::while_disconnected::fail) {
                EXPECT_EQ(*outcome, client::errc::connection_closed);
                EXPECT_EQ(*opened, client::errc::connection_closed);
                EXPECT_FALSE(late.is_open());
            } else {
                EXPECT_FALSE(*outcome) << outcome->message();
                EXPECT_FALSE(*opened) << opened->message();
                EXPECT_TRUE(late.is_open());
                EXPECT_EQ(broker().channels().size(), 2u);
                EXPECT_EQ(conn.reconnects(), 1u);
            }
            co_await ch.queue_delete("outbox");
            co_await conn.close();
        }
    });
}

TEST_P(recovery_test, an_operation_waiting_for_recovery_times_out)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        client::recovery_options recovery;
        recovery.operation_timeout = 1ms;  // far shorter than the reconnect pause
        auto conn = co_await connect_robust(recovery);
        auto ch = co_await conn.channel();
        std::optional<std::error_code> outcome;
        conn.on_connection_lost([&](const client::close_info&) {
            asio::co_spawn(
                executor,
                [&]() -> asio::awaitable<void> {
                    std::error_code ec;
                    co_await ch.declare_queue("late", client::queue_options{},
                                              asio::redirect_error(asio::use_awaitable, ec));
                    outcome = ec;
                },
                asio::detached);
        });
        CO_ASSERT_TRUE(broker().close_connection("app") == 1);
        CO_ASSERT_TRUE(co_await until([&] { return outcome.has_value(); }));
        EXPECT_EQ(*outcome, client::errc::timeout);
        EXPECT_TRUE(client::is_retriable(*outcome));
        co_await conn.close();
    });
}

TEST_P(recovery_test, every_publish_of_a_confirm_burst_resolves_across_a_forced_close)
{
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const bool republish : {false, true}) {
            client::recovery_options recovery;
            recovery.republish_unconfirmed = republish;
            auto conn = co_await connect_robust(recovery);
            auto ch = co_await conn.channel(client::channel_options{.publisher_confirms = true});
            co_await ch.declare_queue("burst");
            co_await ch.queue_purge("burst");
            constexpr int count = 200;
            int resolved = 0, confirmed = 0, retriable = 0;
            for (int i = 0; i < count; ++i) {
                asio::co_spawn(
                    executor,
                    [&, i]() -> asio::awaitable<void> {
                        std::error_code ec;
                        co_await ch.basic_publish("", "burst", client::message(std::to_string(i)), false,
                                                  asio::redirect_error(asio::use_awaitable, ec));
                        ++resolved;
                        if (ec && !client::is_retriable(ec))
                            ADD_FAILURE() << "publish " << i << ": " << ec.message();
                        confirmed += !ec;
                        retriable += ec && client::is_retriable(ec);
                    },
                    asio::detached);
            }
            broker().close_connection("app");
            CO_ASSERT_TRUE(co_await until([&] { return resolved == count; }));
            EXPECT_EQ(confirmed + retriable, count) << "a publish failed with a non-retriable error";
            if (republish) {
                EXPECT_EQ(confirmed, count);
                // At least once: every confirmed message is in the queue.
                CO_ASSERT_TRUE(co_await until([&] {
                    const auto q = broker().queue("burst");
                    return q && q->ready >= static_cast<std::size_t>(count);
                }));
            }
            co_await ch.queue_delete("burst");
            co_await conn.close();
        }
    });
}

TEST_P(recovery_test, blocked_and_unblocked_are_observable)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        std::vector<bool> states;
        conn.on_blocked([&](bool blocked, const std::string&) { states.push_back(blocked); });
        broker().set_blocked(true);
        CO_ASSERT_TRUE(co_await until([&] { return states.size() == 1; }));
        broker().set_blocked(false);
        CO_ASSERT_TRUE(co_await until([&] { return states.size() == 2; }));
        EXPECT_THAT(states, ElementsAre(true, false));
        co_await conn.close();
    });
}

TEST_P(recovery_test, a_hundred_reconnects_leave_one_channel_and_one_consumer)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await ch.declare_queue("steady");
        co_await ch.basic_consume("steady", [](client::incoming_message) {});
        for (int i = 1; i <= 100; ++i) {
            CO_ASSERT_TRUE(broker().close_connection("app") == 1);
            CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == static_cast<std::uint64_t>(i); }));
        }
        const auto channels = broker().channels();
        EXPECT_EQ(channels.size(), 1u);
        EXPECT_EQ(broker().connections().size(), 1u);
        const auto q = broker().queue("steady");
        CO_ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->consumers, 1u);
        co_await conn.close();
        EXPECT_TRUE(conn.is_closed());
        CO_ASSERT_TRUE(co_await until([&] { return broker().connections().empty(); }));
    });
}

TEST_P(recovery_test, two_thousand_reconnects_leave_no_timer_channel_or_name_behind)
{
    if (!simulated())
        GTEST_SKIP() << "thousands of reconnects take minutes in real time";
    auto& timers = dynamic_cast<runtime::virtual_clock&>(clock());
    run(
        [&]() -> asio::awaitable<void> {
            auto conn = co_await connect_robust();
            auto ch = co_await conn.channel();
            co_await ch.set_qos(10);
            co_await ch.declare_exchange("logs", client::exchange_type::fanout);
            // A server-named queue gets a new name at each recovery; the old ones go.
            const std::string first_name = co_await ch.declare_queue("", client::queue_options{});
            co_await ch.queue_bind(first_name, "logs");
            co_await ch.basic_consume(first_name, [](client::incoming_message) {});
            auto reconnect = [&](std::uint64_t n) -> asio::awaitable<bool> {
                for (std::uint64_t i = conn.reconnects(); i < n; ++i) {
                    if (broker().close_connection("app") != 1)
                        co_return false;
                    if (!co_await until([&] { return conn.reconnects() == i + 1; }))
                        co_return false;
                }
                co_return true;
            };
            CO_ASSERT_TRUE(co_await reconnect(10));
            const std::size_t timers_after_ten = timers.waiting();
            CO_ASSERT_TRUE(co_await reconnect(2000));
            EXPECT_EQ(timers.waiting(), timers_after_ten);
            EXPECT_EQ(broker().connections().size(), 1u);
            EXPECT_EQ(broker().channels().size(), 1u);
            EXPECT_EQ(broker().queues().size(), 1u);
            auto bound_to_logs = [&] {
                const auto all = broker().bindings();
                return std::count_if(all.begin(), all.end(), [](const auto& b) { return b.source == "logs"; });
            };
            EXPECT_EQ(bound_to_logs(), 1);
            // The very first name still leads to the queue of the moment.
            co_await ch.queue_unbind(first_name, "logs");
            EXPECT_EQ(bound_to_logs(), 0);
            co_await conn.close();
        },
        std::chrono::hours(1));
}

TEST_P(recovery_test, closing_stops_recovery_and_fails_what_waits)
{
    run([&]() -> asio::awaitable<void> {
        auto conn = co_await connect_robust();
        auto ch = co_await conn.channel();
        co_await conn.close();
        std::error_code ec;
        co_await ch.declare_queue("after", client::queue_options{}, asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_EQ(ec, client::errc::channel_closed);
        EXPECT_FALSE(ch.is_open());
        EXPECT_EQ(conn.reconnects(), 0u);
    });
}

TEST_P(recovery_test, the_first_connection_fails_fast_or_is_retried_as_asked)
{
    using fakebroker::fault;
    using fakebroker::fault_rule;
    using fakebroker::hook;
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        for (const bool fail_fast : {true, false}) {
            broker().clear_faults();
            // The next two connections are turned away as they are accepted.
            broker().add_fault(
                fault_rule::on(hook::connection_accepted).nth(1).then(fault::refuse_connections(2)));
            auto o = options();
            o.fail_fast = fail_fast;
            bool failed = false;
            try {
                auto conn = co_await client::robust_connection::connect(executor, o, {}, environment());
                EXPECT_TRUE(conn.is_connected());
                EXPECT_EQ(conn.reconnects(), 0u);
                co_await conn.close();
            } catch (const client::amqp_error&) {
                failed = true;
            }
            EXPECT_EQ(failed, fail_fast);
            EXPECT_EQ(broker().fired_faults().size(), 1u);
        }
    });
}

TEST_P(recovery_test, reconnect_pauses_grow_with_backoff)
{
    using fakebroker::fault;
    using fakebroker::fault_rule;
    using fakebroker::hook;
    if (!simulated())
        GTEST_SKIP() << "pauses are measured on the virtual clock";
    run([&]() -> asio::awaitable<void> {
        client::recovery_options recovery;
        recovery.backoff_multiplier = 2;
        const auto first = options().reconnect_interval;
        recovery.max_interval = 5 * first;
        auto conn = co_await connect_robust(recovery);
        runtime::time_point lost, back;
        conn.on_connection_lost([&](const client::close_info&) { lost = clock().now(); });
        conn.on_reconnected([&] { back = clock().now(); });
        // Four attempts are turned away: pauses 1, 2, 4, 5 (capped) and 5 times the first.
        broker().add_fault(fault_rule::on(hook::method_received)
                               .method("queue.declare")
                               .then(fault::refuse_connections(4))
                               .then(fault::drop()));
        auto ch = co_await conn.channel();
        std::error_code ignored;
        co_await ch.declare_queue("trigger", client::queue_options{}, asio::redirect_error(asio::use_awaitable, ignored));
        CO_ASSERT_TRUE(co_await until([&] { return conn.reconnects() == 1; }));
        EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(back - lost), (1 + 2 + 4 + 5 + 5) * first);
        co_await conn.close();
    });
}

INSTANTIATE_TEST_SUITE_P(, recovery_test, testing::Values(world_mode::tcp, world_mode::simulation),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace amqp::test
