#include "json_fields.hpp"

#include "text_encoding.hpp"

#include <cmath>
#include <type_traits>
#include <variant>

namespace amqp::fakebroker {

using nlohmann::json;

json utf8_safe(std::string_view bytes)
{
    if (is_valid_utf8(bytes)) return std::string(bytes);
    return "Not UTF-8, base64 is: " + base64_encode(bytes);
}

json field_value_json(const protocol::field_value& value)
{
    return std::visit(
        [](const auto& v) -> json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, bool>) {
                return v;
            } else if constexpr (std::is_integral_v<T>) {
                // Widened so int8/uint8 print as numbers, not characters.
                if constexpr (std::is_signed_v<T>) return std::int64_t(v);
                else return std::uint64_t(v);
            } else if constexpr (std::is_floating_point_v<T>) {
                return double(v);
            } else if constexpr (std::is_same_v<T, protocol::decimal>) {
                return double(v.value) / std::pow(10.0, v.scale);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return utf8_safe(v);
            } else if constexpr (std::is_same_v<T, protocol::byte_array>) {
                return utf8_safe(v.bytes);
            } else if constexpr (std::is_same_v<T, protocol::timestamp>) {
                return std::int64_t(v.time_since_epoch().count());
            } else if constexpr (std::is_same_v<T, protocol::field_table>) {
                return field_table_json(v);
            } else {
                static_assert(std::is_same_v<T, protocol::field_array>);
                json out = json::array();
                for (const auto& element : v) out.push_back(field_value_json(element));
                return out;
            }
        },
        value.variant());
}

json field_table_json(const protocol::field_table& table)
{
    json out = json::object();
    for (const auto& [key, value] : table) out[key] = field_value_json(value);
    return out;
}

json properties_json(const protocol::basic_properties& p)
{
    json out = json::object();
    const auto text = [&](const char* name, const std::optional<std::string>& v) {
        if (v) out[name] = utf8_safe(*v);
    };
    text("content_type", p.content_type);
    text("content_encoding", p.content_encoding);
    if (p.headers) out["headers"] = field_table_json(*p.headers);
    if (p.delivery_mode) out["delivery_mode"] = int(*p.delivery_mode);
    if (p.priority) out["priority"] = int(*p.priority);
    text("correlation_id", p.correlation_id);
    text("reply_to", p.reply_to);
    text("expiration", p.expiration);
    text("message_id", p.message_id);
    if (p.timestamp) out["timestamp"] = std::int64_t(p.timestamp->time_since_epoch().count());
    text("type", p.type);
    text("user_id", p.user_id);
    text("app_id", p.app_id);
    text("cluster_id", p.cluster_id);
    return out;
}

}  // namespace amqp::fakebroker
