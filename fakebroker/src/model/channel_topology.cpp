// Exchange and queue declaration, deletion and binding, with RabbitMQ's checks and
// reply texts.
#include "broker_state.hpp"
#include "server_channel.hpp"
#include "server_connection.hpp"

#include "erlang_terms.hpp"
#include "headers_match.hpp"

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

namespace {

std::string in_vhost(const std::string& kind, const std::string& name, const std::string& vhost)
{
    return kind + " '" + name + "' in vhost '" + vhost + "'";
}

const char* yes_no(bool b) { return b ? "true" : "false"; }

std::string inequivalent(const char* arg, const std::string& what, const std::string& received,
                         const std::string& current)
{
    return std::string("inequivalent arg '") + arg + "' for " + what + ": received '" + received +
           "' but current is '" + current + "'";
}

bool reserved_name(const std::string& name) { return name.rfind("amq.", 0) == 0; }

std::string argument_value(const proto::field_value& v)
{
    std::string value;
    if (const std::string* s = v.string()) value = *s;
    else write_erlang_value(value, v);
    return value;
}

// RabbitMQ's words for an x-argument in an inequivalence: with both present their
// values ("received '77' but current is '3'"), else "the value '1000' of type
// 'signedint'" against "none".
std::string describe_inequivalence(const proto::field_value* asked, const proto::field_value* current)
{
    if (asked && current) {
        return "received '" + argument_value(*asked) + "' but current is '" + argument_value(*current) + "'";
    }
    const auto describe = [](const proto::field_value* v) {
        if (!v) return std::string("none");
        return "the value '" + argument_value(*v) + "' of type '" + erlang_type_name(*v) + "'";
    };
    return "received " + describe(asked) + " but current is " + describe(current);
}

}  // namespace

std::optional<error> server_channel::resolve_queue_name(std::string_view name, std::string& out) const
{
    out = name.empty() ? last_queue_ : std::string(name);
    // RabbitMQ: an empty name refers to the channel's last declared queue.
    if (out.empty()) return error{reply_code::not_found, "no previously declared queue"};
    return std::nullopt;
}

std::optional<error> server_channel::find_named_queue(const std::string& resolved, std::shared_ptr<queue>& out)
{
    out = connection_.vhost().find_queue(resolved);
    if (!out) {
        return error{reply_code::not_found, "no " + in_vhost("queue", resolved, connection_.vhost().name())};
    }
    return std::nullopt;
}

std::optional<error> server_channel::check_permission(access a, resource_kind kind, std::string_view name) const
{
    return check_access(connection_.access(), a, kind, name, connection_.vhost().name(), connection_.user_name());
}

std::optional<error> server_channel::check_forwarding(const proto::field_table& arguments, const char* key,
                                                      resource_kind kind, const std::string& name) const
{
    const proto::field_value* value = arguments.find(key);
    // Absent, or of a type the argument checks refuse later.
    const std::string* target = value ? value->string() : nullptr;
    if (!target) return std::nullopt;
    if (auto e = check_permission(access::read, kind, name)) return e;
    return check_permission(access::write, resource_kind::exchange, *target);
}

std::optional<error> server_channel::check_exclusive(const queue& q) const
{
    if (q.exclusive() && q.exclusive_owner() != connection_.id()) {
        return error{reply_code::resource_locked,
                     "cannot obtain exclusive access to locked " +
                         in_vhost("queue", q.name(), connection_.vhost().name()) +
                         ". It could be originally declared on another connection or the exclusive "
                         "property value does not match that of the original declaration."};
    }
    return std::nullopt;
}

