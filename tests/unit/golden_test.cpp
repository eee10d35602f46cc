// Frames captured from RabbitMQ 3.10 talking to pika (see golden/README.md): we must
// decode what real peers send and re-encode it to the same bytes.
#include "hex.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/content.hpp>
#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/methods.hpp>

#include <gtest/gtest.h>

namespace amqp::protocol {
namespace {

std::string fixture_path(const char* name) { return std::string(AMQP_GOLDEN_DIR) + "/" + name; }

frame_view single_frame(std::span<const std::byte> bytes)
{
    decoded_frame decoded = decode_frame(bytes, 131072);
    EXPECT_TRUE(decoded.frame) << "no whole frame in " << bytes.size() << " bytes";
    EXPECT_EQ(decoded.consumed, bytes.size());
    return decoded.frame.value_or(frame_view{});
}

// Decodes one frame and encodes what was decoded; returns the new bytes.
std::vector<std::byte> reencode(std::span<const std::byte> bytes)
{
    const frame_view frame = single_frame(bytes);
    byte_buffer out;
    switch (frame.type) {
    case frame_type::method: {
        auto m = decode_method(frame.payload);
        EXPECT_TRUE(m) << (m ? protocol_error{} : m.error());
        if (m) encode_frame(out, frame.channel, *m);
        break;
    }
    case frame_type::header: {
        auto header = decode_content_header(frame.payload);
        EXPECT_TRUE(header) << (header ? protocol_error{} : header.error());
        if (header) {
            encode_frame_with(out, frame_type::header, frame.channel, [&](byte_buffer& payload) {
                writer w(payload);
                encode_content_header(w, *header);
            });
        }
        break;
    }
    case frame_type::body:
        encode_frame_with(out, frame_type::body, frame.channel,
                          [&](byte_buffer& payload) { payload.append(frame.payload); });
        break;
    case frame_type::heartbeat: encode_heartbeat(out); break;
    }
    auto data = out.data();
    return {data.begin(), data.end()};
}

TEST(golden, every_captured_frame_reencodes_to_the_same_bytes)
{
    for (const char* name : {"connection_start.hex", "basic_publish.hex", "basic_deliver.hex", "conversation.hex"}) {
        const auto lines = test::read_fixture(fixture_path(name));
        ASSERT_FALSE(lines.empty()) << name;
        for (const auto& line : lines) {
            if (check_protocol_header(line.bytes) == header_check::match) continue;
            EXPECT_EQ(test::to_hex(reencode(line.bytes)), test::to_hex(line.bytes)) << name;
        }
    }
}

TEST(golden, connection_start_from_rabbitmq)
{
    const auto lines = test::read_fixture(fixture_path("connection_start.hex"));
    ASSERT_EQ(lines.size(), 1u);
    const frame_view frame = single_frame(lines[0].bytes);
    EXPECT_EQ(frame.channel, 0);
    auto m = decode_method(frame.payload);
    ASSERT_TRUE(m);
    const auto* start = std::get_if<connection_start>(&*m);
    ASSERT_NE(start, nullptr);
    EXPECT_EQ(start->version_major, 0);
    EXPECT_EQ(start->version_minor, 9);
    EXPECT_EQ(start->mechanisms, "AMQPLAIN PLAIN");
    EXPECT_EQ(start->locales, "en_US");
    const field_value* product = start->server_properties.find("product");
    ASSERT_NE(product, nullptr);
    EXPECT_EQ(*product, field_value{std::string("RabbitMQ")});
    const field_value* capabilities = start->server_properties.find("capabilities");
    ASSERT_NE(capabilities, nullptr);
    const auto* table = capabilities->get_if<field_table>();
    ASSERT_NE(table, nullptr);
    for (const char* capability :
         {"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
          "connection.blocked", "authentication_failure_close", "per_consumer_qos"}) {
        const field_value* flag = table->find(capability);
        ASSERT_NE(flag, nullptr) << capability;
        EXPECT_EQ(*flag, field_value{true}) << capability;
    }
    // The table the broker sends is RabbitMQ's, entry for entry and in its order.
    EXPECT_EQ(*table, server_capabilities());
}

TEST(golden, basic_publish_with_every_property_from_pika)
{
    const auto lines = test::read_fixture(fixture_path("basic_publish.hex"));
    ASSERT_EQ(lines.size(), 3u);

    auto m = decode_method(single_frame(lines[0].bytes).payload);
    ASSERT_TRUE(m);
    const auto* publish = std::get_if<basic_publish>(&*m);
    ASSERT_NE(publish, nullptr);
    EXPECT_EQ(publish->exchange, "");
    EXPECT_EQ(publish->routing_key, "golden");

    auto header = decode_content_header(single_frame(lines[1].bytes).payload);
    ASSERT_TRUE(header);
    const basic_properties& p = header->properties;
    EXPECT_EQ(header->body_size, 17u);
    EXPECT_EQ(p.content_type, "application/json");
    EXPECT_EQ(p.content_encoding, "utf-8");
    EXPECT_EQ(p.delivery_mode, 2);
    EXPECT_EQ(p.priority, 3);
    EXPECT_EQ(p.correlation_id, "corr-1");
    EXPECT_EQ(p.reply_to, "replies");
    EXPECT_EQ(p.expiration, "60000");
    EXPECT_EQ(p.message_id, "msg-1");
    EXPECT_EQ(p.timestamp, timestamp{std::chrono::seconds{1700000000}});
    EXPECT_EQ(p.type, "example");
    EXPECT_EQ(p.user_id, "guest");
    EXPECT_EQ(p.app_id, "golden-capture");
    EXPECT_FALSE(p.cluster_id);

    ASSERT_TRUE(p.headers);
    const field_table& h = *p.headers;
    EXPECT_EQ(*h.find("str"), field_value{std::string("text value")});
    EXPECT_EQ(*h.find("int32"), field_value{std::int32_t{42}});
    EXPECT_EQ(*h.find("int64"), field_value{std::int64_t{(1ll << 40) + 1}});
    EXPECT_EQ(*h.find("negative"), field_value{std::int32_t{-7}});
    EXPECT_EQ(*h.find("bool"), field_value{true});
    EXPECT_EQ(*h.find("decimal"), (field_value{decimal{2, 314}}));
    EXPECT_EQ(*h.find("datetime"), field_value{timestamp{std::chrono::seconds{1700000000}}});
    EXPECT_EQ(*h.find("none"), field_value{});
    EXPECT_EQ(*h.find("bytes"), field_value{byte_array{std::string("\x00\x01", 2)}});
    const auto* nested = h.find("nested")->get_if<field_table>();
    ASSERT_NE(nested, nullptr);
    EXPECT_EQ(nested->size(), 2u);
    const auto* list = h.find("list")->get_if<field_array>();
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(*list, (field_array{std::string("a"), std::int32_t{1}, true, std::monostate{}}));

    const frame_view body = single_frame(lines[2].bytes);
    EXPECT_EQ(body.type, frame_type::body);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(body.payload.data()), body.payload.size()),
              R"({"hello":"world"})");
}

