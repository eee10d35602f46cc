#include <amqp/protocol/tuning.hpp>

#include <gtest/gtest.h>

namespace amqp::protocol {
namespace {

TEST(tuning, lower_limit_reads_zero_as_no_limit)
{
    EXPECT_EQ(lower_limit<std::uint16_t>(0, 0), 0);
    EXPECT_EQ(lower_limit<std::uint16_t>(0, 2047), 2047);
    EXPECT_EQ(lower_limit<std::uint16_t>(100, 0), 100);
    EXPECT_EQ(lower_limit<std::uint32_t>(131072, 4096), 4096u);
    EXPECT_EQ(lower_limit<std::uint32_t>(4096, 131072), 4096u);
    static_assert(lower_limit(3, 5) == 3);
}

TEST(tuning, the_client_takes_the_lower_limits_and_its_own_heartbeat)
{
    const connection_tune server{2047, 131072, 60};
    EXPECT_EQ(negotiate(server, {100, 4096, 5}), (connection_tune_ok{100, 4096, 5}));
    EXPECT_EQ(negotiate(server, {0, 0, 0}), (connection_tune_ok{2047, 131072, 0}))
        << "a heartbeat of 0 turns heartbeats off even when the server proposes one";
    EXPECT_EQ(negotiate(server, {65535, 1u << 20, 600}), (connection_tune_ok{2047, 131072, 600}))
        << "a longer heartbeat than the server's is ours to ask for";
}

TEST(tuning, without_a_heartbeat_wish_the_client_takes_the_servers)
{
    EXPECT_EQ(negotiate(connection_tune{0, 0, 60}, {}), (connection_tune_ok{0, 0, 60}));
    EXPECT_EQ(negotiate(connection_tune{0, 0, 0}, {2047, 131072, std::nullopt}), (connection_tune_ok{2047, 131072, 0}));
}

}  // namespace
}  // namespace amqp::protocol
