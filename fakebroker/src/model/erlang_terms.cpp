#include "model/erlang_terms.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace amqp::fakebroker {

using protocol::field_table;
using protocol::field_value;

// The atoms rabbit_binary_parser gives each type letter.
const char* erlang_type_name(const field_value& v)
{
    static constexpr const char* atoms[] = {
        "void",  "bool",   "byte",    "unsignedbyte", "short", "unsignedshort", "signedint", "unsignedint", "long",
        "float", "double", "decimal", "longstr",      "array", "timestamp",     "table",     "binary"};
    static_assert(std::size(atoms) == std::variant_size_v<protocol::field_variant>);
    return atoms[v.index()];
}

static bool is_printable_latin1(std::uint32_t c)
{
    return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
           c == '\b' || c == '\f' || c == 0x1b;
}

// Strict UTF-8 decoding, as Erlang's <<C/utf8>> (no overlongs, no surrogates).
static bool decode_utf8(std::string_view s, std::vector<std::uint32_t>& out)
{
    for (std::size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        std::uint32_t c = len == 1 ? b0 : b0 & (0x7f >> len);
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b >> 6) != 2) return false;
            c = (c << 6) | (b & 0x3f);
        }
        static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < min_for_len[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
        out.push_back(c);
        i += len;
    }
    return true;
}

static void write_escaped_char(std::string& out, char c)
{
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\v': out += "\\v"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\x1b': out += "\\e"; break;
    default: out += c;
    }
}

// A binary as ~tp prints it: <<"text">> when printable, <<"text"/utf8>> for printable
// non-ASCII UTF-8 (kept as UTF-8 here), else the bytes: <<1,2,3>>.
void write_erlang_binary(std::string& out, std::string_view bytes)
{
    std::vector<std::uint32_t> chars;
    bool printable = !bytes.empty();
    bool utf8 = false;
    if (printable && decode_utf8(bytes, chars)) {
        for (auto c : chars) printable = printable && is_printable_latin1(c);
        utf8 = chars.size() != bytes.size();
    } else {
        for (char c : bytes) printable = printable && is_printable_latin1(static_cast<unsigned char>(c));
    }
    out += "<<";
    if (printable) {
        out += '"';
        for (char c : bytes) write_escaped_char(out, c);
        out += utf8 ? "\"/utf8" : "\"";
    } else {
        const char* sep = "";
        for (char c : bytes) {
            out += sep;
            out += std::to_string(static_cast<unsigned char>(c));
            sep = ",";
        }
    }
    out += ">>";
}

// Erlang's shortest float form (float_to_list(F, [short])): fewest digits that read
// back the same, in whichever of 123.0 or 1.23e2 is shorter (plain on a tie),
// scientific beyond 2^53.
static void write_float(std::string& out, double d)
{
    if (!std::isfinite(d)) {  // Erlang has no such floats; RabbitMQ cannot decode them
        out += std::isnan(d) ? "nan" : d < 0 ? "-inf" : "inf";
        return;
    }
    if (std::signbit(d)) out += '-';
    d = std::fabs(d);
    if (d == 0) {
        out += "0.0";
        return;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
    const auto e_pos = sci.find('e');
    std::string digits(sci.substr(0, e_pos));
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exp = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());

    std::string scientific =
        digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "e" + std::to_string(exp);
    std::string plain;
    if (exp >= 0) {
        const auto int_len = static_cast<std::size_t>(exp) + 1;
        if (digits.size() <= int_len) {
            plain = digits + std::string(int_len - digits.size(), '0') + ".0";
        } else {
            plain = digits.substr(0, int_len) + "." + digits.substr(int_len);
        }
    } else {
        plain = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    }
    const bool plain_allowed = d < 9007199254740992.0;
    out += plain_allowed && plain.size() <= scientific.size() ? plain : scientific;
}

void write_erlang_value(std::string& out, const field_value& value)
{
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out += "undefined";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_integral_v<T>) {
                out += std::to_string(v);
            } else if constexpr (std::is_floating_point_v<T>) {
                write_float(out, v);
            } else if constexpr (std::is_same_v<T, protocol::decimal>) {
                // Appended piece by piece: g++ 12 -O3 warns (-Wrestrict, falsely) on the
                // concatenated temporary.
                out += '{';
                out += std::to_string(v.scale);
                out += ',';
                out += std::to_string(v.value);
                out += '}';
            } else if constexpr (std::is_same_v<T, std::string>) {
                write_erlang_binary(out, v);
            } else if constexpr (std::is_same_v<T, protocol::byte_array>) {
                write_erlang_binary(out, v.bytes);
            } else if constexpr (std::is_same_v<T, protocol::timestamp>) {
                out += std::to_string(v.time_since_epoch().count());
            } else if constexpr (std::is_same_v<T, protocol::field_array>) {
                // [{Type,Value},...]
                out += '[';
                const char* sep = "";
                for (const field_value& e : v) {
                    out += sep;
                    write_erlang_tagged(out, e);
                    sep = ",";
                }
                out += ']';
            } else {
                static_assert(std::is_same_v<T, field_table>);
                // [{Key,Type,Value},...]
                out += '[';
                const char* sep = "";
                for (const auto& [key, e] : v) {
                    out += sep;
                    out += '{';
                    write_erlang_binary(out, key);
                    out += ',';
                    out += erlang_type_name(e);
                    out += ',';
                    write_erlang_value(out, e);
                    out += '}';
                    sep = ",";
                }
                out += ']';
            }
        },
        value.variant());
}

void write_erlang_tagged(std::string& out, const field_value& value)
{
    out += '{';
    out += erlang_type_name(value);
    out += ',';
    write_erlang_value(out, value);
    out += '}';
}

std::string invalid_arg(const std::string& key, const std::string& queue, const std::string& vhost,
                        const std::string& why)
{
    return "invalid arg '" + key + "' for queue '" + queue + "' in vhost '" + vhost + "': " + why;
}

std::string wrong_type(const char* expected, const protocol::field_value& v)
{
    return std::string("\"expected ") + expected + ", got " + erlang_type_name(v) + "\"";
}

std::string unacceptable_type(const protocol::field_value& v)
{
    return std::string("{unacceptable_type,") + erlang_type_name(v) + "}";
}

}  // namespace amqp::fakebroker
