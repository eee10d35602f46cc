#include "model/headers_match.hpp"

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

// Behaviour taken from RabbitMQ's rabbit_exchange_type_headers.erl and
// mc_amqpl:routing_headers/2 (3.13 and 4.x). RabbitMQ reads a header table into
// {Key, Type, Value} triples, then for routing drops the type of each message header
// and compares values with Erlang's exact equality (=:=) against the binding
// argument's value. So:
//   - every integer type ('b' 'B' 's' 'u' 'I' 'i' 'l') compares by number: 1 as 'I'
//     equals 1 as 'l';
//   - 'S' and 'x' are both Erlang binaries: equal when the bytes are;
//   - 'f' and 'd' are both floats (a 'f' widened to double) and never equal an
//     integer (1.0 =/= 1);
//   - 't' is an atom and never equals an integer;
//   - 'D' is the tuple {Scale, Value};
//   - 'A' and 'F' keep the types of their elements, so they compare typed;
//   - a 'T' header is routed as milliseconds (routing_value(timestamp, V) -> V * 1000)
//     while a binding argument stays a plain number of seconds: a 'T' argument 5
//     matches an integer header 5 but a 'T' header 5 only matches the number 5000.
// Older brokers differ: from rabbitmq-server#760 (2016) to 3.12 values were compared
// with ==, so 1 matched 1.0, and timestamps were not scaled; before that the types
// had to be equal too.
namespace amqp::fakebroker {
namespace {

using protocol::field_table;
using protocol::field_value;

enum class match_kind { all, any, all_with_x, any_with_x };

std::optional<match_kind> parse_match_kind(std::string_view s)
{
    if (s == "all") return match_kind::all;
    if (s == "any") return match_kind::any;
    if (s == "all-with-x") return match_kind::all_with_x;
    if (s == "any-with-x") return match_kind::any_with_x;
    return std::nullopt;
}

// Only a long string counts; anything else routes as "all" (RabbitMQ's "legacy; we
// didn't validate").
match_kind binding_match_kind(const field_table& args)
{
    const field_value* v = args.find("x-match");
    const std::string* s = v ? v->get_if<std::string>() : nullptr;
    return s ? parse_match_kind(*s).value_or(match_kind::all) : match_kind::all;
}

// RabbitMQ folds the headers into a map, so a repeated key keeps its last value.
const field_value* find_header(const field_table* headers, std::string_view key)
{
    if (!headers) return nullptr;
    const field_value* found = nullptr;
    for (const auto& [k, v] : *headers)
        if (k == key) found = &v;
    return found;
}

std::optional<std::int64_t> as_integer(const field_value& v)
{
    std::int64_t n = 0;
    if (v.to_int64(n)) return n;
    if (const auto* ts = v.get_if<protocol::timestamp>()) return ts->time_since_epoch().count();
    return std::nullopt;
}

std::optional<double> as_float(const field_value& v)
{
    if (const auto* f = v.get_if<float>()) return *f;
    if (const auto* d = v.get_if<double>()) return *d;
    return std::nullopt;
}

bool values_equal(const field_value& argument, const field_value& header)
{
    if (auto a = as_integer(argument)) {
        if (const auto* ts = header.get_if<protocol::timestamp>()) {
            // header seconds * 1000 == a, without overflowing
            return *a % 1000 == 0 && *a / 1000 == ts->time_since_epoch().count();
        }
        auto h = as_integer(header);
        return h && *a == *h;
    }
    if (auto a = as_float(argument)) {
        auto h = as_float(header);
        return h && *a == *h;
    }
    if (const std::string* a = argument.string()) {
        const std::string* h = header.string();
        return h && *a == *h;
    }
    return argument.variant() == header.variant();
}

bool argument_matches(const std::string& key, const field_value& argument,
                      const field_table* headers)
{
    const field_value* header = find_header(headers, key);
    if (!header) return false;
    return argument.get_if<std::monostate>() || values_equal(argument, *header);
}

// --- Erlang term printing for validate_x_match ---

// The atoms rabbit_binary_parser gives each type letter.
const char* type_atom(const field_value& v)
{
    static constexpr const char* atoms[] = {
        "void",  "bool",   "byte",    "unsignedbyte", "short",   "unsignedshort",
        "signedint", "unsignedint", "long", "float", "double",  "decimal",
        "longstr", "array", "timestamp", "table",   "binary"};
    static_assert(std::size(atoms) == std::variant_size_v<protocol::field_variant>);
    return atoms[v.index()];
}

bool is_printable_latin1(std::uint32_t c)
{
    return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c == '\n' || c == '\r' ||
           c == '\t' || c == '\v' || c == '\b' || c == '\f' || c == 0x1b;
}

// Strict UTF-8 decoding, as Erlang's <<C/utf8>> (no overlongs, no surrogates).
bool decode_utf8(std::string_view s, std::vector<std::uint32_t>& out)
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

void write_escaped_char(std::string& out, char c)
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
void write_binary(std::string& out, std::string_view bytes)
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
void write_float(std::string& out, double d)
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

