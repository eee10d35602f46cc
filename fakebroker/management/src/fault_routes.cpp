// /api/faults: the broker's fault injection over HTTP, for clients in any language.
//   GET    /api/faults         {"rules": [...], "fired": [...], "chaos": {...} | null}
//   POST   /api/faults         one rule or an array; 201 {"ids": [...]}; all or nothing
//   DELETE /api/faults         forgets rules, pending refusals and the fired log
//   DELETE /api/faults/{id}    one rule (404 when there is none)
//   PUT    /api/faults/chaos   starts chaos mode with the body's options
//   DELETE /api/faults/chaos   ends it
#include <amqp/fakebroker/broker.hpp>
#include <amqp/fakebroker/fault_json.hpp>
#include <amqp/fakebroker/management_routes.hpp>

#include <charconv>

namespace amqp::fakebroker {

using nlohmann::json;

namespace {

management_reply refused(const std::string& reason) { return {400, {{"error", "bad_request"}, {"reason", reason}}}; }

}  // namespace

management_reply management_routes::list_faults(const management_request&, const params&) const
{
    json rules = json::array();
    for (const auto& r : broker_.fault_rules()) rules.push_back(to_json(r));
    json fired = json::array();
    for (const auto& f : broker_.fired_faults()) fired.push_back(to_json(f));
    const auto chaos = broker_.chaos();
    return {200,
            {{"rules", std::move(rules)}, {"fired", std::move(fired)}, {"chaos", chaos ? to_json(*chaos) : json()}}};
}

management_reply management_routes::add_faults(const management_request& request, const params&) const
{
    std::vector<fault_rule> rules;
    try {
        rules = rules_from_json(parse_fault_json(request.body));
    } catch (const fault_json_error& e) {
        return refused(e.what());
    }
    json ids = json::array();
    for (auto& rule : rules) ids.push_back(broker_.add_fault(std::move(rule)));
    return {201, {{"ids", std::move(ids)}}};
}

management_reply management_routes::clear_faults(const management_request&, const params&) const
{
    broker_.clear_faults();
    return {204, nullptr};
}

management_reply management_routes::remove_fault(const management_request&, const params& p) const
{
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(p[0].data(), p[0].data() + p[0].size(), id);
    if (ec != std::errc{} || end != p[0].data() + p[0].size()) return refused("'" + p[0] + "' is not a rule id");
    if (!broker_.remove_fault(id)) return {404, {{"error", "Object Not Found"}, {"reason", "no fault rule " + p[0]}}};
    return {204, nullptr};
}

management_reply management_routes::set_chaos(const management_request& request, const params&) const
{
    try {
        broker_.set_chaos(chaos_from_json(parse_fault_json(request.body)));
    } catch (const fault_json_error& e) {
        return refused(e.what());
    }
    return {204, nullptr};
}

management_reply management_routes::stop_chaos(const management_request&, const params&) const
{
    broker_.set_chaos(std::nullopt);
    return {204, nullptr};
}

}  // namespace amqp::fakebroker
