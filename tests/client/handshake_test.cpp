// The client handshake that succeeds: start-ok, the client properties, tune-ok, open and the negotiated limits.
#include "handshake_script.hpp"

#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/methods.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::client::detail {
namespace {

using protocol::method;
using testing::ElementsAre;

const protocol::field_table* table_at(const protocol::field_table& table, std::string_view key)
{
    const auto* value = table.find(key);
    return value ? value->get_if<protocol::field_table>() : nullptr;
}

TEST(handshake, scripted_conversation_succeeds)
{
    const auto options = test_options();
    handshake hs(options);
    const auto script = happy_script(options);
    play(hs, script, script.size());
    EXPECT_TRUE(hs.done());
    EXPECT_FALSE(hs.failed().has_value());
}

TEST(handshake, not_done_before_open_ok)
{
    const auto options = test_options();
    handshake hs(options);
    const auto script = happy_script(options);
    for (std::size_t i = 0; i + 1 < script.size(); ++i) {
        (void)hs.on_method(script[i].from_broker);
        EXPECT_FALSE(hs.done()) << "after step " << i;
    }
}

TEST(handshake, start_ok_answers_plain_with_user_and_password)
{
    const auto options = test_options();
    handshake hs(options);
    const auto replies = hs.on_method(broker_start());
    ASSERT_EQ(replies.size(), 1u);
    const auto* start_ok = std::get_if<protocol::connection_start_ok>(&replies[0]);
    ASSERT_NE(start_ok, nullptr);
    EXPECT_EQ(start_ok->mechanism, "PLAIN");
    EXPECT_EQ(start_ok->response, std::string("\0user\0password", 14));
    EXPECT_EQ(start_ok->locale, "en_US");
}

TEST(handshake, plain_response_keeps_empty_credentials)
{
    auto options = test_options();
    options.user = "";
    options.password = "";
    handshake hs(options);
    const auto replies = hs.on_method(broker_start());
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(std::get<protocol::connection_start_ok>(replies[0]).response, std::string("\0\0", 2));
}

TEST(handshake, client_properties_announce_capabilities)
{
    const auto properties = handshake::client_properties(test_options());
    const auto* capabilities = table_at(properties, "capabilities");
    ASSERT_NE(capabilities, nullptr) << properties;
    for (const char* name :
         {"publisher_confirms", "consumer_cancel_notify", "connection.blocked", "authentication_failure_close",
          "basic.nack", "exchange_exchange_bindings", "per_consumer_qos"}) {
        SCOPED_TRACE(name);
        const auto* value = capabilities->find(name);
        ASSERT_NE(value, nullptr) << *capabilities;
        ASSERT_NE(value->get_if<bool>(), nullptr) << *value;
        EXPECT_TRUE(*value->get_if<bool>());
    }
    EXPECT_TRUE(properties.contains("product"));
}

TEST(handshake, client_properties_carry_the_connection_name_when_set)
{
    auto options = test_options();
    const auto named = handshake::client_properties(options);
    const auto* name = named.find("connection_name");
    ASSERT_NE(name, nullptr) << named;
    ASSERT_NE(name->string(), nullptr) << *name;
    EXPECT_EQ(*name->string(), "billing-service");

    options.connection_name.clear();
    EXPECT_FALSE(handshake::client_properties(options).contains("connection_name"));
}

TEST(handshake, start_ok_sends_the_client_properties)
{
    const auto options = test_options();
    handshake hs(options);
    const auto replies = hs.on_method(broker_start());
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(std::get<protocol::connection_start_ok>(replies[0]).client_properties,
              handshake::client_properties(options));
}

TEST(handshake, accepts_plain_anywhere_in_the_mechanism_list)
{
    for (const char* mechanisms : {"PLAIN", "PLAIN AMQPLAIN", "AMQPLAIN PLAIN", "EXTERNAL PLAIN AMQPLAIN"}) {
        SCOPED_TRACE(mechanisms);
        const auto options = test_options();
        handshake hs(options);
        EXPECT_EQ(hs.on_method(broker_start(mechanisms)), std::vector<method>{expected_start_ok(options)});
        EXPECT_FALSE(hs.failed().has_value());
    }
}

TEST(handshake, keeps_the_server_properties)
{
    const auto options = test_options();
    handshake hs(options);
    (void)hs.on_method(broker_start());
    EXPECT_EQ(hs.server_properties(), broker_start().server_properties);
}

TEST(handshake, tune_ok_and_open_follow_tune)
{
    const auto options = test_options();
    handshake hs(options);
    (void)hs.on_method(broker_start());
    EXPECT_THAT(hs.on_method(broker_tune(0, 131072, 60)),
                ElementsAre(method{protocol::connection_tune_ok{2047, 131072, 60}},
                            method{protocol::connection_open{"/orders", "", false}}));
}

struct tune_case {
    std::uint16_t our_channel_max;
    std::uint16_t their_channel_max;
    std::uint16_t channel_max;
    std::uint32_t our_frame_max;
    std::uint32_t their_frame_max;
    std::uint32_t frame_max;
    std::optional<std::uint16_t> our_heartbeat;
    std::uint16_t their_heartbeat;
    std::uint16_t heartbeat;
};

TEST(handshake, negotiates_the_lower_nonzero_limit_and_our_heartbeat)
{
    const tune_case cases[] = {
        // Zero means "no limit": the other side's value wins.
        {2047, 0, 2047, 131072, 0, 131072, std::nullopt, 60, 60},
        {0, 2047, 2047, 0, 131072, 131072, std::nullopt, 0, 0},
        {0, 0, 0, 0, 0, 0, std::nullopt, 30, 30},
        // Otherwise the lower one.
        {100, 2047, 100, 4096, 131072, 4096, std::nullopt, 60, 60},
        {2047, 100, 100, 131072, 4096, 4096, std::nullopt, 60, 60},
        // Our heartbeat wins when set, even 0 (off) or above the broker's.
        {2047, 2047, 2047, 131072, 131072, 131072, 10, 60, 10},
        {2047, 2047, 2047, 131072, 131072, 131072, 0, 60, 0},
        {2047, 2047, 2047, 131072, 131072, 131072, 120, 60, 120},
        {2047, 2047, 2047, 131072, 131072, 131072, 30, 0, 30},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << "channel_max " << c.our_channel_max << "/" << c.their_channel_max
                                        << " frame_max " << c.our_frame_max << "/" << c.their_frame_max << " heartbeat "
                                        << (c.our_heartbeat ? std::to_string(*c.our_heartbeat) : "unset") << "/"
                                        << c.their_heartbeat);
        auto options = test_options();
        options.channel_max = c.our_channel_max;
        options.frame_max = c.our_frame_max;
        options.heartbeat = c.our_heartbeat;
        handshake hs(options);
        (void)hs.on_method(broker_start());
        const auto replies = hs.on_method(broker_tune(c.their_channel_max, c.their_frame_max, c.their_heartbeat));
        ASSERT_EQ(replies.size(), 2u);
        EXPECT_EQ(replies[0], method{(protocol::connection_tune_ok{c.channel_max, c.frame_max, c.heartbeat})});
        EXPECT_EQ(hs.negotiated().channel_max, c.channel_max);
        EXPECT_EQ(hs.negotiated().frame_max, c.frame_max);
        EXPECT_EQ(hs.negotiated().heartbeat, c.heartbeat);
    }
}

}  // namespace
}  // namespace amqp::client::detail
