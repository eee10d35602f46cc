// Publisher confirms and transactions.
#include "conformance_fixture.hpp"

#include <vector>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;
using confirm_tx = conformance;

// Reads confirms until `last` is covered, when everything before `first` already
// was, and returns every tag they cover in the order the broker confirmed them (an
// ack with multiple covers all tags up to it that were not yet confirmed).
std::vector<std::uint64_t> read_acks(amqp_driver& d, std::uint16_t channel, std::uint64_t first, std::uint64_t last)
{
    std::vector<std::uint64_t> tags;
    std::uint64_t confirmed = first - 1;
    while (confirmed < last) {
        const proto::basic_ack ack = d.expect<proto::basic_ack>(channel);
        if (ack.delivery_tag <= confirmed) {
            throw driver_error("confirm for tag " + std::to_string(ack.delivery_tag) + " after " +
                               std::to_string(confirmed));
        }
        const std::uint64_t from = ack.multiple ? confirmed + 1 : ack.delivery_tag;
        if (from != confirmed + 1) {
            throw driver_error("tag " + std::to_string(confirmed + 1) + " skipped by confirm " +
                               std::to_string(ack.delivery_tag));
        }
        for (std::uint64_t t = from; t <= ack.delivery_tag; ++t) tags.push_back(t);
        confirmed = ack.delivery_tag;
    }
    return tags;
}

TEST_F(confirm_tx, confirms_ack_publishes_in_order)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    for (int i = 0; i < 3; ++i) d.send_message(1, publish_to("", q), "m");
    EXPECT_EQ(read_acks(d, 1, 1, 3), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(queue_state(d, 1, q).message_count, 3u);
    // Selecting again is harmless.
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    d.send_message(1, publish_to("", q), "m");
    EXPECT_EQ(read_acks(d, 1, 4, 4), (std::vector<std::uint64_t>{4}));
    d.close();
}

TEST_F(confirm_tx, unroutable_publishes_are_confirmed_and_mandatory_ones_returned_first)
{
    amqp_driver d = connect_channel();
    const std::string x = exchange_name();
    d.rpc<proto::exchange_declare_ok>(1, declare_exchange(x, "direct"));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    d.send_message(1, publish_to(x, "nowhere"), "dropped");
    EXPECT_EQ(d.expect<proto::basic_ack>(1).delivery_tag, 1u);
    d.send_message(1, publish_to(x, "nowhere", true), "returned");
    EXPECT_EQ(d.expect_message<proto::basic_return>(1).body, "returned");
    const proto::basic_ack ack = d.expect<proto::basic_ack>(1);
    EXPECT_EQ(ack.delivery_tag, 2u);
    EXPECT_FALSE(ack.multiple);
    d.close();
}

TEST_F(confirm_tx, nowait_confirm_select_gets_no_reply)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send(1, proto::confirm_select{true});
    d.send_message(1, publish_to("", q), "m");
    const proto::basic_ack ack = d.expect<proto::basic_ack>(1);
    EXPECT_EQ(ack.delivery_tag, 1u);
    EXPECT_FALSE(ack.multiple);
    d.close();
}

