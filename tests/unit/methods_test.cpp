#include "random_values.hpp"

#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <sstream>
#include <utility>

namespace amqp::protocol {
namespace {

// Only the filling is per method type: the checks run on the variant, so this test
// compiles one copy of them instead of 66.
template <class M>
method generated(test::random_values& gen)
{
    M m;
    M::fields(m, test::fill_randomly{gen});
    return m;
}

template <std::size_t... I>
constexpr auto generators(std::index_sequence<I...>)
{
    return std::array<method (*)(test::random_values&), sizeof...(I)>{
        &generated<std::variant_alternative_t<I, method>>...};
}

void round_trips_with_generated_arguments(method (*generate)(test::random_values&), std::uint64_t seed)
{
    test::random_values gen(seed);
    for (int iteration = 0; iteration < 200; ++iteration) {
        const method original = generate(gen);
        const std::string_view name = find_method_info(key_of(original))->name;
        const auto channel = gen.integer<std::uint16_t>();

        byte_buffer out;
        encode_frame(out, channel, original);
        decoded_frame decoded = decode_frame(out.data(), 0);
        ASSERT_TRUE(decoded.frame) << name;
        ASSERT_EQ(decoded.consumed, out.size()) << name;
        EXPECT_EQ(decoded.frame->type, frame_type::method);
        EXPECT_EQ(decoded.frame->channel, channel);

        auto back = decode_method(decoded.frame->payload);
        ASSERT_TRUE(back) << name << ": " << back.error();
        ASSERT_EQ(*back, original) << "sent     " << original << "\nreceived " << *back;

        // Every strict prefix of the arguments is a syntax error, never a crash.
        const auto payload = decoded.frame->payload;
        for (std::size_t n = 0; n < payload.size(); ++n) {
            auto truncated = decode_method(payload.first(n));
            ASSERT_FALSE(truncated) << name << " truncated to " << n << " bytes";
            ASSERT_EQ(truncated.error().code, reply_code::syntax_error) << truncated.error();
        }
    }
}

TEST(methods, every_method_round_trips_with_generated_arguments)
{
    constexpr auto generate = generators(std::make_index_sequence<method_count>{});
    for (std::size_t i = 0; i < generate.size(); ++i) {
        round_trips_with_generated_arguments(generate[i], 0x5eed + i);
    }
}

// The typed encoder and the generic one (through the variant) write the same bytes.
template <class M>
void typed_and_generic_encodings_agree(test::random_values& gen)
{
    M typed;
    M::fields(typed, test::fill_randomly{gen});
    byte_buffer direct;
    encode_frame(direct, 1, typed);
    byte_buffer generic;
    encode_frame(generic, 1, method{typed});
    EXPECT_EQ(direct.view(), generic.view()) << M::name;
}

template <std::size_t... I>
void every_typed_encoding_agrees(std::index_sequence<I...>)
{
    test::random_values gen(0x5eed);
    (typed_and_generic_encodings_agree<std::variant_alternative_t<I, method>>(gen), ...);
}

TEST(methods, typed_and_generic_encoders_write_the_same_bytes)
{
    every_typed_encoding_agrees(std::make_index_sequence<method_count>{});
}

TEST(methods, the_spec_defines_66_methods_in_8_classes)
{
    EXPECT_EQ(method_count, 66u);
    std::set<std::uint16_t> classes;
    std::set<std::uint32_t> keys;
    for (std::uint16_t class_id = 0; class_id < 100; ++class_id) {
        for (std::uint16_t method_id = 0; method_id < 200; ++method_id) {
            if (const method_info* info = find_method_info({class_id, method_id})) {
                classes.insert(class_id);
                keys.insert(info->key.packed());
                EXPECT_EQ(info->key, (method_key{class_id, method_id}));
            }
        }
    }
    EXPECT_EQ(keys.size(), 66u);
    EXPECT_EQ(classes, (std::set<std::uint16_t>{10, 20, 30, 40, 50, 60, 85, 90}));
}

TEST(methods, carry_the_spec_flags_and_defaults)
{
    EXPECT_TRUE(queue_declare::synchronous);
    EXPECT_FALSE(queue_declare_ok::synchronous);
    EXPECT_TRUE(basic_publish::has_content);
    EXPECT_TRUE(basic_deliver::has_content);
    EXPECT_TRUE(basic_get_ok::has_content);
    EXPECT_TRUE(basic_return::has_content);
    EXPECT_FALSE(basic_ack::has_content);
    EXPECT_EQ(basic_publish::key, (method_key{60, 40}));
    EXPECT_EQ(exchange_unbind_ok::key, (method_key{40, 51}));
    EXPECT_EQ(exchange_declare{}.type, "direct");
    EXPECT_TRUE(basic_reject{}.requeue);
    EXPECT_TRUE(basic_nack{}.requeue);
    EXPECT_EQ(connection_open{}.virtual_host, "/");
    EXPECT_EQ(connection_start{}.mechanisms, "PLAIN");
    EXPECT_EQ(connection_start{}.version_minor, 9);
}

TEST(methods, encode_bit_fields_packed_into_one_octet)
{
    queue_declare declare;
    declare.queue = "q";
    declare.passive = false;
    declare.durable = true;
    declare.exclusive = false;
    declare.auto_delete = true;
    declare.nowait = true;
    byte_buffer out;
    writer w(out);
    encode_method(w, declare);
    // class 50, method 10, ticket 0, "q", bits durable|auto_delete|nowait, empty table
    const std::string expected("\x00\x32\x00\x0a\x00\x00\x01q\x1a\x00\x00\x00\x00", 13);
    EXPECT_EQ(out.view(), expected);
}

TEST(methods, unknown_method_is_not_implemented)
{
    const std::byte payload[] = {std::byte{0}, std::byte{60}, std::byte{0}, std::byte{99}};
    auto m = decode_method(payload);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, reply_code::not_implemented);
    EXPECT_EQ(m.error().class_id, 60);
    EXPECT_EQ(m.error().method_id, 99);
    EXPECT_EQ(m.error().reply_text(), "NOT_IMPLEMENTED - unknown method 60.99");

