#include "permissions.hpp"

#include <stdexcept>

namespace amqp::fakebroker {

namespace {

// RabbitMQ reads an empty pattern as "^$", so that "" grants nothing.
std::string effective_pattern(const std::string& pattern) { return pattern.empty() ? "^$" : pattern; }

name_pattern compile(const std::string& pattern, const char* which, std::string_view user, std::string_view vhost)
{
    try {
        return name_pattern(pattern);
    } catch (const std::regex_error& e) {
        throw std::invalid_argument(std::string("the ") + which + " permission of user '" + std::string(user) +
                                    "' in vhost '" + std::string(vhost) + "' is not a regular expression: '" + pattern +
                                    "' (" + e.what() + ")");
    }
}

const char* kind_name(resource_kind kind) { return kind == resource_kind::queue ? "queue" : "exchange"; }

}  // namespace

name_pattern::name_pattern(const std::string& pattern)
    : matches_everything_(pattern == ".*"),
      regex_(matches_everything_ ? std::regex() : std::regex(effective_pattern(pattern), std::regex::ECMAScript))
{}

bool name_pattern::matches(std::string_view name) const
{
    return matches_everything_ || std::regex_search(name.begin(), name.end(), regex_);
}

vhost_access::vhost_access(const permissions& p, std::string_view user, std::string_view vhost)
    : configure_(compile(p.configure, "configure", user, vhost)),
      write_(compile(p.write, "write", user, vhost)),
      read_(compile(p.read, "read", user, vhost))
{}

bool vhost_access::allows(access a, std::string_view name) const
{
    switch (a) {
    case access::configure: return configure_.matches(name);
    case access::write: return write_.matches(name);
    case access::read: return read_.matches(name);
    }
    return false;
}

permission_table::permission_table(const std::vector<user>& users)
{
    for (const user& u : users) {
        auto& by_vhost = entries_[u.name];
        // Explicit permissions first: for a vhost in both lists they win.
        for (const auto& [vhost, p] : u.vhost_permissions) by_vhost.try_emplace(vhost, p, u.name, vhost);
        for (const auto& vhost : u.vhosts) by_vhost.try_emplace(vhost, permissions{}, u.name, vhost);
    }
}

const vhost_access* permission_table::find(std::string_view user, std::string_view vhost) const
{
    const auto u = entries_.find(user);
    if (u == entries_.end()) return nullptr;
    const auto v = u->second.find(vhost);
    return v == u->second.end() ? nullptr : &v->second;
}

std::optional<protocol::protocol_error> check_access(const vhost_access& rights, access a, resource_kind kind,
                                                     std::string_view name, std::string_view vhost,
                                                     std::string_view user)
{
    if (kind == resource_kind::exchange && name.empty()) name = "amq.default";
    if (rights.allows(a, name)) return std::nullopt;
    return protocol::protocol_error{protocol::reply_code::access_refused,
                                    std::string("access to ") + kind_name(kind) + " '" + std::string(name) +
                                        "' in vhost '" + std::string(vhost) + "' refused for user '" +
                                        std::string(user) + "'"};
}

}  // namespace amqp::fakebroker
