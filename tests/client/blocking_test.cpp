#include "client_fixture.hpp"

#include <amqp/client/blocking_connection.hpp>
#include <amqp/fakebroker/broker.hpp>

#include <gmock/gmock.h>

#include <thread>

namespace amqp::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// basic.publish has no reply: poll basic.get until the message is there (bounded).
std::optional<client::incoming_message> get_soon(client::blocking_channel& ch, const std::string& queue,
                                                 bool no_ack = false)
{
    std::optional<client::incoming_message> m;
    for (int i = 0; i < 200 && !m; ++i) m = ch.basic_get(queue, no_ack);
    return m;
}

std::uint32_t depth(client::blocking_channel& ch, const std::string& queue)
{
    client::queue_options passive;
    passive.passive = true;
    return ch.queue_declare(queue, passive).message_count;
}

// RabbitMQ applies acks, nacks and rejects (which have no reply) asynchronously to
// its queue.declare: ask again until the count is as expected (bounded).
std::uint32_t depth_becomes(client::blocking_channel& ch, const std::string& queue, std::uint32_t expected)
{
    std::uint32_t seen = depth(ch, queue);
    for (int i = 0; i < 200 && seen != expected; ++i) seen = depth(ch, queue);
    return seen;
}

TEST_F(client_test, blocking_declare_publish_get_round_trip)
{
    client::blocking_connection conn(url());
    EXPECT_TRUE(conn.is_open());
    auto ch = conn.channel();
    EXPECT_TRUE(ch.is_open());
    EXPECT_NE(ch.channel_number(), 0);
    const auto name = queue_name();
    const auto declared = ch.queue_declare(name);
    EXPECT_EQ(declared, (client::queue_declare_result{name, 0, 0}));

    client::message sent("hello");
    sent.content_type = "text/plain";
    sent.headers.set("x-attempt", std::int32_t{3});
    ch.basic_publish("", name, sent);
    auto got = get_soon(ch, name);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(static_cast<const client::message&>(*got), sent);
    EXPECT_EQ(got->routing_key, name);
    EXPECT_EQ(got->message_count, 0u);
    ch.basic_ack(got->delivery_tag);
    EXPECT_FALSE(ch.basic_get(name).has_value());
    EXPECT_EQ(depth(ch, name), 0u);

    // Acking it again fails on our side; the channel stays open.
    try {
        ch.basic_ack(got->delivery_tag);
        ADD_FAILURE() << "a settled delivery was acked again";
    } catch (const client::amqp_error& e) {
        EXPECT_EQ(e.code(), client::errc::already_settled);
    }
    EXPECT_TRUE(ch.is_open());
    conn.close();
    EXPECT_FALSE(conn.is_open());
    EXPECT_EQ(conn.close_reason().reply_code, 200);
}

TEST_F(client_test, blocking_exchange_bindings_purge_and_delete)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel(true);
    EXPECT_TRUE(ch.publisher_confirms());
    const auto source = exchange_name("source");
    const auto destination = exchange_name("destination");
    ch.exchange_declare(source, client::exchange_type::topic);
    ch.exchange_declare(destination, client::exchange_type::fanout);
    ch.exchange_bind(destination, source, "logs.#");
    const auto q = ch.queue_declare(queue_name());
    ch.queue_bind(q.queue, destination);
    for (int i = 0; i < 3; ++i) ch.basic_publish(source, "logs.disk", client::message("m" + std::to_string(i)));
    ch.basic_publish(source, "metrics.disk", client::message("not routed"));
    EXPECT_EQ(depth(ch, q.queue), 3u);
    EXPECT_EQ(ch.queue_purge(q.queue), 3u);
    ch.queue_unbind(q.queue, destination);
    ch.basic_publish(source, "logs.disk", client::message("after unbind"));
    EXPECT_EQ(depth(ch, q.queue), 0u);
    ch.queue_bind(q.queue, destination);
    ch.exchange_unbind(destination, source, "logs.#");
    ch.basic_publish(source, "logs.disk", client::message("after exchange unbind"));
    EXPECT_EQ(depth(ch, q.queue), 0u);
    ch.basic_publish(destination, "", client::message("direct"));
    EXPECT_EQ(ch.queue_delete(q.queue), 1u);
    ch.exchange_delete(destination);
    ch.exchange_delete(source);
}