    const std::byte unknown_class[] = {std::byte{0x7f}, std::byte{0}, std::byte{0}, std::byte{10}};
    EXPECT_EQ(decode_method(unknown_class).error().code, reply_code::not_implemented);
}

TEST(methods, stray_bytes_after_the_arguments_are_a_syntax_error)
{
    byte_buffer out;
    writer w(out);
    encode_method(w, basic_ack{7, true});
    w.octet(0);
    auto m = decode_method(out.data());
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, reply_code::syntax_error);
    EXPECT_EQ(m.error().class_id, 60);
    EXPECT_EQ(m.error().method_id, 80);
}

TEST(methods, a_bad_field_type_in_arguments_is_a_syntax_error)
{
    byte_buffer out;
    writer w(out);
    encode_method(w, queue_declare{});
    // Replace the empty arguments table with one holding a value of type 'Z'.
    out.truncate(out.size() - 4);
    w.long_uint(3);
    w.shortstr("k");
    w.octet('Z');
    auto m = decode_method(out.data());
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, reply_code::syntax_error);
    EXPECT_NE(m.error().detail.find("unknown field value type 'Z'"), std::string::npos) << m.error().detail;
}

TEST(protocol_error, long_reply_texts_are_cut_as_rabbitmq_cuts_them)
{
    const protocol_error e{reply_code::precondition_failed, std::string(300, 'a')};
    const std::string text = e.reply_text();
    EXPECT_EQ(text.size(), 255u);
    EXPECT_TRUE(text.starts_with("PRECONDITION_FAILED - aaa"));
    EXPECT_TRUE(text.ends_with("aaa...")) << text;
}

TEST(methods, print_readably)
{
    std::ostringstream os;
    os << method{basic_publish{0, "ex", "key\n", true, false}};
    EXPECT_EQ(os.str(),
              R"(basic.publish(ticket=0, exchange="ex", routing_key="key\x0a", mandatory=true, immediate=false))");
}

}  // namespace
}  // namespace amqp::protocol
