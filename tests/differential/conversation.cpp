#include "conversation.hpp"

#include <amqp/protocol/print.hpp>

#include <ostream>
#include <sstream>

namespace amqp::differential {

std::string with_prefix(std::string_view name, std::string_view prefix)
{
    if (!name.starts_with('@')) return std::string(name);
    return std::string(prefix) + std::string(name.substr(1));
}

std::string describe(const outgoing& o)
{
    std::ostringstream os;
    os << "ch" << o.channel << " ";
    if (!o.raw.empty()) {
        os << "raw bytes ";
        protocol::print_quoted(os, o.raw);
        return os.str();
    }
    os << o.method;
    if (std::holds_alternative<protocol::basic_publish>(o.method)) {
        os << " with " << o.properties << " and a " << o.body.size() << "-byte body";
    }
    return os.str();
}

std::string describe(const step& s)
{
    std::ostringstream os;
    os << "c" << s.connection << " ";
    switch (s.what) {
    case step::kind::connect:
        os << "connect";
        if (s.credentials == login::wrong_password) os << " with a wrong password";
        if (s.credentials == login::unknown_vhost) os << " to an unknown vhost";
        break;
    case step::kind::disconnect: os << "disconnect (socket closed without connection.close)"; break;
    case step::kind::send:
        for (std::size_t i = 0; i < s.frames.size(); ++i) os << (i ? " + " : "") << describe(s.frames[i]);
        break;
    }
    return os.str();
}

std::ostream& operator<<(std::ostream& os, const conversation& c)
{
    os << "conversation of seed " << c.seed << ", " << c.steps.size() << " steps:\n";
    for (std::size_t i = 0; i < c.steps.size(); ++i) os << "  " << i << ": " << describe(c.steps[i]) << "\n";
    return os;
}

std::size_t frame_count(const conversation& c)
{
    std::size_t n = 0;
    for (const step& s : c.steps) n += 1 + s.frames.size();
    return n;
}

}  // namespace amqp::differential
