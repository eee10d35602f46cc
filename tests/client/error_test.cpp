#include <amqp/client/error.hpp>
#include <amqp/client/message.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <typeinfo>

namespace amqp::client {
namespace {

using testing::HasSubstr;

// Reply codes of channel.close (soft) and connection.close (hard) from the broker.
const std::uint16_t soft_codes[] = {403, 404, 405, 406};
const std::uint16_t hard_codes[] = {320, 402, 501, 502, 503, 504, 505, 506, 530, 540, 541};

// Rethrows make_exception's result, checks that it is exactly an E (not a subclass,
// and not a sibling that a catch of a base would accept) and hands it to check.
template <class E>
void expect_exception(std::exception_ptr error, const std::function<void(const E&)>& check = {})
{
    ASSERT_TRUE(error);
    try {
        std::rethrow_exception(error);
    } catch (const E& e) {
        EXPECT_EQ(typeid(e), typeid(E)) << "a subclass: " << typeid(e).name() << ": " << e.what();
        if (check) check(e);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type " << typeid(e).name() << ": " << e.what();
    }
}

// Counts the occurrences of `part` in `text`.
std::size_t occurrences(const std::string& text, const std::string& part)
{
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

TEST(error, client_codes_have_their_category_and_messages)
{
    const std::error_code ec = errc::message_nacked;
    EXPECT_EQ(&ec.category(), &client_category());
    EXPECT_STREQ(ec.category().name(), "amqp.client");
    EXPECT_EQ(ec.message(), "the broker nacked the message");
    EXPECT_EQ(std::error_code(errc::already_settled).message(), "delivery already acknowledged, rejected or nacked");
    EXPECT_EQ(std::error_code(errc::channel_closed).message(), "channel closed");
    EXPECT_EQ(std::error_code(errc::connection_closed).message(), "connection closed");
    for (int value = static_cast<int>(errc::connection_closed); value <= static_cast<int>(errc::unexpected_frame);
         ++value) {
        EXPECT_NE(std::error_code(value, client_category()).message(), "unknown amqp.client error") << value;
    }
}

// Every errc is an error (none is 0, which would read as success), and each is only
// equal to itself: `ec == errc::channel_closed` is how callers tell a channel close.
TEST(error, client_codes_are_errors_and_distinct)
{
    const int first = static_cast<int>(errc::connection_closed);
    const int last = static_cast<int>(errc::unexpected_frame);
    for (int a = first; a <= last; ++a) {
        const std::error_code ec = make_error_code(static_cast<errc>(a));
        EXPECT_TRUE(ec) << a;
        EXPECT_EQ(ec, static_cast<errc>(a)) << a;
        for (int b = first; b <= last; ++b) {
            if (a != b) {
                EXPECT_NE(ec, static_cast<errc>(b)) << a << " vs " << b;
            }
        }
    }
    EXPECT_NE(std::error_code(errc::channel_closed), errc::connection_closed);
    EXPECT_NE(std::error_code(errc::connection_closed), errc::channel_closed);
}

TEST(error, close_info_prints_code_text_and_method)
{
    std::ostringstream with_method;
    with_method << close_info{404, "NOT_FOUND - no queue 'q'", 50, 10, true};
    EXPECT_EQ(with_method.str(), "404 NOT_FOUND - no queue 'q' (class 50, method 10)");
    std::ostringstream without_method;
    without_method << close_info{320, "CONNECTION_FORCED - shutdown"};
    EXPECT_EQ(without_method.str(), "320 CONNECTION_FORCED - shutdown");
}

TEST(error, close_info_defaults_to_not_from_the_broker)
{
    const close_info info;
    EXPECT_EQ(info.reply_code, 0);
    EXPECT_TRUE(info.reply_text.empty());
    EXPECT_FALSE(info.by_broker);
    EXPECT_NE(info, (close_info{0, "", 0, 0, true}));
}

TEST(error, amqp_error_keeps_the_code_and_close_info)
{
    const close_info info{406, "PRECONDITION_FAILED - inequivalent arg 'durable'", 50, 10, true};
    const amqp_error e(errc::channel_closed, info);
    EXPECT_EQ(e.code(), errc::channel_closed);
    EXPECT_EQ(e.info(), info);
    EXPECT_EQ(e.info().reply_code, 406);
    EXPECT_THAT(e.what(), HasSubstr("PRECONDITION_FAILED - inequivalent arg 'durable'"));
    EXPECT_THAT(e.what(), HasSubstr("channel closed"));
}

TEST(error, make_exception_gives_channel_closed_error)
{
    const close_info info{404, "NOT_FOUND - no queue 'missing' in vhost '/'", 50, 10, true};
    expect_exception<channel_closed_error>(make_exception(errc::channel_closed, &info), [&](const auto& e) {
        EXPECT_EQ(e.code(), errc::channel_closed);
        EXPECT_EQ(e.info(), info);
        EXPECT_THAT(e.what(), HasSubstr("NOT_FOUND - no queue 'missing' in vhost '/'"));
    });
}

// A broker channel.close fails the channel's operations with errc::channel_closed and
// the close_info; the awaitable path turns that into an exception with make_exception.
TEST(error, make_exception_gives_channel_closed_error_for_a_broker_channel_close)
{
    for (const auto code : soft_codes) {
        SCOPED_TRACE(code);
        const close_info info{code, "broker said no", 50, 10, true};
        expect_exception<channel_closed_error>(make_exception(errc::channel_closed, &info), [&](const auto& e) {
            EXPECT_EQ(e.code(), errc::channel_closed);
            EXPECT_EQ(e.info().reply_code, code);
            EXPECT_EQ(e.info(), info);
            EXPECT_THAT(e.what(), HasSubstr("broker said no"));
        });
    }
}

// Our own close (or the channel's end with the connection) has no broker text.
TEST(error, make_exception_gives_channel_closed_error_without_close_info)
{
    expect_exception<channel_closed_error>(make_exception(errc::channel_closed, nullptr), [](const auto& e) {
        EXPECT_EQ(e.code(), errc::channel_closed);
        EXPECT_EQ(e.info(), close_info{});
        EXPECT_THAT(e.what(), HasSubstr("channel closed"));
    });
}

TEST(error, make_exception_gives_connection_closed_error)
{
    const close_info info{320, "CONNECTION_FORCED - broker forced connection closure", 0, 0, true};
    for (const errc e : {errc::connection_closed, errc::heartbeat_timeout, errc::handshake_failed}) {
        SCOPED_TRACE(std::error_code(e).message());
        expect_exception<connection_closed_error>(make_exception(e, &info), [&](const auto& error) {
            EXPECT_EQ(error.code(), e);
            EXPECT_EQ(error.info(), info);
            EXPECT_THAT(error.what(), HasSubstr("CONNECTION_FORCED - broker forced connection closure"));
        });
    }
}

TEST(error, make_exception_gives_connection_closed_error_for_a_broker_connection_close)
{
    for (const auto code : hard_codes) {
        SCOPED_TRACE(code);
        const close_info info{code, "broker closed", 0, 0, true};
        expect_exception<connection_closed_error>(make_exception(errc::connection_closed, &info), [&](const auto& e) {
            EXPECT_EQ(e.code(), errc::connection_closed);
            EXPECT_EQ(e.info().reply_code, code);
            EXPECT_TRUE(e.info().by_broker);
            EXPECT_THAT(e.what(), HasSubstr("broker closed"));
        });
    }
}

TEST(error, make_exception_gives_connection_closed_error_without_close_info)
{
    expect_exception<connection_closed_error>(make_exception(errc::connection_closed, nullptr), [](const auto& e) {
        EXPECT_EQ(e.code(), errc::connection_closed);
        EXPECT_EQ(e.info(), close_info{});
        EXPECT_THAT(e.what(), HasSubstr("connection closed"));
    });
}

TEST(error, make_exception_gives_authentication_error)
{
    const close_info info{403, "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN", 0, 0, true};
    expect_exception<authentication_error>(make_exception(errc::authentication_refused, &info), [&](const auto& e) {
        EXPECT_EQ(e.code(), errc::authentication_refused);
        EXPECT_EQ(e.info(), info);
        EXPECT_THAT(e.what(), HasSubstr("Login was refused"));
    });
    const close_info vhost{530, "NOT_ALLOWED - access to vhost 'prod' refused", 10, 40, true};
    expect_exception<authentication_error>(make_exception(errc::vhost_refused, &vhost), [&](const auto& e) {
        EXPECT_EQ(e.code(), errc::vhost_refused);
        EXPECT_EQ(e.info().reply_code, 530);
        EXPECT_THAT(e.what(), HasSubstr("access to vhost 'prod' refused"));
    });
}

// An authentication error is a connection error too: a catch of the base takes it.
TEST(error, authentication_error_is_a_connection_closed_error)
{
    const close_info info{403, "ACCESS_REFUSED", 0, 0, true};
    const auto error = make_exception(errc::authentication_refused, &info);
    ASSERT_TRUE(error);
    try {
        std::rethrow_exception(error);
    } catch (const connection_closed_error& e) {
        EXPECT_NE(dynamic_cast<const authentication_error*>(&e), nullptr) << typeid(e).name();
        EXPECT_EQ(e.info().reply_code, 403);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type " << typeid(e).name() << ": " << e.what();
    }
}

TEST(error, make_exception_gives_delivery_error_for_a_nack)
{
    expect_exception<delivery_error>(make_exception(errc::message_nacked, nullptr), [](const auto& e) {
        EXPECT_EQ(e.code(), errc::message_nacked);
        EXPECT_EQ(e.returned(), nullptr);
        EXPECT_THAT(e.what(), HasSubstr("nacked"));
    });
}

TEST(error, make_exception_gives_delivery_error_with_the_returned_message)
{
    auto returned = std::make_shared<returned_message>();
    returned->reply_code = 312;
    returned->reply_text = "NO_ROUTE";
    returned->exchange = "orders";
    returned->routing_key = "nowhere";
    returned->body = "hello";
    expect_exception<delivery_error>(make_exception(errc::message_returned, nullptr, returned), [&](const auto& e) {
        EXPECT_EQ(e.code(), errc::message_returned);
        ASSERT_NE(e.returned(), nullptr);
        EXPECT_EQ(e.returned(), returned.get());
        EXPECT_EQ(e.returned()->body, "hello");
        EXPECT_EQ(e.info().reply_code, 312);
        EXPECT_THAT(e.what(), HasSubstr("NO_ROUTE"));
    });
}

TEST(error, make_exception_falls_back_to_amqp_error)
{
    for (const errc code : {errc::timeout, errc::invalid_argument, errc::consumer_cancelled, errc::unexpected_frame}) {
        SCOPED_TRACE(std::error_code(code).message());
        expect_exception<amqp_error>(make_exception(code, nullptr), [&](const auto& e) {
            EXPECT_EQ(e.code(), code);
            EXPECT_EQ(e.info(), close_info{});
            EXPECT_THAT(e.what(), HasSubstr(std::error_code(code).message()));
        });
    }
}

// what() is std::system_error's "reply_text: message". With an empty reply_text
// libstdc++ still puts ": " in front (": operation timed out"; libc++ does not), so
// only check that the message is there, once.
TEST(error, what_names_the_error_once)
{
    const amqp_error without_info(errc::timeout, close_info{});
    const std::string plain = without_info.what();
    EXPECT_EQ(occurrences(plain, "operation timed out"), 1u) << plain;
    EXPECT_TRUE(plain.ends_with("operation timed out")) << plain;

    const std::string text = "PRECONDITION_FAILED - inequivalent arg";
    const amqp_error with_info(errc::channel_closed, close_info{406, text, 50, 10, true});
    const std::string full = with_info.what();
    EXPECT_EQ(occurrences(full, "channel closed"), 1u) << full;
    EXPECT_EQ(occurrences(full, text), 1u) << full;
    EXPECT_EQ(full, text + ": channel closed");
}

}  // namespace
}  // namespace amqp::client