std::optional<error> server_channel::exchange_declare(const proto::exchange_declare& m)
{
    vhost& v = connection_.vhost();
    // RabbitMQ checks the type before the name and the permission; a passive declare
    // has no type to check.
    std::optional<exchange_type> type;
    if (!m.passive) {
        type = parse_exchange_type(m.type);
        // RabbitMQ says "invalid" for a name that is an Erlang atom it knows but no
        // exchange type ('' is one), "unknown" for the rest.
        if (!type) {
            return error{reply_code::command_invalid,
                         std::string(m.type.empty() ? "invalid" : "unknown") + " exchange type '" + m.type + "'"};
        }
    }
    if (m.exchange.empty()) {
        return error{reply_code::access_refused, "operation not permitted on the default exchange"};
    }
    exchange* existing = v.find_exchange(m.exchange);
    if (m.passive) {
        if (!existing) return error{reply_code::not_found, "no " + in_vhost("exchange", m.exchange, v.name())};
        if (!m.nowait) connection_.send(number_, proto::exchange_declare_ok{});
        return std::nullopt;
    }
    // Permission comes before existence: a refused redeclare of amq.direct is a 403 too.
    if (auto e = check_permission(access::configure, resource_kind::exchange, m.exchange)) return e;
    // RabbitMQ checks the reserved prefix only for exchanges that do not exist yet, so
    // an equivalent redeclare of amq.direct succeeds.
    if (!existing && reserved_name(m.exchange)) {
        return error{reply_code::access_refused, "exchange name '" + m.exchange + "' contains reserved prefix 'amq.*'"};
    }
    if (existing) {
        const std::string what = in_vhost("exchange", m.exchange, v.name());
        if (existing->type() != *type) {
            return error{reply_code::precondition_failed,
                         inequivalent("type", what, m.type, std::string(to_string(existing->type())))};
        }
        if (existing->durable() != m.durable) {
            return error{reply_code::precondition_failed,
                         inequivalent("durable", what, yes_no(m.durable), yes_no(existing->durable()))};
        }
        if (existing->auto_delete() != m.auto_delete) {
            return error{reply_code::precondition_failed,
                         inequivalent("auto_delete", what, yes_no(m.auto_delete), yes_no(existing->auto_delete()))};
        }
        if (existing->internal() != m.internal) {
            return error{reply_code::precondition_failed,
                         inequivalent("internal", what, yes_no(m.internal), yes_no(existing->internal()))};
        }
    } else {
        if (auto e = check_forwarding(m.arguments, "alternate-exchange", resource_kind::exchange, m.exchange)) {
            return e;
        }
        v.add_exchange(
            std::make_unique<exchange>(m.exchange, *type, m.durable, m.auto_delete, m.internal, m.arguments));
    }
    if (!m.nowait) connection_.send(number_, proto::exchange_declare_ok{});
    return std::nullopt;
}

std::optional<error> server_channel::exchange_delete(const proto::exchange_delete& m)
{
    vhost& v = connection_.vhost();
    if (m.exchange.empty()) {
        return error{reply_code::access_refused, "operation not permitted on the default exchange"};
    }
    if (reserved_name(m.exchange)) {
        return error{reply_code::access_refused,
                     "deletion of system exchange '" + m.exchange + "' in vhost '" + v.name() + "' not allowed"};
    }
    if (auto e = check_permission(access::configure, resource_kind::exchange, m.exchange)) return e;
    if (exchange* e = v.find_exchange(m.exchange)) {
        if (m.if_unused && e->binding_count() > 0) {
            return error{reply_code::precondition_failed, in_vhost("exchange", m.exchange, v.name()) + " in use"};
        }
        v.delete_exchange(m.exchange);
    }
    // Deleting a missing exchange succeeds, as in RabbitMQ 3.x.
    if (!m.nowait) connection_.send(number_, proto::exchange_delete_ok{});
    return std::nullopt;
}

