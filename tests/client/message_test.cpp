#include <amqp/client/message.hpp>
#include <amqp/protocol/basic_properties.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace amqp::client {

// Printer for readable failures; static so that another test file may define its own.
static void PrintTo(const message& m, std::ostream* os)
{
    *os << "{body=" << m.body << " properties=" << to_properties(m) << "}";
}

namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds stamp{std::chrono::seconds{1700000000}};

message full_message()
{
    message m("hello");
    m.content_type = "application/json";
    m.content_encoding = "gzip";
    m.headers = {{"x-retries", std::int32_t{3}}, {"origin", std::string("billing")}};
    m.delivery_mode = persistent;
    m.priority = 7;
    m.correlation_id = "corr-1";
    m.reply_to = "amq.rabbitmq.reply-to";
    m.expiration = 60000ms;
    m.message_id = "msg-42";
    m.timestamp = stamp;
    m.type = "order.created";
    m.user_id = "guest";
    m.app_id = "billing-service";
    m.cluster_id = "eu-1";
    return m;
}

protocol::basic_properties with_expiration(std::optional<std::string> expiration)
{
    protocol::basic_properties p;
    p.expiration = std::move(expiration);
    return p;
}

message assigned(protocol::basic_properties p)
{
    message m;
    assign_properties(m, std::move(p));
    return m;
}

TEST(message, to_properties_maps_all_fourteen_properties)
{
    protocol::basic_properties expected;
    expected.content_type = "application/json";
    expected.content_encoding = "gzip";
    expected.headers = protocol::field_table{{"x-retries", std::int32_t{3}}, {"origin", std::string("billing")}};
    expected.delivery_mode = 2;
    expected.priority = 7;
    expected.correlation_id = "corr-1";
    expected.reply_to = "amq.rabbitmq.reply-to";
    expected.expiration = "60000";
    expected.message_id = "msg-42";
    expected.timestamp = stamp;
    expected.type = "order.created";
    expected.user_id = "guest";
    expected.app_id = "billing-service";
    expected.cluster_id = "eu-1";
    EXPECT_EQ(to_properties(full_message()), expected);
}

TEST(message, round_trip_keeps_every_property)
{
    const auto original = full_message();
    message back(original.body);
    assign_properties(back, to_properties(original));
    EXPECT_EQ(back, original);
}

TEST(message, round_trip_keeps_each_property_alone)
{
    // One property at a time, so that a property that leaks into another shows.
    const auto full = full_message();
    const auto only = [](auto member, const message& from) {
        message m;
        m.*member = from.*member;
        return m;
    };
    const message singles[] = {
        only(&message::content_type, full), only(&message::content_encoding, full),
        only(&message::headers, full),      only(&message::delivery_mode, full),
        only(&message::priority, full),     only(&message::correlation_id, full),
        only(&message::reply_to, full),     only(&message::expiration, full),
        only(&message::message_id, full),   only(&message::timestamp, full),
        only(&message::type, full),         only(&message::user_id, full),
        only(&message::app_id, full),       only(&message::cluster_id, full),
    };
    for (const auto& single : singles) {
        const auto properties = to_properties(single);
        SCOPED_TRACE(testing::PrintToString(properties));
        EXPECT_EQ(protocol::property_flags(properties) & (protocol::property_flags(properties) - 1), 0)
            << "more than one property flag set";
        EXPECT_EQ(assigned(properties), single);
    }
}

TEST(message, absent_properties_are_not_sent)
{
    EXPECT_EQ(to_properties(message("body only")), protocol::basic_properties{});
    EXPECT_EQ(assigned(protocol::basic_properties{}), message{});
}

TEST(message, empty_headers_are_not_sent)
{
    message m;
    m.content_type = "text/plain";
    ASSERT_TRUE(m.headers.empty());
    EXPECT_FALSE(to_properties(m).headers.has_value());
}

TEST(message, empty_headers_on_the_wire_give_empty_headers)
{
    protocol::basic_properties p;
    p.headers = protocol::field_table{};
    EXPECT_TRUE(assigned(p).headers.empty());
}

TEST(message, expiration_is_sent_as_decimal_milliseconds)
{
    const std::pair<std::chrono::milliseconds, const char*> cases[] = {
        {0ms, "0"}, {1ms, "1"}, {1500ms, "1500"}, {60000ms, "60000"}, {86400000ms, "86400000"},
    };
    for (const auto& [ttl, text] : cases) {
        message m;
        m.expiration = ttl;
        EXPECT_EQ(to_properties(m).expiration, std::optional<std::string>(text)) << ttl.count() << "ms";
    }
}

TEST(message, expiration_is_read_from_decimal_milliseconds)
{
    EXPECT_EQ(assigned(with_expiration("0")).expiration, 0ms);
    EXPECT_EQ(assigned(with_expiration("1500")).expiration, 1500ms);
    EXPECT_EQ(assigned(with_expiration("86400000")).expiration, 86400000ms);
    EXPECT_EQ(assigned(with_expiration(std::nullopt)).expiration, std::nullopt);
}

TEST(message, non_numeric_expiration_is_dropped)
{
    for (const char* text : {"", "abc", "1.5", "-5", "10s", " 10", "10 ", "+10", "0x10", "99999999999999999999999"}) {
        EXPECT_EQ(assigned(with_expiration(text)).expiration, std::nullopt) << '"' << text << '"';
    }
}

TEST(message, non_numeric_expiration_leaves_the_other_properties)
{
    auto p = to_properties(full_message());
    p.expiration = "soon";
    auto expected = full_message();
    expected.expiration.reset();
    message m(expected.body);
    assign_properties(m, p);
    EXPECT_EQ(m, expected);
}

TEST(message, delivery_mode_values)
{
    message m;
    m.delivery_mode = transient;
    EXPECT_EQ(to_properties(m).delivery_mode, std::optional<std::uint8_t>(1));
    EXPECT_FALSE(m.persistent());
    m.delivery_mode = persistent;
    EXPECT_EQ(to_properties(m).delivery_mode, std::optional<std::uint8_t>(2));
    EXPECT_TRUE(m.persistent());
    m.delivery_mode.reset();
    EXPECT_FALSE(to_properties(m).delivery_mode.has_value());
    EXPECT_FALSE(m.persistent());
}

TEST(message, delivery_mode_is_read_from_the_wire)
{
    protocol::basic_properties p;
    p.delivery_mode = 1;
    EXPECT_EQ(assigned(p).delivery_mode, transient);
    p.delivery_mode = 2;
    EXPECT_EQ(assigned(p).delivery_mode, persistent);
    EXPECT_TRUE(assigned(p).persistent());
    // Values the spec does not define are dropped rather than cast into the enum.
    for (const std::uint8_t mode : {0, 3, 255}) {
        p.delivery_mode = mode;
        EXPECT_EQ(assigned(p).delivery_mode, std::nullopt) << int(mode);
    }
}

TEST(message, returned_message_takes_properties_too)
{
    returned_message r;
    assign_properties(r, to_properties(full_message()));
    EXPECT_EQ(r.message_id, "msg-42");
    EXPECT_EQ(r.expiration, 60000ms);
}

}  // namespace
}  // namespace amqp::client
