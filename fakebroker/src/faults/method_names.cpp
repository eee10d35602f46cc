#include "method_names.hpp"

#include <utility>

namespace amqp::fakebroker {
namespace {

template <std::size_t... I>
std::optional<protocol::method_key> find_key(std::string_view name, std::index_sequence<I...>) noexcept
{
    std::optional<protocol::method_key> found;
    (void)((std::variant_alternative_t<I, protocol::method>::name == name
                ? (found = std::variant_alternative_t<I, protocol::method>::key, true)
                : false) ||
           ...);
    return found;
}

}  // namespace

std::optional<protocol::method_key> method_key_of(std::string_view name) noexcept
{
    return find_key(name, std::make_index_sequence<protocol::method_count>{});
}

std::string_view method_name_of(protocol::method_key key) noexcept
{
    const protocol::method_info* info = protocol::find_method_info(key);
    return info ? info->name : std::string_view{};
}

}  // namespace amqp::fakebroker
