#pragma once

#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/field_table.hpp>

#include <nlohmann/json.hpp>

#include <string_view>

// AMQP field tables and message properties as RabbitMQ's management API shows them:
// strings as strings, integers and floats as numbers, booleans, nested tables as
// objects, arrays as arrays, byte arrays as strings, timestamps as POSIX seconds,
// decimals as numbers, void as null. Bytes that are not UTF-8 become
// "Not UTF-8, base64 is: ..." as RabbitMQ writes them, so the document stays valid JSON.
namespace amqp::fakebroker {

nlohmann::json field_value_json(const protocol::field_value& value);
// Always an object, {} when empty. Keys come out sorted (nlohmann::json's objects
// are ordered maps); a repeated key keeps its last value.
nlohmann::json field_table_json(const protocol::field_table& table);
// Only the properties that are present, under RabbitMQ's names (content_type,
// delivery_mode, headers, ...).
nlohmann::json properties_json(const protocol::basic_properties& properties);
// A string from AMQP bytes, made UTF-8-safe as described above.
nlohmann::json utf8_safe(std::string_view bytes);

}  // namespace amqp::fakebroker
