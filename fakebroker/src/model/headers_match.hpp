#pragma once

#include <amqp/protocol/field_table.hpp>

#include <optional>
#include <string>

namespace amqp::fakebroker {

// Whether a headers-exchange binding with `binding_arguments` routes a message whose
// headers property is `message_headers` (null when the message has none), as
// RabbitMQ 3.13 and later decide:
//   - "x-match" (a long string) is "all" (the default, also used for any value
//     validate_x_match rejects), "any", "all-with-x" or "any-with-x". "all" with no
//     arguments to check matches every message; "any" with none matches nothing.
//   - "x-match" itself is never compared. Other arguments starting with "x-" are
//     compared only in the -with-x modes.
//   - A void argument matches when the header is present, whatever its value.
//   - Otherwise the values must be equal, compared without their AMQP type; see
//     headers_match.cpp for what that means per type.
//   - When the headers repeat a key, the last occurrence counts.
bool headers_match(const protocol::field_table& binding_arguments, const protocol::field_table* message_headers);

// nullopt when the binding's "x-match" is absent or a long string "all", "any",
// "all-with-x" or "any-with-x". Otherwise the reply text RabbitMQ closes the channel
// with (406 PRECONDITION_FAILED, on queue.bind or exchange.bind), e.g.
//   Invalid x-match field value <<"some">>; expected all, any, all-with-x, or any-with-x
//   Invalid x-match field type signedint (value 1); expected longstr
// with values printed as Erlang terms: the detail of a 406 PRECONDITION_FAILED.
std::optional<std::string> validate_x_match(const protocol::field_table& binding_arguments);

}  // namespace amqp::fakebroker
