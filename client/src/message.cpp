#include <amqp/client/message.hpp>

#include <charconv>

namespace amqp::client {

protocol::basic_properties to_properties(const message& m)
{
    protocol::basic_properties p;
    p.content_type = m.content_type;
    p.content_encoding = m.content_encoding;
    if (!m.headers.empty()) p.headers = m.headers;
    if (m.delivery_mode) p.delivery_mode = static_cast<std::uint8_t>(*m.delivery_mode);
    p.priority = m.priority;
    p.correlation_id = m.correlation_id;
    p.reply_to = m.reply_to;
    if (m.expiration) p.expiration = std::to_string(m.expiration->count());
    p.message_id = m.message_id;
    p.timestamp = m.timestamp;
    p.type = m.type;
    p.user_id = m.user_id;
    p.app_id = m.app_id;
    p.cluster_id = m.cluster_id;
    return p;
}

namespace {

std::optional<std::chrono::milliseconds> parse_expiration(const std::optional<std::string>& text)
{
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc{} || ptr != end || value < 0) return std::nullopt;
    return std::chrono::milliseconds{value};
}

}  // namespace

void assign_properties(message& m, protocol::basic_properties p)
{
    m.content_type = std::move(p.content_type);
    m.content_encoding = std::move(p.content_encoding);
    if (p.headers) m.headers = std::move(*p.headers);
    if (p.delivery_mode == 1 || p.delivery_mode == 2) m.delivery_mode = static_cast<delivery_mode>(*p.delivery_mode);
    m.priority = p.priority;
    m.correlation_id = std::move(p.correlation_id);
    m.reply_to = std::move(p.reply_to);
    m.expiration = parse_expiration(p.expiration);
    m.message_id = std::move(p.message_id);
    m.timestamp = p.timestamp;
    m.type = std::move(p.type);
    m.user_id = std::move(p.user_id);
    m.app_id = std::move(p.app_id);
    m.cluster_id = std::move(p.cluster_id);
}

}  // namespace amqp::client
