// generated from the AMQP spec by protocol/codegen; do not edit
#include <amqp/protocol/basic_properties.hpp>
#include <amqp/protocol/print.hpp>

#include <ostream>

namespace amqp::protocol {

std::uint16_t property_flags(const basic_properties& p) noexcept
{
    std::uint16_t flags = 0;
    if (p.content_type) flags |= 0x8000;
    if (p.content_encoding) flags |= 0x4000;
    if (p.headers) flags |= 0x2000;
    if (p.delivery_mode) flags |= 0x1000;
    if (p.priority) flags |= 0x0800;
    if (p.correlation_id) flags |= 0x0400;
    if (p.reply_to) flags |= 0x0200;
    if (p.expiration) flags |= 0x0100;
    if (p.message_id) flags |= 0x0080;
    if (p.timestamp) flags |= 0x0040;
    if (p.type) flags |= 0x0020;
    if (p.user_id) flags |= 0x0010;
    if (p.app_id) flags |= 0x0008;
    if (p.cluster_id) flags |= 0x0004;
    return flags;
}

void encode_properties(writer& w, const basic_properties& p)
{
    w.short_uint(property_flags(p));
    if (p.content_type) w.shortstr(*p.content_type);
    if (p.content_encoding) w.shortstr(*p.content_encoding);
    if (p.headers) w.table(*p.headers);
    if (p.delivery_mode) w.octet(*p.delivery_mode);
    if (p.priority) w.octet(*p.priority);
    if (p.correlation_id) w.shortstr(*p.correlation_id);
    if (p.reply_to) w.shortstr(*p.reply_to);
    if (p.expiration) w.shortstr(*p.expiration);
    if (p.message_id) w.shortstr(*p.message_id);
    if (p.timestamp) w.stamp(*p.timestamp);
    if (p.type) w.shortstr(*p.type);
    if (p.user_id) w.shortstr(*p.user_id);
    if (p.app_id) w.shortstr(*p.app_id);
    if (p.cluster_id) w.shortstr(*p.cluster_id);
}

bool decode_properties(reader& r, basic_properties& p)
{
    std::uint16_t flags;
    if (!r.short_uint(flags)) return false;
    if ((flags & 0x0003) != 0) {
        r.fail("property flags name properties class basic does not have");
        return false;
    }
    if ((flags & 0x8000) != 0 && !r.shortstr(p.content_type.emplace())) return false;
    if ((flags & 0x4000) != 0 && !r.shortstr(p.content_encoding.emplace())) return false;
    if ((flags & 0x2000) != 0 && !r.table(p.headers.emplace())) return false;
    if ((flags & 0x1000) != 0 && !r.octet(p.delivery_mode.emplace())) return false;
    if ((flags & 0x0800) != 0 && !r.octet(p.priority.emplace())) return false;
    if ((flags & 0x0400) != 0 && !r.shortstr(p.correlation_id.emplace())) return false;
    if ((flags & 0x0200) != 0 && !r.shortstr(p.reply_to.emplace())) return false;
    if ((flags & 0x0100) != 0 && !r.shortstr(p.expiration.emplace())) return false;
    if ((flags & 0x0080) != 0 && !r.shortstr(p.message_id.emplace())) return false;
    if ((flags & 0x0040) != 0 && !r.stamp(p.timestamp.emplace())) return false;
    if ((flags & 0x0020) != 0 && !r.shortstr(p.type.emplace())) return false;
    if ((flags & 0x0010) != 0 && !r.shortstr(p.user_id.emplace())) return false;
    if ((flags & 0x0008) != 0 && !r.shortstr(p.app_id.emplace())) return false;
    if ((flags & 0x0004) != 0 && !r.shortstr(p.cluster_id.emplace())) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_properties& p)
{
    os << '{';
    const char* sep = "";
    if (p.content_type) {
        os << sep << "content_type=";
        print_quoted(os, *p.content_type);
        sep = ", ";
    }
    if (p.content_encoding) {
        os << sep << "content_encoding=";
        print_quoted(os, *p.content_encoding);
        sep = ", ";
    }
    if (p.headers) {
        os << sep << "headers=";
        os << *p.headers;
        sep = ", ";
    }
    if (p.delivery_mode) {
        os << sep << "delivery_mode=";
        os << unsigned(*p.delivery_mode);
        sep = ", ";
    }
    if (p.priority) {
        os << sep << "priority=";
        os << unsigned(*p.priority);
        sep = ", ";
    }
    if (p.correlation_id) {
        os << sep << "correlation_id=";
        print_quoted(os, *p.correlation_id);
        sep = ", ";
    }
    if (p.reply_to) {
        os << sep << "reply_to=";
        print_quoted(os, *p.reply_to);
        sep = ", ";
    }
    if (p.expiration) {
        os << sep << "expiration=";
        print_quoted(os, *p.expiration);
        sep = ", ";
    }
    if (p.message_id) {
        os << sep << "message_id=";
        print_quoted(os, *p.message_id);
        sep = ", ";
    }
    if (p.timestamp) {
        os << sep << "timestamp=";
        os << p.timestamp->time_since_epoch().count();
        sep = ", ";
    }
    if (p.type) {
        os << sep << "type=";
        print_quoted(os, *p.type);
        sep = ", ";
    }
    if (p.user_id) {
        os << sep << "user_id=";
        print_quoted(os, *p.user_id);
        sep = ", ";
    }
    if (p.app_id) {
        os << sep << "app_id=";
        print_quoted(os, *p.app_id);
        sep = ", ";
    }
    if (p.cluster_id) {
        os << sep << "cluster_id=";
        print_quoted(os, *p.cluster_id);
        sep = ", ";
    }
    return os << '}';
}

}  // namespace amqp::protocol
