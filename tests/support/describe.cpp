#include "describe.hpp"

#include <amqp/protocol/print.hpp>

#include <sstream>
#include <string_view>

namespace amqp::test {

std::string describe(const protocol::command& c)
{
    std::ostringstream os;
    os << c.method;
    if (c.header) {
        os << " with " << c.header->properties << " and a " << c.body.size() << "-byte body ";
        protocol::print_quoted(os, std::string_view(c.body).substr(0, 64));
        if (c.body.size() > 64) os << "...";
    }
    return os.str();
}

}  // namespace amqp::test
