// Configure, write and read permissions: the rows of permission_rows.hpp over TCP, one
// test each, against the embedded broker or RabbitMQ; beside them what is no row: a
// server-named queue, "" standing for the last declared queue, and an unknown exchange
// type reported before the refusal.
#include "conformance_fixture.hpp"

#include <regex>

namespace amqp::test {
namespace {

namespace proto = amqp::protocol;
using proto::reply_code;

class permission_row_test : public conformance, public ::testing::WithParamInterface<permission_row> {};

TEST_P(permission_row_test, answers_as_rabbitmq)
{
    const permission_row& row = GetParam();
    permission_names names(unique_suffix(), [this](permission_names::kind k, const std::string& name) {
        if (k == permission_names::kind::queue) {
            delete_queue_after_test(name);
        } else {
            delete_exchange_after_test(name);
        }
    });
    amqp_driver guest = connect_channel();
    prepare_permission_world(guest.codec(), names);
    amqp_driver client = connect_channel_as(*row.user);
    run_permission_row(row, client.codec(), guest.codec(), names);
    client.close();
    guest.close();
}

INSTANTIATE_TEST_SUITE_P(rows, permission_row_test, ::testing::ValuesIn(permission_rows()),
                         [](const ::testing::TestParamInfo<permission_row>& info) { return info.param.name; });

// The table against itself: a 403 row names a resource that the user's pattern for the
// permission the row is about does not match.
TEST(permission_rows, a_refusal_names_what_the_needed_pattern_does_not_match)
{
    const std::regex resource(
        R"(^ACCESS_REFUSED - access to (queue|exchange) '([^']*)' in vhost '/' refused for user '([^']*)'$)");
    for (const permission_row& row : permission_rows()) {
        if (row.expected.reply_code != 403) continue;
        std::smatch m;
        ASSERT_TRUE(std::regex_match(row.expected.reply_text, m, resource)) << row.name;
        EXPECT_EQ(m[3].str(), row.user->name) << row.name;
        const std::string pattern(pattern_of(*row.user, row.needs));
        EXPECT_NE(row.needs, permission::none) << row.name;
        EXPECT_FALSE(!pattern.empty() && std::regex_search(m[2].str(), std::regex(pattern)))
            << row.name << ": " << to_string(row.needs) << " pattern '" << pattern << "' matches " << m[2].str();
    }
}

class permissions : public conformance {
protected:
    // Declared by guest, outside limited_user's patterns; deleted after the test.
    std::string guest_queue(std::string_view what)
    {
        const std::string name = delete_queue_after_test("other." + short_unique_name(what));
        amqp_driver d = connect_channel();
        d.rpc<proto::queue_declare_ok>(1, declare_queue(name));
        d.close();
        return name;
    }
};

TEST_F(permissions, a_server_named_queue_is_checked_under_its_generated_name)
{
    amqp_driver d = connect_channel_as(limited_user);
    d.send(1, declare_queue(""));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_TRUE(close.reply_text.starts_with("ACCESS_REFUSED - access to queue 'amq.gen-")) << close.reply_text;
    EXPECT_TRUE(close.reply_text.ends_with("' in vhost '/' refused for user 'limited'")) << close.reply_text;
    EXPECT_EQ(close.class_id, proto::queue_declare::key.class_id);
    EXPECT_EQ(close.method_id, proto::queue_declare::key.method_id);
    d.close();
}

// "" names the queue the channel declared last, a passive declare too.
TEST_F(permissions, an_empty_queue_name_is_checked_as_the_last_declared_queue)
{
    const std::string theirs = guest_queue("q");
    amqp_driver d = connect_channel_as(limited_user);
    EXPECT_EQ(d.rpc<proto::queue_declare_ok>(1, passive_of(declare_queue(theirs))).queue, theirs);
    d.send(1, get_from(""));
    const proto::channel_close close = d.expect_channel_close(1, reply_code::access_refused);
    EXPECT_EQ(close.reply_text,
              "ACCESS_REFUSED - access to queue '" + theirs + "' in vhost '/' refused for user 'limited'");
    EXPECT_EQ(close.class_id, proto::basic_get::key.class_id);
    EXPECT_EQ(close.method_id, proto::basic_get::key.method_id);
    d.close();
}

TEST_F(permissions, an_unknown_exchange_type_is_reported_before_the_refusal)
{
    amqp_driver d = connect_channel_as(limited_user);
    d.send(1, declare_exchange("other." + short_unique_name("x"), "no-such-type"));
    const proto::connection_close close = d.expect_connection_close(reply_code::command_invalid);
    EXPECT_EQ(close.reply_text, "COMMAND_INVALID - unknown exchange type 'no-such-type'");
    d.expect_socket_closed();
}

}  // namespace
}  // namespace amqp::test
