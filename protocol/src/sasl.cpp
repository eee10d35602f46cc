#include <amqp/protocol/sasl.hpp>

#include <amqp/protocol/byte_buffer.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/wire.hpp>

#include <algorithm>
#include <cstddef>

namespace amqp::protocol {

std::string plain_response(std::string_view user, std::string_view password)
{
    std::string response;
    response.reserve(user.size() + password.size() + 2);
    response += '\0';
    response += user;
    response += '\0';
    response += password;
    return response;
}

std::string amqplain_response(std::string_view user, std::string_view password)
{
    byte_buffer out;
    writer w(out);
    w.table(field_table{{"LOGIN", std::string(user)}, {"PASSWORD", std::string(password)}});
    return std::string(out.view().substr(4));
}

std::optional<credentials> parse_plain(std::string_view response)
{
    const std::size_t first = response.find('\0');
    if (first == std::string_view::npos) return std::nullopt;
    const std::size_t second = response.find('\0', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    return credentials{std::string(response.substr(first + 1, second - first - 1)),
                       std::string(response.substr(second + 1))};
}

std::optional<credentials> parse_amqplain(std::string_view response)
{
    // The table reader wants the size prefix the mechanism leaves out.
    byte_buffer framed(response.size() + 4);
    writer(framed).longstr(response);
    reader r(framed.data());
    field_table table;
    if (!r.table(table)) return std::nullopt;
    const field_value* login = table.find("LOGIN");
    const field_value* password = table.find("PASSWORD");
    if (!login || !password || !login->string() || !password->string()) return std::nullopt;
    return credentials{*login->string(), *password->string()};
}

bool offers_mechanism(std::string_view mechanisms, std::string_view wanted) noexcept
{
    std::size_t at = 0;
    while (at <= mechanisms.size()) {
        const std::size_t end = std::min(mechanisms.find(' ', at), mechanisms.size());
        if (mechanisms.substr(at, end - at) == wanted) return true;
        at = end + 1;
    }
    return false;
}

}  // namespace amqp::protocol
