// Queue arguments: TTLs, length limits, dead-lettering, expiry, priorities, single
// active consumer, and invalid values.
#include "conformance_fixture.hpp"

#include <vector>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using queue_arguments = conformance;

const proto::field_value* header(const proto::basic_properties& p, std::string_view key)
{
    return p.headers ? p.headers->find(key) : nullptr;
}

std::string string_at(const proto::field_table& t, std::string_view key)
{
    const proto::field_value* v = t.find(key);
    const std::string* s = v ? v->string() : nullptr;
    return s ? *s : "<missing " + std::string(key) + ">";
}

TEST_F(queue_arguments, message_ttl_expires_messages)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-message-ttl", std::int32_t(50)}}));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    publish_confirmed(d, 1, publish_to("", q), "short-lived");
    EXPECT_TRUE(eventually([&] { return queue_state(d, 1, q).message_count == 0; }));
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(queue_arguments, ttl_zero_keeps_only_what_can_be_delivered_at_once)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-message-ttl", std::int32_t(0)}}));
    d.send_message(1, publish_to("", q), "nobody there");
    EXPECT_FALSE(get(d, 1, q));
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "c"));
    d.send_message(1, publish_to("", q), "delivered");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).body, "delivered");
    d.close();
}

TEST_F(queue_arguments, per_message_expiration)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    proto::basic_properties props;
    props.expiration = "50";
    d.send_message(1, publish_to("", q), props, "expires");
    d.send_message(1, publish_to("", q), "stays");
    wait_for_confirms(d, 1, 2);
    EXPECT_TRUE(eventually([&] { return queue_state(d, 1, q).message_count == 1; }));
    const auto left = get(d, 1, q, true);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->body, "stays");
    d.close();
}

TEST_F(queue_arguments, invalid_expiration_is_406)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    proto::basic_properties props;
    props.expiration = "soon";
    d.send_message(1, publish_to("", q), props, "m");
    const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - invalid expiration 'soon': no_integer");
    EXPECT_EQ(close.class_id, 60);
    EXPECT_EQ(close.method_id, 40);
    d.close();
}

TEST_F(queue_arguments, max_length_drops_from_the_head)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-length", std::int32_t(2)}}));
    for (const char* body : {"m0", "m1", "m2", "m3"}) d.send_message(1, publish_to("", q), body);
    EXPECT_EQ(get(d, 1, q, true)->body, "m2");
    EXPECT_EQ(get(d, 1, q, true)->body, "m3");
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(queue_arguments, max_length_bytes_counts_body_bytes)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-length-bytes", std::int32_t(10)}}));
    for (const char* body : {"aaaaa", "bbbbb", "ccccc"}) d.send_message(1, publish_to("", q), body);
    EXPECT_EQ(get(d, 1, q, true)->body, "bbbbb");
    EXPECT_EQ(get(d, 1, q, true)->body, "ccccc");
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(queue_arguments, rejected_messages_are_dead_lettered_with_x_death)
{
    amqp_driver d = connect_channel();
    const std::string dlx = exchange_name("dlx");
    const std::string q = queue_name("work");
    const std::string dlq = queue_name("dead");
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(dlx, "fanout"));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(dlq));
    d.rpc<proto::queue_bind_ok>(1, bind_queue(dlq, dlx, ""));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-dead-letter-exchange", std::string(dlx)}}));

    proto::basic_properties props;
    props.message_id = "dead-1";
    d.send_message(1, publish_to("", q), props, "doomed");
    const auto m = get(d, 1, q);
    ASSERT_TRUE(m);
    d.send(1, proto::basic_reject{m->method.delivery_tag, false});

    std::optional<message<proto::basic_get_ok>> dead;
    ASSERT_TRUE(eventually([&] { return (dead = get(d, 1, dlq, true)).has_value(); }));
    EXPECT_EQ(dead->body, "doomed");
    EXPECT_EQ(dead->method.exchange, dlx);
    EXPECT_EQ(dead->method.routing_key, q);
    EXPECT_EQ(dead->properties.message_id, "dead-1");

    const proto::field_value* x_death = header(dead->properties, "x-death");
    ASSERT_TRUE(x_death);
    const auto* deaths = x_death->get_if<proto::field_array>();
    ASSERT_TRUE(deaths);
    ASSERT_EQ(deaths->size(), 1u);
    const auto* death = (*deaths)[0].get_if<proto::field_table>();
    ASSERT_TRUE(death);
    EXPECT_EQ(string_at(*death, "reason"), "rejected");
    EXPECT_EQ(string_at(*death, "queue"), q);
    EXPECT_EQ(string_at(*death, "exchange"), "");
    const proto::field_value* count = death->find("count");
    ASSERT_TRUE(count);
    EXPECT_EQ(count->type_letter(), 'l');
    std::int64_t n = 0;
    EXPECT_TRUE(count->to_int64(n));
    EXPECT_EQ(n, 1);
    const proto::field_value* time = death->find("time");
    ASSERT_TRUE(time);
    EXPECT_EQ(time->type_letter(), 'T');
    const proto::field_value* keys = death->find("routing-keys");
    ASSERT_TRUE(keys);
    ASSERT_TRUE(keys->get_if<proto::field_array>());
    EXPECT_EQ(*keys->get_if<proto::field_array>(), (proto::field_array{std::string(q)}));
    // The order of the entries, as RabbitMQ writes them.
    std::vector<std::string> names;
    for (const auto& [key, value] : *death) names.push_back(key);
    EXPECT_EQ(names, (std::vector<std::string>{"count", "reason", "queue", "time", "exchange", "routing-keys"}));

    for (const auto& [key, expected] :
         {std::pair{"x-first-death-exchange", std::string()}, std::pair{"x-first-death-queue", q},
          std::pair{"x-first-death-reason", std::string("rejected")}}) {
        const proto::field_value* v = header(dead->properties, key);
        ASSERT_TRUE(v) << key;
        ASSERT_TRUE(v->string()) << key;
        EXPECT_EQ(*v->string(), expected) << key;
    }
    d.close();
}

