#pragma once

// RabbitMQ 3.10's configure, write and read checks as one table: each row is a method
// with the names it carries, the user who sends it, the permission it is about, and
// what the broker answers (the reply, or the channel.close with its exact text and the
// method's class and method id). The rows run over any test peer: the conformance
// suite's (TCP, against the embedded broker or RabbitMQ) and the model's.

#include "peer.hpp"

#include <amqp/protocol/methods.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amqp::test {

// A user the rows act as, with the three patterns `rabbitmqctl set_permissions` gives
// it on the vhost "/". The embedded brokers are started with these; on RabbitMQ,
// scripts/rabbitmq.sh creates them with the same patterns.
struct permission_user {
    std::string_view name;
    std::string_view password;
    std::string_view configure;
    std::string_view write;
    std::string_view read;
};
// Configure and read on "limited.*"; write on those and the default exchange.
inline constexpr permission_user limited_user{"limited", "limited", R"(^limited\.)", R"(^limited\.|^amq\.default$)",
                                              R"(^limited\.)"};
// Let into "/", allowed nothing there ("" matches no name).
inline constexpr permission_user unprivileged_user{"unprivileged", "unprivileged", "", "", ""};
inline constexpr permission_user permission_users[] = {limited_user, unprivileged_user};

// The permission a row is about: the one that lets it through, or the one it lacks.
// none: the method needs none (passive declares).
enum class permission { none, configure, write, read };
std::string_view to_string(permission p);
// The user's pattern for a permission ("" for none).
std::string_view pattern_of(const permission_user& user, permission p);

// What the broker answers a row's method on channel 1.
struct permission_outcome {
    // Allowed: the name of the reply ("queue.declare-ok"), and the whole reply when the
    // row gives it (with its names as the table writes them). A publish is sent on a
    // channel in confirm mode, so its reply is basic.ack.
    std::string_view reply;
    std::optional<protocol::method> reply_value;
    // Otherwise: channel.close with this code and text, naming the method sent.
    std::uint16_t reply_code = 0;
    std::string reply_text;
};
template <class Reply>
permission_outcome allowed()
{
    return {Reply::name, std::nullopt, 0, {}};
}
permission_outcome allowed(protocol::method reply);
permission_outcome refused(std::string reply_text);  // 403 ACCESS_REFUSED
permission_outcome not_found(std::string reply_text);  // 404 NOT_FOUND

// What a row leaves behind, checked afterwards over guest's connection.
struct permission_effect {
    enum kind { none, queue_exists, queue_absent, exchange_exists, exchange_absent, queue_holds_a_message };
    kind what = none;
    std::string name;
};

struct permission_row {
    std::string name;  // a test name: letters, digits and '_'
    const permission_user* user;
    permission needs;
    protocol::method request;
    permission_outcome expected;
    permission_effect then{};
};

// Names in rows are written as the table reads ("limited.q", "other.x"); a run gives
// each its own suffix (below), except "" and the broker's "amq.*".
//
// What every row finds, declared by guest before it runs:
//   queues:    limited.q, limited.inbox, limited.doomed, other.q
//   exchanges: limited.x, limited.x2, limited.doomed, other.x (direct)
//   bindings:  limited.q to limited.x with the key "k"; limited.x2 to limited.x
// Each row is independent of the others: a row that creates or deletes something has
// a name of its own for it.
const std::vector<permission_row>& permission_rows();
void PrintTo(const permission_row& row, std::ostream* os);

// A run's names: the table's name with "." and the suffix appended, so that runs
// against one broker do not meet. Each new name is told to `made` (for cleanup).
class permission_names {
public:
    enum class kind { queue, exchange };
    using made_callback = std::function<void(kind, const std::string&)>;

    explicit permission_names(std::string suffix, made_callback made = {});

    std::string operator()(kind k, const std::string& name);
    // The names a method carries (queues, exchanges, alternate and dead letter
    // exchanges, a publish's routing key to the default exchange), resolved.
    protocol::method resolve(protocol::method m);
    // A reply text with each quoted name resolved so far ('other.q') resolved.
    std::string resolve_text(std::string_view text) const;

private:
    std::string suffix_;
    made_callback on_made_;
    std::map<std::string, std::string, std::less<>> resolved_;
    std::set<std::pair<kind, std::string>> made_;
};

// Each wait for the broker is bounded by this.
inline constexpr std::chrono::milliseconds permission_timeout{5000};

// Declares what every row finds, over `guest` (handshake done, channel 1 open).
void prepare_permission_world(peer& guest, permission_names& names);
// Sends the row's request on channel 1 of `client` (connected as the row's user,
// channel 1 open), checks the answer, then the row's effect over `guest`. Every
// failure names the row.
void run_permission_row(const permission_row& row, peer& client, peer& guest, permission_names& names);

}  // namespace amqp::test