TEST_F(client_test, blocking_consume_yields_nullopt_on_inactivity_and_ends_after_cancel)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    const auto name = queue_name();
    ch.queue_declare(name);
    int inactive = 0;
    std::size_t published = 0;
    std::vector<std::string> bodies;
    for (auto& m : ch.consume(name, 20ms)) {
        if (!m) {
            ++inactive;
            ASSERT_LT(inactive, 500) << "the deliveries did not come";
            // Nothing came: publish the next one, once the previous one arrived.
            if (published == bodies.size())
                ch.basic_publish("", name, client::message("b" + std::to_string(published++)));
            continue;
        }
        bodies.push_back(m->body);
        ch.basic_ack(*m);
        if (bodies.size() == 3) {
            EXPECT_EQ(ch.cancel(), 0u);
        }
    }
    EXPECT_THAT(bodies, ::testing::ElementsAre("b0", "b1", "b2"));
    EXPECT_GE(inactive, 3);
    EXPECT_EQ(depth(ch, name), 0u);
    // No consumer left: cancel is a no-op.
    EXPECT_EQ(ch.cancel(), 0u);
}

TEST_F(client_test, blocking_cancel_requeues_what_was_buffered_but_not_yielded)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel(true);
    const auto name = queue_name();
    ch.queue_declare(name);
    for (int i = 0; i < 5; ++i) ch.basic_publish("", name, client::message(std::to_string(i)));
    ch.basic_qos(5);
    std::vector<std::string> bodies;
    std::size_t requeued = 0;
    for (auto& m : ch.consume(name, 5s)) {
        ASSERT_TRUE(m.has_value()) << "no delivery within 5 s";
        bodies.push_back(m->body);
        ch.basic_ack(m->delivery_tag);
        // Wait (bounded) until the other four arrived: RabbitMQ may send deliveries
        // after cancel-ok, and those are requeued without being counted.
        for (int i = 0; i < 500 && ch.get_waiting_message_count() < 4; ++i) conn.process_data_events(10ms);
        EXPECT_EQ(ch.get_waiting_message_count(), 4u);
        requeued = ch.cancel();
    }
    EXPECT_THAT(bodies, ::testing::ElementsAre("0"));
    EXPECT_EQ(requeued, 4u);
    EXPECT_EQ(depth_becomes(ch, name, 4), 4u);
    client::queue_options passive;
    passive.passive = true;
    EXPECT_EQ(ch.queue_declare(name, passive).consumer_count, 0u);
    auto again = ch.basic_get(name, true);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->body, "1");
    EXPECT_TRUE(again->redelivered);
}

TEST_F(client_test, blocking_consume_twice_continues_the_same_consumer_and_refuses_another_queue)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    const auto first = ch.queue_declare(queue_name("first")).queue;
    const auto second = ch.queue_declare(queue_name("second")).queue;
    ch.basic_publish("", first, client::message("one"));
    {
        auto range = ch.consume(first, 5s);
        auto it = range.begin();
        ASSERT_NE(it, range.end());
        ASSERT_TRUE(it->has_value());
        EXPECT_EQ((*it)->body, "one");
        ch.basic_ack((*it)->delivery_tag);
    }
    try {
        (void)ch.consume(second);
        ADD_FAILURE() << "a second consumer was started";
    } catch (const client::amqp_error& e) {
        EXPECT_EQ(e.code(), client::errc::invalid_argument);
    }
    ch.basic_publish("", first, client::message("two"));
    for (auto& m : ch.consume(first, 5s)) {
        ASSERT_TRUE(m.has_value());
        EXPECT_EQ(m->body, "two");
        ch.basic_ack(*m);
        EXPECT_EQ(ch.cancel(), 0u);
    }
}

