#include "delivery_tracker.hpp"

#include <amqp/client/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <system_error>

namespace amqp::client::detail {
namespace {

delivery_tracker with_deliveries(std::uint64_t first, std::uint64_t last)
{
    delivery_tracker tracker;
    for (auto tag = first; tag <= last; ++tag) tracker.delivered(tag);
    return tracker;
}

TEST(delivery_tracker, counts_outstanding_deliveries)
{
    delivery_tracker tracker;
    EXPECT_EQ(tracker.outstanding(), 0u);
    tracker.delivered(1);
    tracker.delivered(2);
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, settles_once)
{
    auto tracker = with_deliveries(1, 3);
    EXPECT_EQ(tracker.settle(2, false), std::error_code{});
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, settling_twice_is_already_settled)
{
    auto tracker = with_deliveries(1, 3);
    ASSERT_EQ(tracker.settle(2, false), std::error_code{});
    EXPECT_EQ(tracker.settle(2, false), errc::already_settled);
    EXPECT_EQ(tracker.settle(2, true), errc::already_settled);
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, settling_twice_at_the_front_is_already_settled)
{
    // The front entry is dropped once settled; a second settle must still fail.
    auto tracker = with_deliveries(1, 3);
    ASSERT_EQ(tracker.settle(1, false), std::error_code{});
    EXPECT_EQ(tracker.settle(1, false), errc::already_settled);
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, unknown_tag_is_already_settled)
{
    auto tracker = with_deliveries(5, 7);
    EXPECT_EQ(tracker.settle(4, false), errc::already_settled);
    EXPECT_EQ(tracker.settle(8, false), errc::already_settled);
    EXPECT_EQ(tracker.settle(0, true), errc::already_settled);
    EXPECT_EQ(tracker.outstanding(), 3u);

    delivery_tracker empty;
    EXPECT_EQ(empty.settle(1, false), errc::already_settled);
}

TEST(delivery_tracker, unknown_tag_between_known_ones_is_already_settled)
{
    delivery_tracker tracker;
    tracker.delivered(2);
    tracker.delivered(4);
    EXPECT_EQ(tracker.settle(3, false), errc::already_settled);
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, multiple_settles_every_earlier_outstanding_delivery)
{
    auto tracker = with_deliveries(1, 5);
    ASSERT_EQ(tracker.settle(2, false), std::error_code{});
    EXPECT_EQ(tracker.settle(4, true), std::error_code{});
    EXPECT_EQ(tracker.outstanding(), 1u);
    for (std::uint64_t tag = 1; tag <= 4; ++tag)
        EXPECT_EQ(tracker.settle(tag, false), errc::already_settled) << "tag " << tag;
    EXPECT_EQ(tracker.settle(5, false), std::error_code{});
    EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(delivery_tracker, multiple_leaves_later_deliveries_outstanding)
{
    auto tracker = with_deliveries(1, 4);
    ASSERT_EQ(tracker.settle(2, true), std::error_code{});
    EXPECT_EQ(tracker.outstanding(), 2u);
    EXPECT_EQ(tracker.settle(3, false), std::error_code{});
    EXPECT_EQ(tracker.settle(4, false), std::error_code{});
}

TEST(delivery_tracker, multiple_on_a_settled_tag_is_already_settled)
{
    auto tracker = with_deliveries(1, 3);
    ASSERT_EQ(tracker.settle(3, false), std::error_code{});
    EXPECT_EQ(tracker.settle(3, true), errc::already_settled);
    EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(delivery_tracker, settles_in_any_order)
{
    auto tracker = with_deliveries(1, 4);
    for (const std::uint64_t tag : {3u, 1u, 4u, 2u})
        EXPECT_EQ(tracker.settle(tag, false), std::error_code{}) << "tag " << tag;
    EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(delivery_tracker, keeps_tracking_after_the_front_is_dropped)
{
    delivery_tracker tracker;
    tracker.delivered(1);
    ASSERT_EQ(tracker.settle(1, false), std::error_code{});
    tracker.delivered(2);
    tracker.delivered(3);
    EXPECT_EQ(tracker.outstanding(), 2u);
    EXPECT_EQ(tracker.settle(3, true), std::error_code{});
    EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(delivery_tracker, clear_forgets_everything)
{
    auto tracker = with_deliveries(1, 3);
    tracker.clear();
    EXPECT_EQ(tracker.outstanding(), 0u);
    EXPECT_EQ(tracker.settle(1, false), errc::already_settled);
}

}  // namespace
}  // namespace amqp::client::detail
