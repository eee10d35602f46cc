#include "handshake.hpp"

#include <amqp/client/connection_options.hpp>
#include <amqp/client/error.hpp>
#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/methods.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

namespace amqp::client::detail {
namespace {

using protocol::method;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

constexpr std::uint16_t access_refused = static_cast<std::uint16_t>(protocol::reply_code::access_refused);
constexpr std::uint16_t not_allowed = static_cast<std::uint16_t>(protocol::reply_code::not_allowed);
constexpr std::uint16_t connection_forced = static_cast<std::uint16_t>(protocol::reply_code::connection_forced);
constexpr std::uint16_t unexpected_frame = static_cast<std::uint16_t>(protocol::reply_code::unexpected_frame);

connection_options test_options()
{
    connection_options options;
    options.user = "user";
    options.password = "password";
    options.vhost = "/orders";
    options.connection_name = "billing-service";
    options.channel_max = 2047;
    options.frame_max = 131072;
    return options;
}

protocol::connection_start broker_start(std::string mechanisms = "PLAIN AMQPLAIN")
{
    protocol::connection_start start;
    start.version_major = 0;
    start.version_minor = 9;
    start.server_properties = {{"product", std::string("RabbitMQ")}, {"version", std::string("3.12.0")}};
    start.mechanisms = std::move(mechanisms);
    start.locales = "en_US";
    return start;
}

protocol::connection_tune broker_tune(std::uint16_t channel_max = 0, std::uint32_t frame_max = 131072,
                                      std::uint16_t heartbeat = 60)
{
    protocol::connection_tune tune;
    tune.channel_max = channel_max;
    tune.frame_max = frame_max;
    tune.heartbeat = heartbeat;
    return tune;
}

protocol::connection_close broker_close(std::uint16_t code, std::string text, std::uint16_t class_id = 0,
                                        std::uint16_t method_id = 0)
{
    return protocol::connection_close{code, std::move(text), class_id, method_id};
}

protocol::connection_start_ok expected_start_ok(const connection_options& options)
{
    protocol::connection_start_ok start_ok;
    start_ok.client_properties = handshake::client_properties(options);
    start_ok.mechanism = "PLAIN";
    start_ok.response = std::string("\0user\0password", 14);
    start_ok.locale = "en_US";
    return start_ok;
}

// One exchange of the conversation: what the broker says, and what we must answer.
struct step {
    method from_broker;
    std::vector<method> replies;
};

// The conversation with a broker that accepts everything, as the test options ask.
std::vector<step> happy_script(const connection_options& options)
{
    return {
        {broker_start(), {expected_start_ok(options)}},
        {broker_tune(0, 131072, 60),
         {protocol::connection_tune_ok{2047, 131072, 60}, protocol::connection_open{options.vhost, "", false}}},
        {protocol::connection_open_ok{}, {}},
    };
}

// Plays the first `count` steps of the script, checking each answer.
void play(handshake& hs, const std::vector<step>& script, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        SCOPED_TRACE("step " + std::to_string(i));
        EXPECT_EQ(hs.on_method(script[i].from_broker), script[i].replies);
        EXPECT_FALSE(hs.failed().has_value());
    }
}

const protocol::field_table* table_at(const protocol::field_table& table, std::string_view key)
{
    const auto* value = table.find(key);
    return value ? value->get_if<protocol::field_table>() : nullptr;
}

// --- the conversation that succeeds --------------------------------------------------

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
    for (const char* name : {"publisher_confirms", "consumer_cancel_notify", "connection.blocked",
                             "authentication_failure_close", "basic.nack", "exchange_exchange_bindings",
                             "per_consumer_qos"}) {
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
                                        << " frame_max " << c.our_frame_max << "/" << c.their_frame_max
                                        << " heartbeat "
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

// --- failures ------------------------------------------------------------------------

TEST(handshake, refuses_a_broker_without_plain)
{
    for (const char* mechanisms : {"AMQPLAIN", "EXTERNAL AMQPLAIN", "PLAINTEXT", "", "plain"}) {
        SCOPED_TRACE(mechanisms);
        const auto options = test_options();
        handshake hs(options);
        EXPECT_THAT(hs.on_method(broker_start(mechanisms)), IsEmpty());
        ASSERT_TRUE(hs.failed().has_value());
        EXPECT_EQ(hs.failed()->ec, errc::authentication_refused);
        ASSERT_NE(hs.failed()->info, nullptr);
        EXPECT_THAT(hs.failed()->info->reply_text, HasSubstr(mechanisms));
        EXPECT_FALSE(hs.done());
    }
}

TEST(handshake, refuses_another_protocol_version)
{
    const std::pair<std::uint8_t, std::uint8_t> versions[] = {{0, 8}, {0, 10}, {1, 0}, {1, 9}};
    for (const auto& [major, minor] : versions) {
        SCOPED_TRACE(testing::Message() << int(major) << "-" << int(minor));
        const auto options = test_options();
        handshake hs(options);
        auto start = broker_start();
        start.version_major = major;
        start.version_minor = minor;
        EXPECT_THAT(hs.on_method(start), IsEmpty());
        ASSERT_TRUE(hs.failed().has_value());
        EXPECT_EQ(hs.failed()->ec, errc::handshake_failed);
        ASSERT_NE(hs.failed()->info, nullptr);
        EXPECT_THAT(hs.failed()->info->reply_text, HasSubstr(std::to_string(major) + "-" + std::to_string(minor)));
        EXPECT_FALSE(hs.done());
    }
}

TEST(handshake, authentication_failure_close_after_start_ok)
{
    const auto options = test_options();
    handshake hs(options);
    play(hs, happy_script(options), 1);
    const std::string text = "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN.";
    EXPECT_EQ(hs.on_method(broker_close(access_refused, text)), std::vector<method>{protocol::connection_close_ok{}});
    ASSERT_TRUE(hs.failed().has_value());
    EXPECT_EQ(hs.failed()->ec, errc::authentication_refused);
    ASSERT_NE(hs.failed()->info, nullptr);
    EXPECT_EQ(*hs.failed()->info, (close_info{access_refused, text, 0, 0, true}));
    EXPECT_FALSE(hs.done());
}

TEST(handshake, vhost_refused_after_open)
{
    const auto options = test_options();
    handshake hs(options);
    play(hs, happy_script(options), 2);
    const std::string text = "NOT_ALLOWED - access to vhost '/orders' refused for user 'user'";
    EXPECT_EQ(hs.on_method(broker_close(not_allowed, text, 10, 40)),
              std::vector<method>{protocol::connection_close_ok{}});
    ASSERT_TRUE(hs.failed().has_value());
    EXPECT_EQ(hs.failed()->ec, errc::vhost_refused);
    ASSERT_NE(hs.failed()->info, nullptr);
    EXPECT_EQ(*hs.failed()->info, (close_info{not_allowed, text, 10, 40, true}));
    EXPECT_FALSE(hs.done());
}

TEST(handshake, access_refused_after_open_is_a_vhost_refusal)
{
    const auto options = test_options();
    handshake hs(options);
    play(hs, happy_script(options), 2);
    (void)hs.on_method(broker_close(access_refused, "ACCESS_REFUSED - no access to this vhost"));
    ASSERT_TRUE(hs.failed().has_value());
    EXPECT_EQ(hs.failed()->ec, errc::vhost_refused);
}

// Boost.MySQL's check of each step: play the script up to step i, then let the broker
// answer something else there; the handshake must fail with the right error and never
// report done.
TEST(handshake, every_step_fails_on_an_unexpected_method)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    // At each step, a method that is valid in the handshake but not at that point.
    const method wrong[] = {protocol::connection_open_ok{}, broker_start(), broker_tune()};
    ASSERT_EQ(std::size(wrong), script.size());
    for (std::size_t i = 0; i < script.size(); ++i) {
        SCOPED_TRACE("failing step " + std::to_string(i));
        handshake hs(options);
        play(hs, script, i);
        EXPECT_THAT(hs.on_method(wrong[i]), IsEmpty());
        ASSERT_TRUE(hs.failed().has_value());
        EXPECT_EQ(hs.failed()->ec, errc::handshake_failed);
        ASSERT_NE(hs.failed()->info, nullptr);
        const auto key = protocol::key_of(wrong[i]);
        EXPECT_EQ(hs.failed()->info->reply_code, unexpected_frame);
        EXPECT_EQ(hs.failed()->info->class_id, key.class_id);
        EXPECT_EQ(hs.failed()->info->method_id, key.method_id);
        EXPECT_FALSE(hs.done());
    }
}

TEST(handshake, every_step_fails_on_a_method_of_another_class)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    for (std::size_t i = 0; i < script.size(); ++i) {
        SCOPED_TRACE("failing step " + std::to_string(i));
        handshake hs(options);
        play(hs, script, i);
        EXPECT_THAT(hs.on_method(protocol::channel_open_ok{}), IsEmpty());
        ASSERT_TRUE(hs.failed().has_value());
        EXPECT_EQ(hs.failed()->ec, errc::handshake_failed);
        ASSERT_NE(hs.failed()->info, nullptr);
        EXPECT_EQ(hs.failed()->info->reply_code, unexpected_frame);
        EXPECT_EQ(hs.failed()->info->class_id, protocol::channel_open_ok::key.class_id);
        EXPECT_EQ(hs.failed()->info->method_id, protocol::channel_open_ok::key.method_id);
        EXPECT_FALSE(hs.done());
    }
}