std::optional<error> server_channel::exchange_bind(const proto::exchange_bind& m, bool bind)
{
    vhost& v = connection_.vhost();
    // RabbitMQ's order: write on the destination, the default exchange, read on the source.
    if (auto e = check_permission(access::write, resource_kind::exchange, m.destination)) return e;
    if (m.source.empty() || m.destination.empty()) {
        return error{reply_code::access_refused, "operation not permitted on the default exchange"};
    }
    if (auto e = check_permission(access::read, resource_kind::exchange, m.source)) return e;
    binding b{m.source, m.destination, false, m.routing_key, m.arguments};
    if (!bind) {
        // RabbitMQ 3.10 answers unbind-ok whether or not the source, the destination
        // or the binding exists, so cleanup code may unbind after deleting.
        v.unbind(b);
        if (!m.nowait) connection_.send(number_, proto::exchange_unbind_ok{});
        return std::nullopt;
    }
    // The source first, as for queue.bind.
    exchange* source = v.find_exchange(m.source);
    if (!source) return error{reply_code::not_found, "no " + in_vhost("exchange", m.source, v.name())};
    if (!v.find_exchange(m.destination)) {
        return error{reply_code::not_found, "no " + in_vhost("exchange", m.destination, v.name())};
    }
    if (source->type() == exchange_type::headers) {
        if (auto invalid = validate_x_match(m.arguments)) return error{reply_code::precondition_failed, *invalid};
    }
    source->add_binding(std::move(b));
    if (!m.nowait) connection_.send(number_, proto::exchange_bind_ok{});
    return std::nullopt;
}

std::optional<error> server_channel::queue_declare(const proto::queue_declare& m)
{
    vhost& v = connection_.vhost();
    const clock::time_point now = connection_.broker().now();
    if (m.passive) {
        // Unlike the other queue methods, a passive declare does not take an empty name
        // for the channel's last queue (RabbitMQ 3.10).
        if (m.queue.empty()) return error{reply_code::not_found, "no " + in_vhost("queue", "", v.name())};
        std::string name;
        if (auto e = resolve_queue_name(m.queue, name)) return e;
        std::shared_ptr<queue> q;
        if (auto e = find_named_queue(name, q)) return e;
        if (auto e = check_exclusive(*q)) return e;
        q->touch(now);
        last_queue_ = q->name();
        if (!m.nowait) {
            connection_.send(number_, proto::queue_declare_ok{q->name(), std::uint32_t(q->ready_count()),
                                                              std::uint32_t(q->consumer_count())});
        }
        return std::nullopt;
    }
    std::string name = m.queue;
    if (name.empty()) {
        name = connection_.broker().generate_name("amq.gen-");
    } else if (reserved_name(name)) {
        return error{reply_code::access_refused, "queue name '" + name + "' contains reserved prefix 'amq.*'"};
    }
    // Before existence: a refused declare of an absent queue is a 403, not a 404.
    if (auto e = check_permission(access::configure, resource_kind::queue, name)) return e;
    std::shared_ptr<queue> q = v.find_queue(name);
    if (q) {
        if (auto e = check_exclusive(*q)) return e;
        const std::string what = in_vhost("queue", name, v.name());
        // An exclusive queue is never durable, whatever the declare says (RabbitMQ).
        const bool durable_asked = m.durable && !m.exclusive;
        const bool durable_now = q->durable() && !q->exclusive();
        if (durable_now != durable_asked) {
            return error{reply_code::precondition_failed,
                         inequivalent("durable", what, yes_no(durable_asked), yes_no(durable_now))};
        }
        if (q->exclusive() != m.exclusive) {
            return error{reply_code::precondition_failed,
                         inequivalent("exclusive", what, yes_no(m.exclusive), yes_no(q->exclusive()))};
        }
        if (q->auto_delete() != m.auto_delete) {
            return error{reply_code::precondition_failed,
                         inequivalent("auto_delete", what, yes_no(m.auto_delete), yes_no(q->auto_delete()))};
        }
        // In the order of RabbitMQ's declare_args, which decides the text when several differ.
        const proto::field_value classic(std::string("classic"));
        for (const char* key : {"x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key",
                                "x-max-length", "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode",
                                "x-single-active-consumer", "x-queue-type"}) {
            const proto::field_value* asked = m.arguments.find(key);
            const proto::field_value* current = q->arguments().find(key);
            // A queue declared without a type is a classic queue: "classic" and none are
            // the same type (but none against "quorum" is reported as none).
            const bool type_key = std::string_view(key) == "x-queue-type";
            if (type_key && (asked ? *asked : classic) == (current ? *current : classic)) continue;
            std::int64_t a = 0, c = 0;
            const bool equal =
                (!asked && !current) ||
                (asked && current &&
                 ((asked->to_int64(a) && current->to_int64(c) && a == c) || (asked->variant() == current->variant())));
            if (!equal) {
                return error{reply_code::precondition_failed, std::string("inequivalent arg '") + key + "' for " +
                                                                  what + ": " + describe_inequivalence(asked, current)};
            }
        }
    } else {
        if (const proto::field_value* dlx = m.arguments.find("x-dead-letter-exchange"); dlx && !dlx->string()) {
            // The channel's check, before the queue's own argument checks.
            return error{reply_code::precondition_failed, std::string("invalid type '") + erlang_type_name(*dlx) +
                                                              "' for arg 'x-dead-letter-exchange' in " +
                                                              in_vhost("queue", name, v.name())};
        }
        if (auto e = check_forwarding(m.arguments, "x-dead-letter-exchange", resource_kind::queue, name)) return e;
        queue_arguments parsed;
        if (auto invalid = queue_arguments::parse(m.arguments, name, v.name(), parsed)) {
            return error{reply_code::precondition_failed, *invalid};
        }
        if (parsed.quorum) {
            if (auto e = check_quorum_declare(m, name)) return e;
        }
        q = std::make_shared<queue>(v, name, m.durable, m.exclusive, m.auto_delete, m.arguments, std::move(parsed),
                                    m.exclusive ? connection_.id() : 0);
        v.add_queue(q);
    }
    q->touch(now);
    last_queue_ = name;
    if (!m.nowait) {
        connection_.send(number_, proto::queue_declare_ok{name, std::uint32_t(q->ready_count()),
                                                          std::uint32_t(q->consumer_count())});
    }
    return std::nullopt;
}

