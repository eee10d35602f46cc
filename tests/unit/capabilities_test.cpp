#include <amqp/protocol/capabilities.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amqp::protocol {
namespace {

std::vector<std::string> names_of(const field_table& table)
{
    std::vector<std::string> names;
    for (const auto& [name, value] : table) {
        EXPECT_EQ(value, field_value{true}) << name;
        names.push_back(name);
    }
    return names;
}

TEST(capabilities, the_server_lists_rabbitmq_3_10s_set)
{
    const std::vector<std::string> expected{
        "publisher_confirms",           "exchange_exchange_bindings", "basic.nack",
        "consumer_cancel_notify",       "connection.blocked",         "consumer_priorities",
        "authentication_failure_close", "per_consumer_qos",           "direct_reply_to"};
    EXPECT_EQ(names_of(server_capabilities()), expected);
}

TEST(capabilities, the_client_lists_what_rabbitmq_only_does_for_clients_that_ask)
{
    const std::vector<std::string> expected{
        "publisher_confirms", "exchange_exchange_bindings",   "basic.nack",      "consumer_cancel_notify",
        "connection.blocked", "authentication_failure_close", "per_consumer_qos"};
    EXPECT_EQ(names_of(client_capabilities()), expected);
}

TEST(capabilities, announces_only_a_boolean_true_inside_the_capabilities_table)
{
    const field_table properties{
        {"capabilities", field_table{{"connection.blocked", true},
                                     {"basic.nack", false},
                                     {"per_consumer_qos", std::uint8_t{1}},
                                     {"direct_reply_to", std::string("true")}}},
        {"consumer_cancel_notify", true},
    };
    EXPECT_TRUE(announces(properties, capability::connection_blocked));
    EXPECT_FALSE(announces(properties, capability::basic_nack));
    EXPECT_FALSE(announces(properties, capability::per_consumer_qos));
    EXPECT_FALSE(announces(properties, capability::direct_reply_to));
    // Outside the capabilities table it does not count.
    EXPECT_FALSE(announces(properties, capability::consumer_cancel_notify));
    EXPECT_FALSE(announces({}, capability::connection_blocked));
    EXPECT_FALSE(announces({{"capabilities", std::string("connection.blocked")}}, capability::connection_blocked));
}

TEST(capabilities, both_tables_announce_every_name_they_list)
{
    for (const field_table& table : {server_capabilities(), client_capabilities()}) {
        const field_table properties{{"capabilities", table}};
        for (const auto& [name, value] : table) EXPECT_TRUE(announces(properties, name)) << name;
    }
    EXPECT_FALSE(announces({{"capabilities", client_capabilities()}}, capability::direct_reply_to));
}

}  // namespace
}  // namespace amqp::protocol
