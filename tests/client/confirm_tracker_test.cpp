#include "confirm_tracker.hpp"

#include <amqp/client/error.hpp>
#include <amqp/client/message.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace amqp::client::detail {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// What a publish's completion was called with.
struct outcome {
    int publish;
    std::error_code ec;
    const returned_message* returned;

    bool operator==(const outcome&) const = default;
};

void PrintTo(const outcome& o, std::ostream* os)
{
    *os << "{publish " << o.publish << ", " << o.ec << ", returned " << (o.returned ? "yes" : "no") << "}";
}

// Completions that log which publish they settled and how.
class publishes {
public:
    completion<> completion_for(int publish)
    {
        return [this, publish](const failure& f) { log_.push_back({publish, f.ec, f.returned.get()}); };
    }

    std::uint64_t add(confirm_tracker& tracker, int publish, bool mandatory = false, std::string exchange = "orders",
                      std::string routing_key = "created", std::size_t body_size = 5)
    {
        return tracker.add(completion_for(publish), mandatory, std::move(exchange), std::move(routing_key), body_size);
    }

    // Calls the completions, as the channel does, and returns what was logged since the last call.
    std::vector<outcome> run(std::vector<confirm_tracker::settled> settled)
    {
        for (auto& s : settled) s.done(s.outcome);
        return std::exchange(log_, {});
    }

private:
    std::vector<outcome> log_;
};

std::shared_ptr<const returned_message> make_return(std::string exchange, std::string routing_key, std::string body)
{
    auto returned = std::make_shared<returned_message>();
    returned->reply_code = 312;
    returned->reply_text = "NO_ROUTE";
    returned->exchange = std::move(exchange);
    returned->routing_key = std::move(routing_key);
    returned->body = std::move(body);
    return returned;
}

TEST(confirm_tracker, sequence_numbers_start_at_one)
{
    confirm_tracker tracker;
    publishes p;
    EXPECT_EQ(tracker.next_sequence(), 1u);
    EXPECT_EQ(p.add(tracker, 1), 1u);
    EXPECT_EQ(p.add(tracker, 2), 2u);
    EXPECT_EQ(p.add(tracker, 3, true), 3u);
    EXPECT_EQ(tracker.next_sequence(), 4u);
    EXPECT_EQ(tracker.pending(), 3u);
}

TEST(confirm_tracker, sequence_numbers_keep_rising_after_settling)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1);
    (void)p.run(tracker.on_ack(1, false));
    EXPECT_EQ(p.add(tracker, 2), 2u);
}

TEST(confirm_tracker, ack_settles_single_publishes_out_of_order)
{
    confirm_tracker tracker;
    publishes p;
    for (int i = 1; i <= 3; ++i) p.add(tracker, i);
    EXPECT_THAT(p.run(tracker.on_ack(2, false)), ElementsAre(outcome{2, {}, nullptr}));
    EXPECT_EQ(tracker.pending(), 2u);
    EXPECT_THAT(p.run(tracker.on_ack(3, false)), ElementsAre(outcome{3, {}, nullptr}));
    EXPECT_THAT(p.run(tracker.on_ack(1, false)), ElementsAre(outcome{1, {}, nullptr}));
    EXPECT_EQ(tracker.pending(), 0u);
}

TEST(confirm_tracker, ack_multiple_settles_the_prefix_in_order)
{
    confirm_tracker tracker;
    publishes p;
    for (int i = 1; i <= 5; ++i) p.add(tracker, i);
    EXPECT_THAT(p.run(tracker.on_ack(3, true)),
                ElementsAre(outcome{1, {}, nullptr}, outcome{2, {}, nullptr}, outcome{3, {}, nullptr}));
    EXPECT_EQ(tracker.pending(), 2u);
    EXPECT_THAT(p.run(tracker.on_ack(5, true)), ElementsAre(outcome{4, {}, nullptr}, outcome{5, {}, nullptr}));
    EXPECT_EQ(tracker.pending(), 0u);
}

TEST(confirm_tracker, ack_multiple_skips_what_was_settled_already)
{
    confirm_tracker tracker;
    publishes p;
    for (int i = 1; i <= 4; ++i) p.add(tracker, i);
    (void)p.run(tracker.on_ack(2, false));
    EXPECT_THAT(p.run(tracker.on_ack(3, true)), ElementsAre(outcome{1, {}, nullptr}, outcome{3, {}, nullptr}));
    EXPECT_EQ(tracker.pending(), 1u);
}

TEST(confirm_tracker, ack_of_an_unknown_or_settled_tag_settles_nothing)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1);
    p.add(tracker, 2);
    (void)p.run(tracker.on_ack(1, false));
    EXPECT_THAT(p.run(tracker.on_ack(1, false)), IsEmpty());
    EXPECT_THAT(p.run(tracker.on_ack(7, false)), IsEmpty());
    EXPECT_EQ(tracker.pending(), 1u);
}

