#pragma once

#include <amqp/fakebroker/faults.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

// Fault rules and chaos options as JSON, for `fakebroker --faults FILE` and the
// /api/faults endpoints. The shape is documented in docs/faults.md.
namespace amqp::fakebroker {

// What is wrong with a document, in words that name the field: "rule 1: unknown hook
// 'method_recieved' (known: connection_accepted, ...)".
class fault_json_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// One rule object, or an array of them. Every rule is checked (fault_rule::problem()).
std::vector<fault_rule> rules_from_json(const nlohmann::json& document);
fault_rule rule_from_json(const nlohmann::json& rule);
chaos_options chaos_from_json(const nlohmann::json& chaos);

// A --faults file: a rule, an array of rules, or {"rules": [...], "chaos": {...}}.
struct fault_script {
    std::vector<fault_rule> rules;
    std::optional<chaos_options> chaos;
};
fault_script fault_script_from_json(const nlohmann::json& document);
// Parses text first; a syntax error names the position.
nlohmann::json parse_fault_json(std::string_view text);

nlohmann::json to_json(const fault& f);
nlohmann::json to_json(const fault_rule& rule);
nlohmann::json to_json(const fault_rule_status& status);
nlohmann::json to_json(const fired_fault& fired);
nlohmann::json to_json(const chaos_options& chaos);

}  // namespace amqp::fakebroker
