#pragma once

#include <amqp/runtime/unique_function.hpp>

namespace amqp::client::detail {

using runtime::unique_function;

}  // namespace amqp::client::detail