TEST(confirm_tracker, nack_fails_with_message_nacked)
{
    confirm_tracker tracker;
    publishes p;
    for (int i = 1; i <= 3; ++i) p.add(tracker, i);
    EXPECT_THAT(p.run(tracker.on_nack(2, false)), ElementsAre(outcome{2, errc::message_nacked, nullptr}));
    EXPECT_THAT(p.run(tracker.on_nack(3, true)),
                ElementsAre(outcome{1, errc::message_nacked, nullptr}, outcome{3, errc::message_nacked, nullptr}));
    EXPECT_EQ(tracker.pending(), 0u);
}

TEST(confirm_tracker, return_then_ack_fails_with_the_returned_message)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1, true, "orders", "created", 5);
    const auto returned = make_return("orders", "created", "hello");
    EXPECT_TRUE(tracker.on_return(returned));
    EXPECT_EQ(tracker.pending(), 1u);

    auto settled = tracker.on_ack(1, false);
    ASSERT_EQ(settled.size(), 1u);
    EXPECT_EQ(settled[0].outcome.ec, errc::message_returned);
    ASSERT_EQ(settled[0].outcome.returned, returned);
    EXPECT_EQ(settled[0].outcome.returned->body, "hello");
    EXPECT_EQ(settled[0].outcome.returned->reply_code, 312);
    EXPECT_THAT(p.run(std::move(settled)), ElementsAre(outcome{1, errc::message_returned, returned.get()}));
}

TEST(confirm_tracker, return_matches_the_oldest_pending_mandatory_publish)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1, false, "orders", "created", 5);  // not mandatory: never returned
    p.add(tracker, 2, true, "orders", "created", 5);
    p.add(tracker, 3, true, "orders", "created", 5);
    const auto returned = make_return("orders", "created", "hello");
    EXPECT_TRUE(tracker.on_return(returned));
    EXPECT_THAT(p.run(tracker.on_ack(3, true)),
                ElementsAre(outcome{1, {}, nullptr}, outcome{2, errc::message_returned, returned.get()},
                            outcome{3, {}, nullptr}));
}

TEST(confirm_tracker, second_return_matches_the_next_publish)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1, true, "orders", "created", 5);
    p.add(tracker, 2, true, "orders", "created", 5);
    const auto first = make_return("orders", "created", "hello");
    const auto second = make_return("orders", "created", "world");
    EXPECT_TRUE(tracker.on_return(first));
    EXPECT_TRUE(tracker.on_return(second));
    EXPECT_FALSE(tracker.on_return(make_return("orders", "created", "again")));
    EXPECT_THAT(p.run(tracker.on_ack(2, true)), ElementsAre(outcome{1, errc::message_returned, first.get()},
                                                            outcome{2, errc::message_returned, second.get()}));
}

TEST(confirm_tracker, return_needs_the_same_exchange_routing_key_and_body_size)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1, true, "orders", "created", 5);
    EXPECT_FALSE(tracker.on_return(make_return("billing", "created", "hello")));
    EXPECT_FALSE(tracker.on_return(make_return("orders", "deleted", "hello")));
    EXPECT_FALSE(tracker.on_return(make_return("orders", "created", "hello!")));
    EXPECT_THAT(p.run(tracker.on_ack(1, false)), ElementsAre(outcome{1, {}, nullptr}));
}

TEST(confirm_tracker, return_without_a_matching_publish_is_false)
{
    confirm_tracker tracker;
    publishes p;
    EXPECT_FALSE(tracker.on_return(make_return("orders", "created", "hello")));
    p.add(tracker, 1, false, "orders", "created", 5);
    EXPECT_FALSE(tracker.on_return(make_return("orders", "created", "hello")));
    EXPECT_THAT(p.run(tracker.on_ack(1, false)), ElementsAre(outcome{1, {}, nullptr}));
}

TEST(confirm_tracker, return_skips_publishes_settled_already)
{
    confirm_tracker tracker;
    publishes p;
    p.add(tracker, 1, true, "orders", "created", 5);
    (void)p.run(tracker.on_ack(1, false));
    EXPECT_FALSE(tracker.on_return(make_return("orders", "created", "hello")));
}

TEST(confirm_tracker, fail_all_settles_everything_pending_with_the_outcome)
{
    confirm_tracker tracker;
    publishes p;
    for (int i = 1; i <= 3; ++i) p.add(tracker, i);
    (void)p.run(tracker.on_ack(2, false));
    const failure closed{errc::channel_closed,
                         std::make_shared<const close_info>(close_info{406, "PRECONDITION_FAILED", 60, 40, true}),
                         nullptr};
    auto settled = tracker.fail_all(closed);
    ASSERT_EQ(settled.size(), 2u);
    EXPECT_EQ(settled[0].outcome.info, closed.info);
    EXPECT_THAT(p.run(std::move(settled)),
                ElementsAre(outcome{1, errc::channel_closed, nullptr}, outcome{3, errc::channel_closed, nullptr}));
    EXPECT_EQ(tracker.pending(), 0u);
    EXPECT_THAT(tracker.on_ack(3, true), IsEmpty());
}

TEST(confirm_tracker, fail_all_on_nothing_pending_is_empty)
{
    confirm_tracker tracker;
    EXPECT_THAT(tracker.fail_all(failure{errc::connection_closed, nullptr, nullptr}), IsEmpty());
}

}  // namespace
}  // namespace amqp::client::detail
