#pragma once

#include <iosfwd>
#include <string_view>

namespace amqp::protocol {

// Writes s in double quotes with C-style escapes for quotes, backslashes and
// non-printable bytes, so binary strings (a PLAIN response, say) print readably.
void print_quoted(std::ostream& os, std::string_view s);

}  // namespace amqp::protocol