std::optional<error> server_channel::check_quorum_declare(const proto::queue_declare& m, const std::string& name) const
{
    // In RabbitMQ 3.10's order.
    if (m.queue.empty()) {
        return error{reply_code::precondition_failed,
                     "Cannot declare a server-named queue for type rabbit_quorum_queue"};
    }
    const std::string what = in_vhost("queue", name, connection_.vhost().name());
    for (const char* key : {"x-max-priority", "x-queue-mode", "x-queue-master-locator", "x-queue-version"}) {
        if (m.arguments.find(key)) {
            return error{reply_code::precondition_failed,
                         std::string("invalid arg '") + key + "' for " + what + " of queue type rabbit_quorum_queue"};
        }
    }
    const char* property = m.auto_delete ? "auto-delete"
                           : m.exclusive ? "exclusive-owner"
                           : !m.durable  ? "non-durable"
                                         : nullptr;
    if (property) {
        return error{reply_code::precondition_failed, std::string("invalid property '") + property + "' for " + what};
    }
    return std::nullopt;
}

std::optional<error> server_channel::queue_bind(const proto::queue_bind& m)
{
    vhost& v = connection_.vhost();
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::write, resource_kind::queue, name)) return e;
    if (m.exchange.empty()) {
        return error{reply_code::access_refused, "operation not permitted on the default exchange"};
    }
    if (auto e = check_permission(access::read, resource_kind::exchange, m.exchange)) return e;
    // RabbitMQ looks for the source first: with both missing, the exchange is named.
    exchange* source = v.find_exchange(m.exchange);
    if (!source) return error{reply_code::not_found, "no " + in_vhost("exchange", m.exchange, v.name())};
    std::shared_ptr<queue> q;
    if (auto e = find_named_queue(name, q)) return e;
    if (auto e = check_exclusive(*q)) return e;
    if (source->type() == exchange_type::headers) {
        if (auto invalid = validate_x_match(m.arguments)) return error{reply_code::precondition_failed, *invalid};
    }
    const std::string routing_key = m.routing_key.empty() && m.queue.empty() ? q->name() : m.routing_key;
    source->add_binding(binding{m.exchange, q->name(), true, routing_key, m.arguments});
    if (!m.nowait) connection_.send(number_, proto::queue_bind_ok{});
    return std::nullopt;
}