TEST(golden, basic_deliver_from_rabbitmq)
{
    const auto lines = test::read_fixture(fixture_path("basic_deliver.hex"));
    ASSERT_EQ(lines.size(), 3u);
    auto m = decode_method(single_frame(lines[0].bytes).payload);
    ASSERT_TRUE(m);
    const auto* deliver = std::get_if<basic_deliver>(&*m);
    ASSERT_NE(deliver, nullptr);
    EXPECT_EQ(deliver->consumer_tag, "golden-consumer");
    EXPECT_EQ(deliver->delivery_tag, 1u);
    EXPECT_FALSE(deliver->redelivered);
    EXPECT_EQ(deliver->exchange, "");
    EXPECT_EQ(deliver->routing_key, "golden");

    // RabbitMQ forwards the publisher's content header untouched.
    const auto published = test::read_fixture(fixture_path("basic_publish.hex"));
    EXPECT_EQ(test::to_hex(lines[1].bytes), test::to_hex(published[1].bytes));
}

TEST(golden, a_delivery_from_views_and_stored_properties_is_rabbitmqs_bytes)
{
    // What a broker that keeps the publisher's encoded properties sends on.
    const auto lines = test::read_fixture(fixture_path("basic_deliver.hex"));
    ASSERT_EQ(lines.size(), 3u);
    const frame_view header = single_frame(lines[1].bytes);
    const frame_view body = single_frame(lines[2].bytes);
    const auto properties = header.payload.subspan(12);  // after class, weight and body size
    const std::string_view body_text(reinterpret_cast<const char*>(body.payload.data()), body.payload.size());

    byte_buffer out;
    encode_frame(out, 1, basic_deliver_view{"golden-consumer", 1, false, "", "golden"});
    encode_content(out, 1, class_ids::basic, properties, body_text, 131072);
    std::string expected;
    for (const auto& line : lines) expected += test::to_hex(line.bytes);
    EXPECT_EQ(test::to_hex(out.data()), expected);
}

TEST(golden, the_whole_conversation_decodes_in_order)
{
    const auto lines = test::read_fixture(fixture_path("conversation.hex"));
    ASSERT_GT(lines.size(), 10u);
    EXPECT_EQ(check_protocol_header(lines[0].bytes), header_check::match);
    std::vector<std::string_view> names;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const frame_view frame = single_frame(lines[i].bytes);
        if (frame.type != frame_type::method) continue;
        auto m = decode_method(frame.payload);
        ASSERT_TRUE(m) << m.error();
        names.push_back(find_method_info(key_of(*m))->name);
    }
    ASSERT_GE(names.size(), 6u);
    EXPECT_EQ(names[0], "connection.start");
    EXPECT_EQ(names[1], "connection.start-ok");
    EXPECT_EQ(names[2], "connection.tune");
    EXPECT_EQ(names[3], "connection.tune-ok");
    EXPECT_EQ(names[4], "connection.open");
    EXPECT_EQ(names[5], "connection.open-ok");
    EXPECT_EQ(names.back(), "connection.close-ok");
}

}  // namespace
}  // namespace amqp::protocol
