// Text helpers of the URL code: quoting for messages, ASCII case, splitting, percent-coding, unsigned numbers.
#include "url_detail.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <system_error>

namespace amqp::client::detail {
namespace {

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

url_error fail(std::string message) { return url_error{std::move(message)}; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

bool all_digits(std::string_view text) { return std::all_of(text.begin(), text.end(), is_digit); }

bool iequals(std::string_view a, std::string_view b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return to_lower(x) == to_lower(y); });
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

maybe_error percent_decode(std::string_view in, std::string_view what, std::string& out)
{
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        const auto escape = in.substr(i, 3);
        const bool valid = escape.size() == 3 && hex_value(escape[1]) >= 0 && hex_value(escape[2]) >= 0;
        if (!valid) {
            const auto shown = what == "password" ? std::string() : quoted(escape) + " ";
            return fail("bad percent-escape " + shown + "in the " + std::string(what) +
                        " (expected '%' followed by two hex digits)");
        }
        out += static_cast<char>(hex_value(escape[1]) * 16 + hex_value(escape[2]));
        i += 2;
    }
    return std::nullopt;
}

std::string percent_encode(std::string_view in, std::string_view keep)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : in) {
        const bool unreserved = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                                c == '.' || c == '_' || c == '~';
        if (unreserved || keep.find(c) != std::string_view::npos) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0xF];
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max)
{
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

}  // namespace amqp::client::detail
