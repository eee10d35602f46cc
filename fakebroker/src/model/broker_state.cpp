#include "broker_state.hpp"

#include <algorithm>

namespace amqp::fakebroker {

broker_state::broker_state(broker_options options)
    : options_(std::move(options)), permissions_(options_.users), names_(std::random_device{}())
{
    for (const auto& name : options_.vhosts) {
        vhosts_.emplace(name, std::make_unique<vhost>(*this, name));
    }
    if (options_.fault_log || options_.trace) {
        const auto to = options_.fault_log ? log_line::sink::fault_log : log_line::sink::trace;
        faults_.set_log([this, to](std::string_view line) { lines_.push_back({to, std::string(line)}); });
    }
    if (options_.chaos) {
        faults_.set_chaos(options_.chaos);
        seed_names(options_.chaos->seed);
    }
}

vhost* broker_state::find_vhost(std::string_view name)
{
    auto it = vhosts_.find(name);
    return it == vhosts_.end() ? nullptr : it->second.get();
}

const user* broker_state::find_user(std::string_view name) const
{
    auto it =
        std::find_if(options_.users.begin(), options_.users.end(), [name](const user& u) { return u.name == name; });
    return it == options_.users.end() ? nullptr : &*it;
}

std::uint64_t broker_state::register_connection(server_connection* c)
{
    const std::uint64_t id = next_connection_id_++;
    connections_.emplace(id, c);
    return id;
}

void broker_state::unregister_connection(std::uint64_t id) { connections_.erase(id); }

std::string broker_state::generate_name(std::string_view prefix)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string name(prefix);
    for (int i = 0; i < 22; ++i) name += alphabet[names_() % 64];
    return name;
}

void broker_state::restart()
{
    reply_consumers_.clear();
    for (auto& [name, v] : vhosts_) v->restart();
}

std::optional<clock::time_point> broker_state::on_timer()
{
    const clock::time_point t = now();
    std::optional<clock::time_point> next;
    for (auto& [name, v] : vhosts_) {
        if (auto due = v->on_timer(t); due && (!next || *due < *next)) next = due;
    }
    return next;
}

}  // namespace amqp::fakebroker
