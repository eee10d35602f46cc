#include <amqp/fakebroker/fault_json.hpp>

#include "faults/fault_kinds.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace amqp::fakebroker {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what)
{
    throw fault_json_error(where.empty() ? what : where + ": " + what);
}

std::string known_hooks()
{
    std::string out;
    for (hook h : all_hooks()) out += (out.empty() ? "" : ", ") + std::string(to_string(h));
    return out;
}

std::string known_actions()
{
    std::string out;
    for (const fault_kind_info& k : fault_kinds()) out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

// Refuses fields the object should not have: a typo must not pass silently.
void only(const json& object, const std::vector<std::string_view>& allowed, const std::string& where)
{
    for (const auto& [key, value] : object.items()) {
        if (std::none_of(allowed.begin(), allowed.end(), [&](std::string_view a) { return key == a; })) {
            std::string list;
            for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            fail(where, "unknown field '" + key + "' (known: " + list + ")");
        }
    }
}

std::uint64_t unsigned_field(const json& object, const char* key, const std::string& where, std::uint64_t fallback = 0,
                             std::uint64_t max = UINT64_MAX)
{
    const auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (!it->is_number_integer() ||
        (it->is_number_integer() && !it->is_number_unsigned() && it->get<std::int64_t>() < 0)) {
        fail(where, std::string(key) + " must be a non-negative integer, not " + it->dump());
    }
    const auto value = it->get<std::uint64_t>();
    if (value > max) fail(where, std::string(key) + " must be at most " + std::to_string(max));
    return value;
}

std::string string_field(const json& object, const char* key, const std::string& where, std::string fallback = {})
{
    const auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (!it->is_string()) fail(where, std::string(key) + " must be a string, not " + it->dump());
    return it->get<std::string>();
}

double probability_field(const json& object, const char* key, const std::string& where)
{
    const auto it = object.find(key);
    if (it == object.end()) return 0;
    if (!it->is_number()) fail(where, std::string(key) + " must be a number between 0 and 1, not " + it->dump());
    return it->get<double>();
}

// Reads one parameter into the fault, as its kind describes it.
void read_param(const json& j, const fault_param& p, fault& f, const std::string& at)
{
    const std::string key(p.json);
    if (!p.missing.empty() && !j.contains(key)) fail(at, std::string(p.missing));
    switch (p.field) {
    case fault_field::duration:
        f.duration = std::chrono::milliseconds(unsigned_field(j, key.c_str(), at, p.fallback, p.max));
        break;
    case fault_field::reply_code:
        f.reply_code = static_cast<std::uint16_t>(unsigned_field(j, key.c_str(), at, p.fallback, p.max));
        break;
    case fault_field::amount: f.amount = unsigned_field(j, key.c_str(), at, p.fallback, p.max); break;
    case fault_field::text: f.text = string_field(j, key.c_str(), at, std::string(p.text_fallback)); break;
    case fault_field::consumer_tag:
        f.consumer_tag = string_field(j, key.c_str(), at, std::string(p.text_fallback));
        break;
    case fault_field::how: {
        const auto name = string_field(j, key.c_str(), at, std::string(p.text_fallback));
        const auto how = parse_refusal(name);
        if (!how) fail(at, "unknown refusal '" + name + "' (known: at_accept, access_refused, not_allowed)");
        f.how = *how;
        break;
    }
    }
}

void write_param(json& j, const fault_param& p, const fault& f)
{
    const std::string key(p.json);
    switch (p.field) {
    case fault_field::duration: j[key] = f.duration.count(); break;
    case fault_field::reply_code: j[key] = f.reply_code; break;
    case fault_field::amount: j[key] = f.amount; break;
    case fault_field::text:
        if (p.printed_when_empty || !f.text.empty()) j[key] = f.text;
        break;
    case fault_field::consumer_tag:
        if (p.printed_when_empty || !f.consumer_tag.empty()) j[key] = f.consumer_tag;
        break;
    case fault_field::how: j[key] = to_string(f.how); break;
    }
}

fault action_from_json(const json& j, const std::string& where)
{
    if (j.is_string()) return action_from_json(json{{"action", j}}, where);
    if (!j.is_object()) fail(where, "an action is a name or an object with \"action\", not " + j.dump());
    const auto name = string_field(j, "action", where);
    if (name.empty()) fail(where, "the action object needs \"action\" (one of: " + known_actions() + ")");
    const auto kind = parse_fault_kind(name);
    if (!kind) fail(where, "unknown action '" + name + "' (known: " + known_actions() + ")");
    const std::string at = where + " (" + name + ")";
    const fault_kind_info& k = info_of(*kind);
    std::vector<std::string_view> allowed{"action"};
    for (const fault_param& p : k.params) allowed.push_back(p.json);
    only(j, allowed, at);
    fault f = fault::of(*kind);
    for (const fault_param& p : k.params) {
        if (p.read_early) read_param(j, p, f, at);
    }
    for (const fault_param& p : k.params) {
        if (!p.read_early) read_param(j, p, f, at);
    }
    if (k.complete) k.complete(f);
    return f;
}

fault_rule rule_at(const json& j, const std::string& where)
{
    if (!j.is_object()) fail(where, "a rule is a JSON object, not " + j.dump());
    only(j,
         {"name", "on", "connection", "channel", "method", "nth", "every", "after", "first", "times", "persistent",
          "once", "then"},
         where);
    const auto on = string_field(j, "on", where);
    if (on.empty()) fail(where, "needs \"on\": the hook (one of: " + known_hooks() + ")");
    const auto h = parse_hook(on);
    if (!h) fail(where, "unknown hook '" + on + "' (known: " + known_hooks() + ")");
    fault_rule rule = fault_rule::on(*h);
    if (j.contains("name")) rule.named(string_field(j, "name", where));
    if (const auto it = j.find("connection"); it != j.end()) {
        if (it->is_string()) rule.connection(it->get<std::string>());
        else rule.connection(unsigned_field(j, "connection", where));
    }
    if (j.contains("channel")) rule.channel(static_cast<std::uint16_t>(unsigned_field(j, "channel", where, 0, 65535)));
    if (j.contains("method")) {
        try {
            rule.method(string_field(j, "method", where));
        } catch (const std::invalid_argument& e) {
            fail(where, e.what());
        }
    }
    int counts = 0;
    for (const char* key : {"nth", "every", "after", "first"}) {
        if (!j.contains(key)) continue;
        if (++counts > 1) fail(where, "use one of nth, every, after, first");
        const auto n = unsigned_field(j, key, where);
        const std::string k = key;
        if (k == "nth") rule.nth(n);
        else if (k == "every") rule.every(n);
        else if (k == "after") rule.after(n);
        else rule.first(n);
    }
    if (j.contains("times")) rule.times(unsigned_field(j, "times", where));
    for (const char* key : {"persistent", "once"}) {
        const auto it = j.find(key);
        if (it == j.end()) continue;
        if (!it->is_boolean()) fail(where, std::string(key) + " must be true or false");
        if (!it->get<bool>()) continue;
        if (std::string(key) == "persistent") rule.persistent();
        else rule.once();
    }
    const auto then = j.find("then");
    if (then == j.end()) fail(where, "needs \"then\": an action or a list of them (" + known_actions() + ")");
    if (then->is_array()) {
        for (std::size_t i = 0; i < then->size(); ++i) {
            rule.then(action_from_json((*then)[i], where + " action " + std::to_string(i)));
        }
    } else {
        rule.then(action_from_json(*then, where));
    }
    if (auto problem = rule.problem()) fail(where, *problem);
    return rule;
}

}  // namespace