TEST_F(client_test, blocking_unroutable_mandatory_publish_with_confirms_throws_delivery_error)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel(true);
    const auto key = queue_name("nowhere");
    try {
        ch.basic_publish("", key, client::message("lost"), true);
        ADD_FAILURE() << "an unroutable mandatory message was confirmed";
    } catch (const client::delivery_error& e) {
        EXPECT_EQ(e.code(), client::errc::message_returned);
        ASSERT_NE(e.returned(), nullptr);
        EXPECT_EQ(e.returned()->body, "lost");
        EXPECT_EQ(e.returned()->reply_code, 312);
        EXPECT_EQ(e.returned()->routing_key, key);
    }
    EXPECT_TRUE(ch.is_open());
    // Not mandatory: dropped, but confirmed.
    ch.basic_publish("", key, client::message("dropped"));
}

TEST_F(client_test, blocking_passive_declare_of_a_missing_queue_closes_only_the_channel)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    const auto name = queue_name("missing");
    client::queue_options passive;
    passive.passive = true;
    try {
        ch.queue_declare(name, passive);
        ADD_FAILURE() << "a missing queue was found";
    } catch (const client::channel_closed_error& e) {
        EXPECT_EQ(e.code(), client::errc::channel_closed);
        EXPECT_EQ(e.info().reply_code, 404);
        EXPECT_EQ(e.info().reply_text, "NOT_FOUND - no queue '" + name + "' in vhost '/'");
        EXPECT_TRUE(e.info().by_broker);
        EXPECT_THAT(e.what(), HasSubstr("NOT_FOUND"));
    }
    EXPECT_FALSE(ch.is_open());
    EXPECT_EQ(ch.close_reason().reply_code, 404);
    EXPECT_THROW(ch.queue_declare(queue_name()), client::channel_closed_error);
    ch.close();  // closing a closed channel does nothing

    EXPECT_TRUE(conn.is_open());
    auto other = conn.channel();
    EXPECT_EQ(other.queue_declare(queue_name("other")).message_count, 0u);
}

TEST_F(client_test, blocking_callbacks_from_other_threads_run_on_the_connections_user)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    const auto name = queue_name();
    ch.queue_declare(name);
    ch.basic_publish("", name, client::message("work"));
    auto m = get_soon(ch, name);
    ASSERT_TRUE(m.has_value());

    // pika's worker pattern: a worker thread hands the ack back to the connection's thread.
    const auto user = std::this_thread::get_id();
    std::thread::id ran_on;
    bool acked = false;
    std::thread worker([&conn, &ch, &ran_on, &acked, tag = m->delivery_tag] {
        conn.add_callback_threadsafe([&ch, &ran_on, &acked, tag] {
            ran_on = std::this_thread::get_id();
            ch.basic_ack(tag);
            acked = true;
        });
    });
    worker.join();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!acked && std::chrono::steady_clock::now() < deadline) conn.process_data_events(1s);
    ASSERT_TRUE(acked);
    EXPECT_EQ(ran_on, user);
    EXPECT_EQ(depth(ch, name), 0u);

    // A callback queued while the user sleeps runs during the sleep.
    bool ran = false;
    std::thread late([&] { conn.add_callback_threadsafe([&ran] { ran = true; }); });
    conn.sleep(50ms);
    late.join();
    if (!ran) conn.process_data_events(0ms);  // it was queued after the sleep ended
    EXPECT_TRUE(ran);

    // And during any blocking call.
    bool during_call = false;
    conn.add_callback_threadsafe([&during_call] { during_call = true; });
    ch.queue_declare(name);
    EXPECT_TRUE(during_call);
}

