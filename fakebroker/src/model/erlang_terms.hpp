#pragma once

#include <amqp/protocol/field_table.hpp>

#include <string>
#include <string_view>

// Values written the way RabbitMQ (Erlang's ~p) writes them in reply texts, so the
// fake's texts match: <<"abc">>, <<1,2>>, {2,100}, [{longstr,<<"all">>}].
namespace amqp::fakebroker {

// The type names rabbit_binary_parser gives the field types: signedint, longstr, ...
const char* erlang_type_name(const protocol::field_value& v);
// An Erlang binary: <<"text">>, <<"caf\xc3\xa9"/utf8>> or <<1,2,3>>.
void write_erlang_binary(std::string& out, std::string_view bytes);
// A field value as Erlang prints it.
void write_erlang_value(std::string& out, const protocol::field_value& value);
// A field value with its type: {longstr,<<"all">>}.
void write_erlang_tagged(std::string& out, const protocol::field_value& value);

// RabbitMQ's wording for a bad queue or consumer argument: "invalid arg
// 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}".
std::string invalid_arg(const std::string& key, const std::string& queue, const std::string& vhost,
                        const std::string& why);
// "\"expected integer, got longstr\"", quotes included, as RabbitMQ prints it.
std::string wrong_type(const char* expected, const protocol::field_value& v);
// "{unacceptable_type,signedint}": the other way RabbitMQ refuses an argument's type.
std::string unacceptable_type(const protocol::field_value& v);

inline std::string erlang_binary(std::string_view bytes)
{
    std::string out;
    write_erlang_binary(out, bytes);
    return out;
}

}  // namespace amqp::fakebroker