TEST(handshake, every_step_fails_on_a_broker_close)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    for (std::size_t i = 0; i < script.size(); ++i) {
        SCOPED_TRACE("failing step " + std::to_string(i));
        handshake hs(options);
        play(hs, script, i);
        const std::string text = "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'";
        EXPECT_EQ(hs.on_method(broker_close(connection_forced, text)),
                  std::vector<method>{protocol::connection_close_ok{}});
        ASSERT_TRUE(hs.failed().has_value());
        EXPECT_EQ(hs.failed()->ec, errc::connection_closed);
        ASSERT_NE(hs.failed()->info, nullptr);
        EXPECT_EQ(*hs.failed()->info, (close_info{connection_forced, text, 0, 0, true}));
        EXPECT_FALSE(hs.done());
    }
}

// Which error a 403 or 530 close gives depends on what it answered; the reply code
// and text are in the close_info whatever the error.
TEST(handshake, every_step_maps_refusals_by_position)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    struct expectation {
        std::error_code for_403;
        std::error_code for_530;
    };
    const expectation expected[] = {
        // Before start-ok nothing was refused yet: a plain connection close.
        {errc::connection_closed, errc::connection_closed},
        // After start-ok: the credentials.
        {errc::authentication_refused, errc::connection_closed},
        // After connection.open: the virtual host.
        {errc::vhost_refused, errc::vhost_refused},
    };
    ASSERT_EQ(std::size(expected), script.size());
    for (std::size_t i = 0; i < script.size(); ++i) {
        for (const std::uint16_t code : {access_refused, not_allowed}) {
            SCOPED_TRACE(testing::Message() << "close " << code << " at step " << i);
            handshake hs(options);
            play(hs, script, i);
            EXPECT_EQ(hs.on_method(broker_close(code, "refused", 10, 40)),
                      std::vector<method>{protocol::connection_close_ok{}});
            ASSERT_TRUE(hs.failed().has_value());
            EXPECT_EQ(hs.failed()->ec, code == access_refused ? expected[i].for_403 : expected[i].for_530);
            ASSERT_NE(hs.failed()->info, nullptr);
            EXPECT_EQ(*hs.failed()->info, (close_info{code, "refused", 10, 40, true}));
            EXPECT_FALSE(hs.done());
        }
    }
}