std::optional<error> server_channel::queue_unbind(const proto::queue_unbind& m)
{
    vhost& v = connection_.vhost();
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::write, resource_kind::queue, name)) return e;
    if (m.exchange.empty()) {
        return error{reply_code::access_refused, "operation not permitted on the default exchange"};
    }
    if (auto e = check_permission(access::read, resource_kind::exchange, m.exchange)) return e;
    // RabbitMQ 3.10 answers unbind-ok when the queue, the exchange or the binding is
    // missing, and checks another connection's exclusive lock only on a binding that exists.
    const binding b{m.exchange, name, true, m.routing_key, m.arguments};
    const exchange* source = v.find_exchange(m.exchange);
    if (source && source->has_binding(b)) {
        if (const auto q = v.find_queue(name)) {
            if (auto e = check_exclusive(*q)) return e;
        }
        v.unbind(b);
    }
    connection_.send(number_, proto::queue_unbind_ok{});
    return std::nullopt;
}

std::optional<error> server_channel::queue_purge(const proto::queue_purge& m)
{
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::read, resource_kind::queue, name)) return e;
    std::shared_ptr<queue> q;
    if (auto e = find_named_queue(name, q)) return e;
    if (auto e = check_exclusive(*q)) return e;
    const std::size_t purged = q->purge();
    if (!m.nowait) connection_.send(number_, proto::queue_purge_ok{std::uint32_t(purged)});
    return std::nullopt;
}

std::optional<error> server_channel::queue_delete(const proto::queue_delete& m)
{
    vhost& v = connection_.vhost();
    std::string name;
    if (auto e = resolve_queue_name(m.queue, name)) return e;
    if (auto e = check_permission(access::configure, resource_kind::queue, name)) return e;
    std::shared_ptr<queue> q = v.find_queue(name);
    if (!q) {
        // Deleting a missing queue succeeds with a count of 0, as in RabbitMQ 3.x.
        if (!m.nowait) connection_.send(number_, proto::queue_delete_ok{0});
        return std::nullopt;
    }
    if (auto e = check_exclusive(*q)) return e;
    if (q->quorum() && (m.if_unused || m.if_empty)) {
        // RabbitMQ 3.10's quorum queues refuse both flags, as a connection error.
        return error{reply_code::not_implemented,
                     "cannot delete " + in_vhost("queue", name, v.name()) + ". queue.delete operations with " +
                         (m.if_unused ? "if-unused" : "if-empty") + " flag set are not supported by quorum queues"};
    }
    // RabbitMQ looks at if-empty first.
    if (m.if_empty && q->ready_count() > 0) {
        return error{reply_code::precondition_failed, in_vhost("queue", name, v.name()) + " not empty"};
    }
    if (m.if_unused && q->consumer_count() > 0) {
        return error{reply_code::precondition_failed, in_vhost("queue", name, v.name()) + " in use"};
    }
    deleting_queue_ = true;
    const std::size_t count = v.delete_queue(name);
    deleting_queue_ = false;
    if (!m.nowait) connection_.send(number_, proto::queue_delete_ok{std::uint32_t(count)});
    for (const std::string& tag : std::exchange(cancels_after_delete_, {})) {
        connection_.send(number_, proto::basic_cancel{tag, true});
    }
    return std::nullopt;
}

}  // namespace amqp::fakebroker
