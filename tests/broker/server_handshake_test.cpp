// The server's handshake machine alone: each method in, the step out.
#include "model/server_handshake.hpp"
#include "model/broker_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace amqp::fakebroker {
namespace {

namespace proto = amqp::protocol;
using testing::HasSubstr;

proto::connection_start_ok plain_login(const std::string& user, const std::string& password,
                                       proto::field_table properties = {})
{
    return {std::move(properties), "PLAIN", std::string("\0", 1) + user + std::string("\0", 1) + password, "en_US"};
}

const proto::field_table announcing_failure_close{
    {"capabilities", proto::field_table{{"authentication_failure_close", true}}}};

TEST(server_handshake, a_good_login_is_answered_with_the_brokers_tuning)
{
    broker_options options;
    options.heartbeat = 7;
    broker_state broker(options);
    server_handshake h(broker);
    const auto step = h.on_method(plain_login("guest", "guest"));
    ASSERT_TRUE(step.tune);
    EXPECT_EQ(step.tune->heartbeat, 7);
    EXPECT_FALSE(step.close);
    EXPECT_FALSE(step.drop);
    EXPECT_EQ(h.user(), "guest");
    EXPECT_EQ(h.current(), server_handshake::stage::tune_ok);
}

TEST(server_handshake, a_wrong_password_is_told_only_to_clients_that_announce_authentication_failure_close)
{
    broker_state broker({});
    server_handshake silent(broker);
    const auto dropped = silent.on_method(plain_login("guest", "nope"));
    EXPECT_TRUE(dropped.drop);
    EXPECT_FALSE(dropped.close);

    server_handshake told(broker);
    const auto refused = told.on_method(plain_login("guest", "nope", announcing_failure_close));
    EXPECT_TRUE(refused.drop);
    ASSERT_TRUE(refused.close);
    EXPECT_EQ(refused.close->code, proto::reply_code::access_refused);
    EXPECT_THAT(refused.close->reply_text(), HasSubstr("wrong password for user 'guest'"));
}

TEST(server_handshake, an_unknown_mechanism_or_an_unexpected_method_drops_the_socket)
{
    broker_state broker({});
    server_handshake h(broker);
    EXPECT_TRUE(h.on_method(proto::connection_start_ok{{}, "EXTERNAL", "", "en_US"}).drop);
    server_handshake early(broker);
    EXPECT_TRUE(early.on_method(proto::connection_open{"/", "", false}).drop);
}

TEST(server_handshake, tuning_above_the_brokers_frame_max_drops_the_socket)
{
    broker_state broker({});
    server_handshake h(broker);
    h.on_method(plain_login("guest", "guest"));
    EXPECT_TRUE(h.on_method(proto::connection_tune_ok{0, broker.options().frame_max + 1, 0}).drop);
}

TEST(server_handshake, tuning_is_kept_and_a_known_vhost_opens)
{
    broker_state broker({});
    server_handshake h(broker);
    h.on_method(plain_login("guest", "guest"));
    const auto tuned = h.on_method(proto::connection_tune_ok{0, 8192, 3});
    EXPECT_FALSE(tuned.drop);
    EXPECT_EQ(h.frame_max(), 8192u);
    EXPECT_EQ(h.heartbeat(), 3);
    EXPECT_EQ(h.channel_max(), broker.options().channel_max);
    const auto opened = h.on_method(proto::connection_open{"/", "", false});
    EXPECT_TRUE(opened.open_ok);
    EXPECT_EQ(h.current(), server_handshake::stage::done);
    ASSERT_NE(h.vhost(), nullptr);
    EXPECT_EQ(h.vhost()->name(), "/");
}

TEST(server_handshake, an_unknown_vhost_is_530_with_a_hint)
{
    broker_state broker({});
    server_handshake h(broker);
    h.on_method(plain_login("guest", "guest"));
    h.on_method(proto::connection_tune_ok{0, 8192, 0});
    const auto step = h.on_method(proto::connection_open{"//", "", false});
    ASSERT_TRUE(step.close);
    EXPECT_EQ(step.close->code, proto::reply_code::not_allowed);
    EXPECT_THAT(step.close->reply_text(), HasSubstr("the default vhost is '/'"));
    EXPECT_EQ(h.vhost(), nullptr);
}

}  // namespace
}  // namespace amqp::fakebroker
