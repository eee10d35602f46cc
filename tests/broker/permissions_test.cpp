// Configure, write and read permissions in the model: its name patterns and
// permission table, and the rows of permission_rows.hpp (the conformance suite runs the
// same rows over TCP, against RabbitMQ too) driven through model peers.
#include "model_peer.hpp"
#include "permission_rows.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace amqp::fakebroker {
namespace {

using test::model_peer;

TEST(name_pattern, searches_anywhere_in_the_name)
{
    EXPECT_TRUE(name_pattern("bob").matches("a.bob.b"));
    EXPECT_FALSE(name_pattern("^bob").matches("a.bob.b"));
    EXPECT_TRUE(name_pattern("^bob\\.|^amq\\.default$").matches("amq.default"));
    EXPECT_FALSE(name_pattern("^bob\\.|^amq\\.default$").matches("amq.default.x"));
}

TEST(name_pattern, empty_matches_nothing_and_dot_star_everything)
{
    EXPECT_FALSE(name_pattern("").matches("q"));
    EXPECT_FALSE(name_pattern("").matches("amq.default"));
    EXPECT_TRUE(name_pattern(".*").matches("q"));
    EXPECT_TRUE(name_pattern(".*").matches(""));
}

TEST(permission_table, explicit_permissions_win_over_the_vhost_list)
{
    user u{"bob", "pw", {"/", "other"}};
    u.vhost_permissions["/"] = {"^c", "^w", "^r"};
    const permission_table table({u});
    const vhost_access* root = table.find("bob", "/");
    ASSERT_NE(root, nullptr);
    EXPECT_TRUE(root->allows(access::configure, "c1"));
    EXPECT_FALSE(root->allows(access::configure, "w1"));
    EXPECT_TRUE(root->allows(access::write, "w1"));
    EXPECT_FALSE(root->allows(access::write, "r1"));
    EXPECT_TRUE(root->allows(access::read, "r1"));
    EXPECT_FALSE(root->allows(access::read, "c1"));
    const vhost_access* other = table.find("bob", "other");
    ASSERT_NE(other, nullptr);
    EXPECT_TRUE(other->allows(access::configure, "anything"));
    EXPECT_EQ(table.find("bob", "third"), nullptr);
    EXPECT_EQ(table.find("alice", "/"), nullptr);
}

TEST(permission_table, an_invalid_regex_names_user_vhost_and_pattern)
{
    broker_options options;
    options.users.push_back({"bob", "bob", {}, {{"/", {".*", "(unclosed", ".*"}}}});
    try {
        broker_state broker(options);
        FAIL() << "no exception for an invalid regex";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("write"), std::string::npos) << what;
        EXPECT_NE(what.find("'bob'"), std::string::npos) << what;
        EXPECT_NE(what.find("vhost '/'"), std::string::npos) << what;
        EXPECT_NE(what.find("'(unclosed'"), std::string::npos) << what;
    }
}

broker_options with_permission_users()
{
    broker_options options;
    for (const amqp::test::permission_user& u : amqp::test::permission_users) {
        user added{std::string(u.name), std::string(u.password), {}};
        added.vhost_permissions["/"] = {std::string(u.configure), std::string(u.write), std::string(u.read)};
        options.users.push_back(std::move(added));
    }
    return options;
}

class model_permission_row : public ::testing::TestWithParam<amqp::test::permission_row> {};

TEST_P(model_permission_row, answers_as_rabbitmq)
{
    const amqp::test::permission_row& row = GetParam();
    broker_state broker(with_permission_users());
    amqp::test::permission_names names("model");
    model_peer guest(broker);
    guest.handshake();
    guest.open_channel(1);
    amqp::test::prepare_permission_world(guest, names);
    model_peer client(broker);
    client.handshake(std::string(row.user->name), std::string(row.user->password));
    client.open_channel(1);
    amqp::test::run_permission_row(row, client, guest, names);
}

INSTANTIATE_TEST_SUITE_P(rows, model_permission_row, ::testing::ValuesIn(amqp::test::permission_rows()),
                         [](const ::testing::TestParamInfo<amqp::test::permission_row>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace amqp::fakebroker
