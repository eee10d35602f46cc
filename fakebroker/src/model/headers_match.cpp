#include "model/headers_match.hpp"

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

bool argument_matches(const std::string& key, const field_value& argument, const field_table* headers)
{
    const field_value* header = find_header(headers, key);
    if (!header) return false;
    return argument.get_if<std::monostate>() || values_equal(argument, *header);
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
        write_erlang_binary(explanation, *s);
        explanation += "; expected all, any, all-with-x, or any-with-x";
    } else {
        explanation = "Invalid x-match field type ";
        explanation += erlang_type_name(*v);
        explanation += " (value ";
        write_erlang_value(explanation, *v);
        explanation += "); expected longstr";
    }
    return explanation;
}

}  // namespace amqp::fakebroker
