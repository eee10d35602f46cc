// The generated *_view methods: a broker encodes them per message from strings it
// already holds, so they must write exactly what the owning methods write.
#include "hex.hpp"
#include "random_values.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

#include <string>

namespace amqp::protocol {
namespace {

template <class Method>
std::string encoded(const Method& m)
{
    byte_buffer out;
    encode_frame(out, 7, m);
    return std::string(out.view());
}

// Random owning methods: the view of each encodes to the same bytes, and owned()
// gives the method back.
template <class Method>
void check_view_matches_owner()
{
    test::random_values gen(42);
    for (int i = 0; i < 200; ++i) {
        Method m;
        Method::fields(m, test::fill_randomly{gen});
        const auto view = view_of(m);
        static_assert(decltype(view)::key == Method::key);
        static_assert(decltype(view)::has_content == Method::has_content);
        ASSERT_EQ(test::to_hex(as_bytes(encoded(view))), test::to_hex(as_bytes(encoded(m)))) << m;
        EXPECT_EQ(view.owned(), m);
    }
}

TEST(method_views, basic_deliver_view_encodes_as_basic_deliver) { check_view_matches_owner<basic_deliver>(); }

TEST(method_views, basic_get_ok_view_encodes_as_basic_get_ok) { check_view_matches_owner<basic_get_ok>(); }

TEST(method_views, basic_return_view_encodes_as_basic_return) { check_view_matches_owner<basic_return>(); }

TEST(method_views, basic_deliver_view_writes_rabbitmqs_bytes)
{
    // The method frame of golden/basic_deliver.hex (RabbitMQ 3.10.8).
    const std::string consumer_tag = "golden-consumer";
    byte_buffer out;
    encode_frame(out, 1, basic_deliver_view{consumer_tag, 1, false, "", "golden"});
    EXPECT_EQ(test::to_hex(out.data()),
              "01000100000025003c003c0f676f6c64656e2d636f6e73756d65720000000000000001000006676f6c64656ece");
}

TEST(method_views, a_message_encodes_from_a_view)
{
    const basic_get_ok m{5, true, "ex", "rk", 3};
    basic_properties properties;
    properties.message_id = "m";
    byte_buffer from_view;
    encode_message(from_view, 2, view_of(m), properties, as_bytes(std::string_view("body")), 4096);
    byte_buffer from_owner;
    encode_message(from_owner, 2, m, properties, as_bytes(std::string_view("body")), 4096);
    EXPECT_EQ(test::to_hex(from_view.data()), test::to_hex(from_owner.data()));
}

}  // namespace
}  // namespace amqp::protocol
