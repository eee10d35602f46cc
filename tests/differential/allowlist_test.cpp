// The allowlist: which divergences its entries explain, and which they do not.
#include "allowlist.hpp"
#include "recorded_events.hpp"
#include "transcript.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace amqp::differential {
namespace {

namespace proto = amqp::protocol;

divergence login_divergence(std::string fake_text, std::string rabbit_text)
{
    divergence d;
    d.where = {0, 0};
    normalised_event a;
    a.original = command_event(0, proto::connection_close{403, std::move(fake_text), 10, 11});
    normalised_event b;
    b.original = command_event(0, proto::connection_close{403, std::move(rabbit_text), 10, 11});
    d.first = a;
    d.second = b;
    return d;
}

TEST(differential_allowlist, refused_login_text_with_the_reason_appended)
{
    const std::string rabbit =
        "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";
    const allowlist_entry* e = explain(login_divergence(rabbit + " (wrong password for user 'guest')", rabbit));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "Refused logins");
    EXPECT_TRUE(e->deliberate);
}

TEST(differential_allowlist, not_a_refused_login_with_another_text)
{
    const std::string rabbit =
        "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";
    EXPECT_EQ(explain(login_divergence("ACCESS_REFUSED - something else (x)", rabbit)), nullptr);
    EXPECT_EQ(explain(login_divergence(rabbit + " and more", rabbit)), nullptr);
}

TEST(differential_allowlist, unknown_method_close_against_a_silent_socket_close)
{
    divergence d;
    d.where = {0, 0};
    normalised_event fake;
    fake.original = command_event(3, proto::connection_close{540, "NOT_IMPLEMENTED - unknown method 60.99", 60, 99});
    normalised_event rabbit;
    rabbit.original.what = event::kind::socket_closed;
    d.first = fake;
    d.second = rabbit;
    const allowlist_entry* e = explain(d);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "Unknown class or method id");
    // The same close against RabbitMQ sending another close is not explained.
    normalised_event other;
    other.original = command_event(3, proto::connection_close{505, "UNEXPECTED_FRAME", 0, 0});
    d.second = other;
    EXPECT_EQ(explain(d), nullptr);
}

}  // namespace
}  // namespace amqp::differential