    std::string scientific = digits.substr(0, 1) + "." +
                             (digits.size() > 1 ? digits.substr(1) : "0") + "e" +
                             std::to_string(exp);
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

void write_term(std::string& out, const field_value& value);

void write_value_term(std::string& out, const field_value& value)
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
                out += "{" + std::to_string(v.scale) + "," + std::to_string(v.value) + "}";
            } else if constexpr (std::is_same_v<T, std::string>) {
                write_binary(out, v);
            } else if constexpr (std::is_same_v<T, protocol::byte_array>) {
                write_binary(out, v.bytes);
            } else if constexpr (std::is_same_v<T, protocol::timestamp>) {
                out += std::to_string(v.time_since_epoch().count());
            } else if constexpr (std::is_same_v<T, protocol::field_array>) {
                // [{Type,Value},...]
                out += '[';
                const char* sep = "";
                for (const field_value& e : v) {
                    out += sep;
                    write_term(out, e);
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
                    write_binary(out, key);
                    out += ',';
                    out += type_atom(e);
                    out += ',';
                    write_value_term(out, e);
                    out += '}';
                    sep = ",";
                }
                out += ']';
            }
        },
        value.variant());
}

void write_term(std::string& out, const field_value& value)
{
    out += '{';
    out += type_atom(value);
    out += ',';
    write_value_term(out, value);
    out += '}';
}

}  // namespace

bool headers_match(const field_table& binding_arguments, const field_table* message_headers)
{
    const match_kind kind = binding_match_kind(binding_arguments);
    const bool with_x = kind == match_kind::all_with_x || kind == match_kind::any_with_x;
    const bool any = kind == match_kind::any || kind == match_kind::any_with_x;
    for (const auto& [key, argument] : binding_arguments) {
        if (key == "x-match") continue;
        if (!with_x && key.starts_with("x-")) continue;
        const bool matched = argument_matches(key, argument, message_headers);
        if (any && matched) return true;
        if (!any && !matched) return false;
    }
    return !any;
}

std::optional<std::string> validate_x_match(const field_table& binding_arguments)
{
    // The first "x-match" counts, as rabbit_misc:table_lookup finds it.
    const field_value* v = binding_arguments.find("x-match");
    if (!v) return std::nullopt;
    std::string explanation;
    if (const std::string* s = v->get_if<std::string>()) {
        if (parse_match_kind(*s)) return std::nullopt;
        explanation = "Invalid x-match field value ";
        write_binary(explanation, *s);
        explanation += "; expected all, any, all-with-x, or any-with-x";
    } else {
        explanation = "Invalid x-match field type ";
        explanation += type_atom(*v);
        explanation += " (value ";
        write_value_term(explanation, *v);
        explanation += "); expected longstr";
    }
    return explanation;
}

}  // namespace amqp::fakebroker