TEST_F(confirm_tx, reject_publish_overflow_nacks)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(
        1, declare_queue(q, {{"x-max-length", std::int32_t(1)}, {"x-overflow", std::string("reject-publish")}}));
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    d.send_message(1, publish_to("", q), "kept");
    EXPECT_EQ(d.expect<proto::basic_ack>(1).delivery_tag, 1u);
    d.send_message(1, publish_to("", q), "refused");
    const proto::basic_nack nack = d.expect<proto::basic_nack>(1);
    EXPECT_EQ(nack.delivery_tag, 2u);
    // RabbitMQ sets multiple whenever no earlier publish is still unconfirmed.
    EXPECT_TRUE(nack.multiple);
    EXPECT_EQ(get(d, 1, q, true)->body, "kept");
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(confirm_tx, transactional_publishes_appear_on_commit)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.rpc<proto::tx_select_ok>(1, proto::tx_select{});
    d.send_message(1, publish_to("", q), "t0");
    d.send_message(1, publish_to("", q), "t1");
    d.open_channel(2);
    EXPECT_FALSE(get(d, 2, q));
    d.rpc<proto::tx_commit_ok>(1, proto::tx_commit{});
    EXPECT_EQ(get(d, 2, q, true)->body, "t0");
    EXPECT_EQ(get(d, 2, q, true)->body, "t1");
    // The channel stays transactional: the next publish waits for the next commit.
    d.send_message(1, publish_to("", q), "t2");
    EXPECT_FALSE(get(d, 2, q));
    d.rpc<proto::tx_commit_ok>(1, proto::tx_commit{});
    EXPECT_EQ(get(d, 2, q, true)->body, "t2");
    d.close();
}

TEST_F(confirm_tx, rollback_discards_publishes_and_acks)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "before");
    const auto held = get(d, 1, q);
    ASSERT_TRUE(held);

    d.rpc<proto::tx_select_ok>(1, proto::tx_select{});
    d.send_message(1, publish_to("", q), "rolled back");
    d.send(1, proto::basic_ack{held->method.delivery_tag, false});
    d.rpc<proto::tx_rollback_ok>(1, proto::tx_rollback{});

    // The publish never happened; the ack neither, so the message is still ours
    // and comes back when the channel closes.
    EXPECT_FALSE(get(d, 1, q));
    d.close_channel(1);
    d.open_channel(1);
    const auto again = get(d, 1, q, true);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, "before");
    EXPECT_TRUE(again->method.redelivered);
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(confirm_tx, committed_acks_take_effect)
{
    amqp_driver d = connect_channel();
    const std::string q = queue_name();
    d.rpc<proto::queue_declare_ok>(1, declare_queue(q));
    d.send_message(1, publish_to("", q), "m");
    d.rpc<proto::tx_select_ok>(1, proto::tx_select{});
    const auto held = get(d, 1, q);
    ASSERT_TRUE(held);
    d.send(1, proto::basic_ack{held->method.delivery_tag, false});
    d.rpc<proto::tx_commit_ok>(1, proto::tx_commit{});
    d.close_channel(1);
    d.open_channel(1);
    EXPECT_FALSE(get(d, 1, q));
    d.close();
}

TEST_F(confirm_tx, commit_and_rollback_need_a_transactional_channel)
{
    amqp_driver d = connect_channel();
    d.send(1, proto::tx_commit{});
    proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - channel is not transactional");
    EXPECT_EQ(close.class_id, 90);
    EXPECT_EQ(close.method_id, 20);
    d.open_channel(1);
    d.send(1, proto::tx_rollback{});
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - channel is not transactional");
    EXPECT_EQ(close.class_id, 90);
    EXPECT_EQ(close.method_id, 30);
    d.close();
}

TEST_F(confirm_tx, confirm_and_tx_modes_exclude_each_other)
{
    amqp_driver d = connect_channel();
    d.rpc<proto::tx_select_ok>(1, proto::tx_select{});
    d.send(1, proto::confirm_select{});
    proto::channel_close close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - cannot switch from tx to confirm mode");
    EXPECT_EQ(close.class_id, 85);
    EXPECT_EQ(close.method_id, 10);

    d.open_channel(1);
    d.rpc<proto::confirm_select_ok>(1, proto::confirm_select{});
    d.send(1, proto::tx_select{});
    close = d.expect_channel_close(1, reply_code::precondition_failed);
    EXPECT_EQ(close.reply_text, "PRECONDITION_FAILED - cannot switch from confirm to tx mode");
    EXPECT_EQ(close.class_id, 90);
    EXPECT_EQ(close.method_id, 10);
    d.close();
}

}  // namespace
}  // namespace amqp::test
