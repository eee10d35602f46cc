// The client handshake that fails: refusals, every step's wrong answers, and the exceptions the failures become.
#include "handshake_script.hpp"

#include <amqp/client/error.hpp>
#include <amqp/protocol/methods.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace amqp::client::detail {
namespace {

using protocol::method;
using testing::HasSubstr;
using testing::IsEmpty;

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
            EXPECT_EQ(e.code(),
                      step == 1 ? std::error_code(errc::authentication_refused) : std::error_code(errc::vhost_refused));
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
