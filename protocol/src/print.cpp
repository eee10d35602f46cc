#include <amqp/protocol/print.hpp>

#include <ostream>

namespace amqp::protocol {

void print_quoted(std::ostream& os, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    os << '"';
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            os << '\\' << c;
        } else if (u >= 0x20 && u < 0x7f) {
            os << c;
        } else {
            os << "\\x" << hex[u >> 4] << hex[u & 0xf];
        }
    }
    os << '"';
}

}  // namespace amqp::protocol
