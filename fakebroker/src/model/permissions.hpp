#pragma once

#include <amqp/fakebroker/broker.hpp>
#include <amqp/protocol/protocol_error.hpp>

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

// RabbitMQ's resource permissions: per user and vhost, a configure, a write and a read
// regular expression that exchange and queue names must match.
namespace amqp::fakebroker {

enum class access { configure, write, read };
enum class resource_kind { exchange, queue };

// One regular expression, compiled once: checks run on every publish.
class name_pattern {
public:
    // Throws std::regex_error when `pattern` does not compile.
    explicit name_pattern(const std::string& pattern);
    bool matches(std::string_view name) const;

private:
    // ".*", the default, matches every name: no regex to run on the hot path.
    bool matches_everything_ = false;
    std::regex regex_;
};

// What one user may do in one vhost.
class vhost_access {
public:
    // Throws std::invalid_argument naming the user, the vhost and the pattern that is
    // not a regular expression.
    vhost_access(const permissions& p, std::string_view user, std::string_view vhost);
    bool allows(access a, std::string_view name) const;

private:
    name_pattern configure_;
    name_pattern write_;
    name_pattern read_;
};

// Every user's permissions, compiled from the broker's options; they do not change.
class permission_table {
public:
    // Throws std::invalid_argument for a pattern that is not a regular expression.
    explicit permission_table(const std::vector<user>& users);
    // Null when the user has no permissions in the vhost and so may not open it.
    const vhost_access* find(std::string_view user, std::string_view vhost) const;

private:
    // By user, then vhost.
    std::map<std::string, std::map<std::string, vhost_access, std::less<>>, std::less<>> entries_;
};

// nullopt when `user` may act on the resource; otherwise RabbitMQ's refusal, 403
// "access to queue 'q' in vhost '/' refused for user 'bob'". The default exchange ("")
// is checked, and named, as "amq.default".
std::optional<protocol::protocol_error> check_access(const vhost_access& rights, access a, resource_kind kind,
                                                     std::string_view name, std::string_view vhost,
                                                     std::string_view user);

}  // namespace amqp::fakebroker