TEST_F(client_test, blocking_transactions_commit_and_roll_back)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    const auto name = queue_name();
    ch.queue_declare(name);
    ch.tx_select();
    ch.basic_publish("", name, client::message("rolled back"));
    ch.tx_rollback();
    EXPECT_EQ(depth(ch, name), 0u);
    ch.basic_publish("", name, client::message("committed"));
    ch.tx_commit();
    EXPECT_EQ(depth(ch, name), 1u);
    auto m = ch.basic_get(name);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, "committed");
    ch.basic_reject(m->delivery_tag, false);
    ch.tx_commit();
    EXPECT_EQ(depth_becomes(ch, name, 0), 0u);
}

TEST_F(client_test, blocking_nack_requeues_and_multiple_settles_everything_handed_out)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel(true);
    const auto name = queue_name();
    ch.queue_declare(name);
    for (int i = 0; i < 3; ++i) ch.basic_publish("", name, client::message(std::to_string(i)));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(ch.basic_get(name).has_value());
    ch.basic_nack(0, true, true);
    EXPECT_EQ(depth_becomes(ch, name, 3), 3u);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(ch.basic_get(name).has_value());
    ch.basic_ack(0, true);
    EXPECT_EQ(depth(ch, name), 0u);
    EXPECT_THROW(ch.basic_ack(1), client::amqp_error);  // settled by the multiple ack
    EXPECT_TRUE(ch.is_open());
}

TEST_F(client_test, blocking_close_fails_later_calls_with_connection_closed)
{
    client::blocking_connection conn(url());
    auto ch = conn.channel();
    conn.close();
    conn.close();  // again: nothing
    EXPECT_FALSE(conn.is_open());
    EXPECT_FALSE(ch.is_open());
    EXPECT_THROW(ch.queue_declare(queue_name()), client::connection_closed_error);
    EXPECT_THROW(conn.channel(), client::connection_closed_error);
    EXPECT_THROW(conn.process_data_events(0ms), client::connection_closed_error);
}

TEST_F(client_test, blocking_connect_failures_throw_typed_exceptions)
{
    EXPECT_THROW(client::blocking_connection(url_with("guest", "wrong password", "/")), client::authentication_error);
    try {
        client::blocking_connection bad("amqp://guest:guest@127.0.0.1:5672/?hearbeat=5");
        ADD_FAILURE() << "a bad URL connected";
    } catch (const client::amqp_error& e) {
        EXPECT_EQ(e.code(), client::errc::invalid_argument);
        EXPECT_THAT(e.info().reply_text, HasSubstr("hearbeat"));
    }
}

TEST_F(client_test, blocking_broker_closing_the_connection_ends_the_consumer_with_an_error)
{
    if (!broker()) GTEST_SKIP() << "needs the embedded broker to force the close";
    auto parsed = client::parse_url(url());
    auto options = std::get<client::connection_options>(parsed);
    options.connection_name = "blocking-forced";
    client::blocking_connection conn(options);
    auto ch = conn.channel();
    const auto name = queue_name();
    ch.queue_declare(name);
    auto range = ch.consume(name, 50ms);
    auto it = range.begin();
    ASSERT_NE(it, range.end());
    EXPECT_FALSE(it->has_value());
    ASSERT_EQ(broker()->close_connection("blocking-forced", "forced"), 1u);
    try {
        // Inactivity timeouts until the close arrives, then the error (bounded).
        for (int i = 0; i < 200 && it != range.end(); ++i) ++it;
        ADD_FAILURE() << "the consumer did not end";
    } catch (const client::connection_closed_error& e) {
        EXPECT_EQ(e.info().reply_code, 320);
        EXPECT_TRUE(e.info().by_broker);
    }
    EXPECT_FALSE(conn.is_open());
    EXPECT_EQ(conn.close_reason().reply_code, 320);
    EXPECT_THROW(ch.basic_publish("", name, client::message("late")), client::connection_closed_error);
}

}  // namespace
}  // namespace amqp::test