TEST_F(queue_arguments, expired_messages_are_dead_lettered_with_the_routing_key_given)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name("work");
    const std::string dlq = queue_name("dead");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(dlq));
    // Through the default exchange, to the dead-letter queue by name.
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-message-ttl", std::int32_t(20)},
                                                        {"x-dead-letter-exchange", std::string()},
                                                        {"x-dead-letter-routing-key", std::string(dlq)}}));
    d.send_message(1, publish_to("", q), "expired");
    std::optional<message<proto::basic_get_ok>> dead;
    ASSERT_TRUE(eventually([&] { return (dead = get(d, 1, dlq, true)).has_value(); }));
    EXPECT_EQ(dead->body, "expired");
    EXPECT_EQ(dead->method.exchange, "");
    EXPECT_EQ(dead->method.routing_key, dlq);
    const proto::field_value* x_death = header(dead->properties, "x-death");
    ASSERT_TRUE(x_death && x_death->get_if<proto::field_array>());
    const auto* death = x_death->get_if<proto::field_array>()->at(0).get_if<proto::field_table>();
    ASSERT_TRUE(death);
    EXPECT_EQ(string_at(*death, "reason"), "expired");
    EXPECT_EQ(string_at(*death, "queue"), q);
    d.close();
}

TEST_F(queue_arguments, max_length_overflow_is_dead_lettered)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name("work");
    const std::string dlq = queue_name("dead");
    d.rpc<proto::queue_declare_ok>(1, declare_queue(dlq));
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-length", std::int32_t(1)},
                                                        {"x-dead-letter-exchange", std::string()},
                                                        {"x-dead-letter-routing-key", std::string(dlq)}}));
    d.send_message(1, publish_to("", q), "first");
    d.send_message(1, publish_to("", q), "second");
    std::optional<message<proto::basic_get_ok>> dead;
    ASSERT_TRUE(eventually([&] { return (dead = get(d, 1, dlq, true)).has_value(); }));
    EXPECT_EQ(dead->body, "first");
    const auto* death =
        header(dead->properties, "x-death")->get_if<proto::field_array>()->at(0).get_if<proto::field_table>();
    ASSERT_TRUE(death);
    EXPECT_EQ(string_at(*death, "reason"), "maxlen");
    EXPECT_EQ(get(d, 1, q, true)->body, "second");
    d.close();
}

// A passive declare counts as use and renews the lease, so the poll publishes
// instead: a mandatory publish comes back once the queue is gone.
TEST_F(queue_arguments, unused_queue_expires)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-expires", std::int32_t(100)}}));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    std::uint64_t tag = 0;
    const auto gone = [&] {
        d.send_message(1, publish_to("", q, true), "probe");
        ++tag;
        proto::command c = d.next(1);
        const bool returned = std::holds_alternative<proto::basic_return>(c.method);
        if (returned) c = d.next(1);
        if (!std::holds_alternative<proto::basic_ack>(c.method)) {
            throw driver_error("expected the probe's basic.ack, got " + describe(c));
        }
        return returned;
    };
    EXPECT_TRUE(eventually(gone));
    EXPECT_FALSE(queue_exists(d, 1, q));
    d.close();
}

TEST_F(queue_arguments, max_priority_delivers_highest_first)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-max-priority", std::int32_t(10)}}));
    for (std::uint8_t priority : {1, 5, 3, 5, 0}) {
        proto::basic_properties props;
        props.priority = priority;
        d.send_message(1, publish_to("", q), props, std::to_string(priority));
    }
    std::vector<std::uint8_t> order;
    while (auto m = get(d, 1, q, true)) order.push_back(m->properties.priority.value_or(0));
    EXPECT_EQ(order, (std::vector<std::uint8_t>{5, 5, 3, 1, 0}));
    d.close();
}

