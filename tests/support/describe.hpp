#pragma once

#include <amqp/protocol/command_assembler.hpp>

#include <string>

namespace amqp::test {

// One printable line for a command: the method, and for content its properties and the
// start of its body. What failure messages show of what arrived.
std::string describe(const protocol::command& c);

}  // namespace amqp::test
