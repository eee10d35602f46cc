// basic.qos with a prefetch count and no prefetch size, as the basic tests set it.
#pragma once

#include <amqp/protocol/methods.hpp>

#include <cstdint>

namespace amqp::test {

inline protocol::basic_qos prefetch(std::uint16_t count, bool global = false)
{
    return protocol::basic_qos{0, count, global};
}

}  // namespace amqp::test
