// Helpers the workload's source files share: the awaitable token, message ids, close texts.
#pragma once

#include <amqp/client.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <cstddef>
#include <string>

namespace amqp::scenarios::explorer::detail {

inline constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

inline std::string message_id(std::size_t index) { return "m-" + std::to_string(index); }

inline std::string describe(const client::close_info& why)
{
    if (why.reply_code == 0 && why.reply_text.empty()) return "no close from the broker";
    return std::to_string(why.reply_code) + " " + why.reply_text;
}

}  // namespace amqp::scenarios::explorer::detail