// Any other reply code is a plain connection close at every step, never a refusal.
TEST(handshake, every_step_gives_connection_closed_for_other_reply_codes)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    for (const std::uint16_t code : {connection_forced, unexpected_frame, std::uint16_t{402}, std::uint16_t{541}}) {
        for (std::size_t i = 0; i < script.size(); ++i) {
            SCOPED_TRACE(testing::Message() << "close " << code << " at step " << i);
            handshake hs(options);
            play(hs, script, i);
            (void)hs.on_method(broker_close(code, "closed"));
            ASSERT_TRUE(hs.failed().has_value());
            EXPECT_EQ(hs.failed()->ec, errc::connection_closed);
            ASSERT_NE(hs.failed()->info, nullptr);
            EXPECT_EQ(hs.failed()->info->reply_code, code);
            EXPECT_EQ(hs.failed()->info->reply_text, "closed");
        }
    }
}

// What the awaitable path makes of a handshake failure: the exception carries the
// broker's reply code and text.
TEST(handshake, refusals_become_authentication_errors_with_the_broker_text)
{
    const auto options = test_options();
    const auto script = happy_script(options);
    const std::string text = "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN.";
    for (const std::size_t step : {std::size_t{1}, std::size_t{2}}) {
        SCOPED_TRACE("refused at step " + std::to_string(step));
        handshake hs(options);
        play(hs, script, step);
        (void)hs.on_method(broker_close(access_refused, text));
        ASSERT_TRUE(hs.failed().has_value());
        const auto error = make_exception(hs.failed()->ec, hs.failed()->info.get());
        ASSERT_TRUE(error);
        try {
            std::rethrow_exception(error);
        } catch (const authentication_error& e) {
            EXPECT_EQ(e.code(), step == 1 ? std::error_code(errc::authentication_refused)
                                          : std::error_code(errc::vhost_refused));
            EXPECT_EQ(e.info().reply_code, access_refused);
            EXPECT_THAT(e.what(), HasSubstr(text));
        } catch (const std::exception& e) {
            ADD_FAILURE() << "wrong exception type " << typeid(e).name() << ": " << e.what();
        }
    }
}

TEST(handshake, a_broker_close_becomes_a_connection_closed_error_with_the_broker_text)
{
    const auto options = test_options();
    handshake hs(options);
    play(hs, happy_script(options), 2);
    const std::string text = "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'";
    (void)hs.on_method(broker_close(connection_forced, text));
    ASSERT_TRUE(hs.failed().has_value());
    const auto error = make_exception(hs.failed()->ec, hs.failed()->info.get());
    ASSERT_TRUE(error);
    try {
        std::rethrow_exception(error);
    } catch (const connection_closed_error& e) {
        EXPECT_EQ(typeid(e), typeid(connection_closed_error)) << typeid(e).name();
        EXPECT_EQ(e.code(), errc::connection_closed);
        EXPECT_EQ(e.info().reply_code, connection_forced);
        EXPECT_TRUE(e.info().by_broker);
        EXPECT_THAT(e.what(), HasSubstr(text));
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type " << typeid(e).name() << ": " << e.what();
    }
}

}  // namespace
}  // namespace amqp::client::detail