fault_rule rule_from_json(const json& rule) { return rule_at(rule, ""); }

std::vector<fault_rule> rules_from_json(const json& document)
{
    std::vector<fault_rule> out;
    if (document.is_array()) {
        for (std::size_t i = 0; i < document.size(); ++i)
            out.push_back(rule_at(document[i], "rule " + std::to_string(i)));
    } else {
        out.push_back(rule_at(document, ""));
    }
    return out;
}

chaos_options chaos_from_json(const json& j)
{
    const std::string where = "chaos";
    if (!j.is_object()) fail(where, "must be a JSON object");
    std::vector<std::string_view> allowed{"seed", "hooks"};
    for (const fault_kind_info& k : fault_kinds()) {
        if (k.odds) allowed.push_back(k.name);
    }
    allowed.insert(allowed.end(), {"max_delay_ms", "max_faults"});
    only(j, allowed, where);
    chaos_options c;
    c.seed = unsigned_field(j, "seed", where);
    if (const auto it = j.find("hooks"); it != j.end()) {
        if (!it->is_array()) fail(where, "hooks must be a list of hook names");
        for (const auto& name : *it) {
            const auto h = name.is_string() ? parse_hook(name.get<std::string>()) : std::nullopt;
            if (!h) fail(where, "unknown hook " + name.dump() + " (known: " + known_hooks() + ")");
            c.hooks.push_back(*h);
        }
    }
    for (const fault_kind_info& k : fault_kinds()) {
        if (k.odds) c.*k.odds = probability_field(j, std::string(k.name).c_str(), where);
    }
    c.max_delay = std::chrono::milliseconds(unsigned_field(j, "max_delay_ms", where, 1000, 1'000'000'000));
    c.max_faults = unsigned_field(j, "max_faults", where);
    if (auto problem = c.problem()) fail(where, *problem);
    return c;
}

fault_script fault_script_from_json(const json& document)
{
    fault_script script;
    if (document.is_object() && !document.contains("on")) {
        only(document, {"rules", "chaos"}, "");
        if (const auto it = document.find("rules"); it != document.end()) script.rules = rules_from_json(*it);
        if (const auto it = document.find("chaos"); it != document.end()) script.chaos = chaos_from_json(*it);
        return script;
    }
    script.rules = rules_from_json(document);
    return script;
}

json parse_fault_json(std::string_view text)
{
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw fault_json_error(std::string("not valid JSON: ") + e.what());
    }
}

json to_json(const fault& f)
{
    json j{{"action", to_string(f.action)}};
    for (const fault_param& p : info_of(f.action).params) write_param(j, p, f);
    return j;
}

json to_json(const fault_rule& rule)
{
    json j{{"on", to_string(rule.when())}};
    if (!rule.name().empty()) j["name"] = rule.name();
    if (rule.connection_index()) j["connection"] = *rule.connection_index();
    if (rule.connection_name()) j["connection"] = *rule.connection_name();
    if (rule.channel_number()) j["channel"] = *rule.channel_number();
    if (rule.method_name()) j["method"] = *rule.method_name();
    switch (rule.counting()) {
    case fault_rule::count_mode::each: break;
    case fault_rule::count_mode::nth: j["nth"] = rule.count(); break;
    case fault_rule::count_mode::every: j["every"] = rule.count(); break;
    case fault_rule::count_mode::after: j["after"] = rule.count(); break;
    case fault_rule::count_mode::first: j["first"] = rule.count(); break;
    }
    j["times"] = rule.limit();
    json then = json::array();
    for (const fault& f : rule.actions()) then.push_back(to_json(f));
    j["then"] = std::move(then);
    return j;
}

json to_json(const fault_rule_status& status)
{
    json j = to_json(status.rule);
    j["id"] = status.id;
    j["matched"] = status.matched;
    j["fired"] = status.fired;
    j["exhausted"] = status.exhausted;
    j["description"] = status.rule.describe();
    return j;
}

json to_json(const fired_fault& fired)
{
    json j{{"sequence", fired.sequence},     {"rule", fired.rule_id},
           {"rule_name", fired.rule_name},   {"hook", to_string(fired.point)},
           {"connection", fired.connection}, {"connection_name", fired.connection_name},
           {"channel", fired.channel},       {"method", fired.method},
           {"count", fired.count},           {"seed", fired.seed ? json(*fired.seed) : json(nullptr)},
           {"description", fired.describe()}};
    json actions = json::array();
    for (const fault& f : fired.actions) actions.push_back(to_json(f));
    j["actions"] = std::move(actions);
    return j;
}

json to_json(const chaos_options& c)
{
    json hooks = json::array();
    for (hook h : c.hooks) hooks.push_back(to_string(h));
    json j{{"seed", c.seed}, {"hooks", std::move(hooks)}};
    for (const fault_kind_info& k : fault_kinds()) {
        if (k.odds) j[std::string(k.name)] = c.*k.odds;
    }
    j["max_delay_ms"] = c.max_delay.count();
    j["max_faults"] = c.max_faults;
    return j;
}

}  // namespace amqp::fakebroker