TEST_F(queue_arguments, single_active_consumer)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-single-active-consumer", true}}));
    d.open_channel(2);
    d.rpc<proto::basic_consume_ok>(1, consume_from(q, "first"));
    d.rpc<proto::basic_consume_ok>(2, consume_from(q, "second"));
    for (const char* body : {"m0", "m1"}) d.send_message(1, publish_to("", q), body);
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).method.consumer_tag, "first");
    EXPECT_EQ(d.expect_message<proto::basic_deliver>(1).method.consumer_tag, "first");
    EXPECT_EQ(d.pending(2), 0u);
    // The first goes (its unacked messages return): the second takes over.
    d.close_channel(1);
    const auto m0 = d.expect_message<proto::basic_deliver>(2);
    EXPECT_EQ(m0.method.consumer_tag, "second");
    EXPECT_EQ(m0.body, "m0");
    EXPECT_TRUE(m0.method.redelivered);
    d.close();
}

TEST_F(queue_arguments, invalid_argument_values_are_406)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.send(1, declare_queue(q, {{"x-max-length", std::string("ten")}}));
    proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - invalid arg 'x-max-length' for queue '" + q +
                                    "' in vhost '/': \"expected integer, got longstr\"");
    EXPECT_EQ(close.class_id, 50);
    EXPECT_EQ(close.method_id, 10);

    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-message-ttl", std::int32_t(-1)}}));
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '" + q +
                                    "' in vhost '/': {value_negative,-1}");

    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-overflow", std::string("sideways")}}));
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text,
              "PRECONDITION_FAILED - invalid arg 'x-overflow' for queue '" + q + "' in vhost '/': invalid_overflow");

    d.open_channel(1);
    d.send(1, declare_queue(q, {{"x-max-priority", std::int32_t(256)}}));
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue '" + q +
                                    "' in vhost '/': {max_value_exceeded,256}");
    d.close();
}

// The texts RabbitMQ 3.10 gives each argument it refuses, and which one it names when
// several are wrong.
TEST_F(queue_arguments, each_refused_argument_has_rabbitmqs_text)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    const std::string for_queue = "for queue '" + q + "' in vhost '/'";
    auto expect_refusal = [&](const proto::field_table& arguments, const std::string& text) {
        SCOPED_TRACE(text);
        d.send(1, declare_queue(q, arguments));
        const proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
        EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - " + text);
        d.open_channel(1);
    };
    const auto unacceptable = [&](const char* key) {
        return std::string("invalid arg '") + key + "' " + for_queue + ": {unacceptable_type,signedint}";
    };
    expect_refusal({{"x-dead-letter-exchange", std::int32_t(5)}},
                   "invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue '" + q + "' in vhost '/'");
    expect_refusal({{"x-dead-letter-routing-key", std::string("k")}},
                   "invalid arg 'x-dead-letter-routing-key' " + for_queue + ": routing_key_but_no_dlx_defined");
    expect_refusal({{"x-dead-letter-exchange", std::string("")}, {"x-dead-letter-routing-key", std::int32_t(5)}},
                   unacceptable("x-dead-letter-routing-key"));
    expect_refusal({{"x-overflow", std::int32_t(5)}}, unacceptable("x-overflow"));
    expect_refusal({{"x-single-active-consumer", std::int32_t(5)}}, unacceptable("x-single-active-consumer"));
    expect_refusal({{"x-queue-mode", std::int32_t(5)}}, unacceptable("x-queue-mode"));
    expect_refusal({{"x-queue-type", std::int32_t(5)}}, unacceptable("x-queue-type"));
    expect_refusal({{"x-queue-mode", std::string("weird")}},
                   "invalid arg 'x-queue-mode' " + for_queue + ": \"unsupported queue mode 'weird'\"");
    expect_refusal({{"x-queue-version", std::int32_t(3)}},
                   "invalid arg 'x-queue-version' " + for_queue + ": \"unsupported queue version '3'\"");
    expect_refusal({{"x-delivery-limit", std::int32_t(5)}},
                   "invalid arg 'x-delivery-limit' " + for_queue + " of queue type rabbit_classic_queue");
    expect_refusal({{"x-max-age", std::string("1D")}},
                   "invalid arg 'x-max-age' " + for_queue + " of queue type rabbit_classic_queue");
    // Several wrong: the queue type first, then x-expires before x-message-ttl, and the
    // arguments of other queue types last.
    expect_refusal({{"x-message-ttl", std::string("x")}, {"x-queue-type", std::int32_t(5)}},
                   unacceptable("x-queue-type"));
    expect_refusal({{"x-message-ttl", std::string("x")}, {"x-expires", std::string("x")}},
                   "invalid arg 'x-expires' " + for_queue + ": \"expected integer, got longstr\"");
    expect_refusal({{"x-delivery-limit", std::int32_t(5)}, {"x-max-priority", std::int32_t(300)}},
                   "invalid arg 'x-max-priority' " + for_queue + ": {max_value_exceeded,300}");

    // What is accepted: lazy mode, queue version 2, a routing key with a DLX.
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q, {{"x-queue-mode", std::string("lazy")},
                                                        {"x-queue-version", std::int32_t(2)},
                                                        {"x-dead-letter-exchange", std::string("")},
                                                        {"x-dead-letter-routing-key", std::string("k")}}));
    d.close();
}

}  // namespace
}  // namespace amqp::test
