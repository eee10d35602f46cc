#pragma once

// gmock matchers for broker state (queue_info) and messages (message_info, as
// broker::peek returns them):
//
//   EXPECT_THAT(broker().peek("tasks"),
//               ElementsAre(AllOf(has_body("hello"), has_routing_key("tasks"),
//                                 has_header("attempt", field_value{1}))));
//   EXPECT_THAT(*broker().queue("tasks"), AllOf(has_ready(1), has_consumers(0)));

#include <amqp/fakebroker/inspection.hpp>

#include <gmock/gmock.h>

namespace amqp::fakebroker::testing {

MATCHER_P(has_body, body, "has body " + ::testing::PrintToString(body))
{
    return ::testing::ExplainMatchResult(body, arg.body, result_listener);
}

MATCHER_P(has_routing_key, key, "has routing key " + ::testing::PrintToString(key))
{
    return ::testing::ExplainMatchResult(key, arg.routing_key, result_listener);
}

MATCHER_P(has_exchange, exchange, "was published to exchange " + ::testing::PrintToString(exchange))
{
    return ::testing::ExplainMatchResult(exchange, arg.exchange, result_listener);
}

MATCHER(is_redelivered, "is marked redelivered") { return arg.redelivered; }

// A header with the given key whose value matches (any matcher of field_value).
MATCHER_P2(has_header, key, value, "has header " + ::testing::PrintToString(key))
{
    if (!arg.properties.headers) {
        *result_listener << "the message has no headers";
        return false;
    }
    const protocol::field_value* found = arg.properties.headers->find(key);
    if (!found) {
        *result_listener << "no header " << key;
        return false;
    }
    return ::testing::ExplainMatchResult(value, *found, result_listener);
}

// A basic property, e.g. has_property(&protocol::basic_properties::content_type,
// Optional(std::string("application/json"))).
MATCHER_P2(has_property, member, value, "has a property that matches")
{
    return ::testing::ExplainMatchResult(value, arg.properties.*member, result_listener);
}

MATCHER_P(has_ready, count, "has " + ::testing::PrintToString(count) + " ready messages")
{
    *result_listener << "queue '" << arg.name << "' has " << arg.ready << " ready";
    return arg.ready == static_cast<std::size_t>(count);
}

MATCHER_P(has_unacked, count, "has " + ::testing::PrintToString(count) + " unacknowledged messages")
{
    *result_listener << "queue '" << arg.name << "' has " << arg.unacked << " unacked";
    return arg.unacked == static_cast<std::size_t>(count);
}

MATCHER_P(has_consumers, count, "has " + ::testing::PrintToString(count) + " consumers")
{
    *result_listener << "queue '" << arg.name << "' has " << arg.consumers << " consumers";
    return arg.consumers == static_cast<std::size_t>(count);
}

}  // namespace amqp::fakebroker::testing
