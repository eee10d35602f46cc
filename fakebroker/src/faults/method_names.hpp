#pragma once

#include <amqp/protocol/methods.hpp>

#include <optional>
#include <string_view>

namespace amqp::fakebroker {

// A method's key by its spec name ("basic.publish"); nullopt for an unknown name.
std::optional<protocol::method_key> method_key_of(std::string_view name) noexcept;
// The spec name of a key; "" for {0, 0} or an unknown one.
std::string_view method_name_of(protocol::method_key key) noexcept;

}  // namespace amqp::fakebroker
