#include "permission_rows.hpp"

#include "describe.hpp"
#include "requests.hpp"

#include <amqp/protocol/print.hpp>

#include <gtest/gtest.h>

#include <utility>

namespace amqp::test {

namespace proto = amqp::protocol;

std::string_view to_string(permission p)
{
    switch (p) {
    case permission::none: return "none";
    case permission::configure: return "configure";
    case permission::write: return "write";
    case permission::read: return "read";
    }
    return "?";
}

std::string_view pattern_of(const permission_user& user, permission p)
{
    switch (p) {
    case permission::none: return "";
    case permission::configure: return user.configure;
    case permission::write: return user.write;
    case permission::read: return user.read;
    }
    return "";
}

permission_outcome allowed(proto::method reply)
{
    const std::string_view name = std::visit([](const auto& m) -> std::string_view { return m.name; }, reply);
    return {name, std::move(reply), 0, {}};
}
permission_outcome refused(std::string reply_text) { return {{}, std::nullopt, 403, std::move(reply_text)}; }
permission_outcome not_found(std::string reply_text) { return {{}, std::nullopt, 404, std::move(reply_text)}; }

namespace {

using proto::field_table;

const permission_user* const limited = &limited_user;
const permission_user* const unprivileged = &unprivileged_user;
constexpr auto none = permission::none;
constexpr auto configure = permission::configure;
constexpr auto write = permission::write;
constexpr auto read = permission::read;

permission_effect queue_exists(std::string name) { return {permission_effect::queue_exists, std::move(name)}; }
permission_effect queue_absent(std::string name) { return {permission_effect::queue_absent, std::move(name)}; }
permission_effect exchange_exists(std::string name) { return {permission_effect::exchange_exists, std::move(name)}; }
permission_effect exchange_absent(std::string name) { return {permission_effect::exchange_absent, std::move(name)}; }
permission_effect holds_a_message(std::string name)
{
    return {permission_effect::queue_holds_a_message, std::move(name)};
}

field_table alternate_exchange(std::string name) { return {{"alternate-exchange", std::move(name)}}; }
field_table dead_letter_exchange(std::string name) { return {{"x-dead-letter-exchange", std::move(name)}}; }

std::vector<permission_row> make_rows()
{
    return {
        // exchange.declare: configure on the exchange, before RabbitMQ looks for it or
        // for the reserved prefix; with an alternate exchange, also read on the new one
        // (which configure's pattern grants here) and write on the alternate.
        {"exchange_declare_of_an_own_name", limited, configure, declare_exchange("limited.new", "fanout"),
         allowed<proto::exchange_declare_ok>(), exchange_exists("limited.new")},
        {"exchange_declare_of_another_name", limited, configure, declare_exchange("other.new", "fanout"),
         refused("ACCESS_REFUSED - access to exchange 'other.new' in vhost '/' refused for user 'limited'"),
         exchange_absent("other.new")},
        {"exchange_declare_equivalent_to_an_existing_one", limited, configure, declare_exchange("amq.direct", "direct"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},
        {"exchange_declare_with_the_reserved_prefix", limited, configure, declare_exchange("amq.new", "direct"),
         refused("ACCESS_REFUSED - access to exchange 'amq.new' in vhost '/' refused for user 'limited'"),
         exchange_absent("amq.new")},
        {"exchange_declare_with_a_reserved_alternate_exchange", limited, write,
         declare_exchange("limited.with-ae", "direct", alternate_exchange("amq.fanout")),
         refused("ACCESS_REFUSED - access to exchange 'amq.fanout' in vhost '/' refused for user 'limited'"),
         exchange_absent("limited.with-ae")},
        {"exchange_declare_with_another_alternate_exchange", limited, write,
         declare_exchange("limited.with-ae", "direct", alternate_exchange("other.x")),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'"),
         exchange_absent("limited.with-ae")},
        {"exchange_declare_with_an_own_alternate_exchange", limited, write,
         declare_exchange("limited.with-ae", "direct", alternate_exchange("limited.ae")),
         allowed<proto::exchange_declare_ok>(), exchange_exists("limited.with-ae")},

        // Passive declares need no permission; what does not exist is a 404.
        {"exchange_declare_passive_of_another_name", limited, none, passive_of(declare_exchange("other.x", "direct")),
         allowed<proto::exchange_declare_ok>()},
        {"queue_declare_passive_of_another_name", limited, none, passive_of(declare_queue("other.q")),
         allowed(proto::queue_declare_ok{"other.q", 0, 0})},
        {"queue_declare_passive_by_a_user_allowed_nothing", unprivileged, none, passive_of(declare_queue("other.q")),
         allowed(proto::queue_declare_ok{"other.q", 0, 0})},
        {"queue_declare_passive_of_an_absent_queue", limited, none, passive_of(declare_queue("other.absent")),
         not_found("NOT_FOUND - no queue 'other.absent' in vhost '/'")},

        // exchange.delete: configure.
        {"exchange_delete_of_another_name", limited, configure, delete_exchange("other.x"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'"),
         exchange_exists("other.x")},
        {"exchange_delete_of_an_own_name", limited, configure, delete_exchange("limited.doomed"),
         allowed<proto::exchange_delete_ok>(), exchange_absent("limited.doomed")},

        // queue.declare: configure, before RabbitMQ looks for the queue; with a dead
        // letter exchange, also read on the queue and write on the exchange ("" is
        // checked as amq.default).
        {"queue_declare_of_an_own_name", limited, configure, declare_queue("limited.new"),
         allowed(proto::queue_declare_ok{"limited.new", 0, 0}), queue_exists("limited.new")},
        {"queue_declare_of_another_absent_name", limited, configure, declare_queue("other.absent"),
         refused("ACCESS_REFUSED - access to queue 'other.absent' in vhost '/' refused for user 'limited'"),
         queue_absent("other.absent")},
        {"queue_declare_of_another_existing_name", limited, configure, declare_queue("other.q"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"queue_declare_with_a_reserved_dead_letter_exchange", limited, write,
         declare_queue("limited.with-dlx", dead_letter_exchange("amq.direct")),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'"),
         queue_absent("limited.with-dlx")},
        {"queue_declare_with_another_dead_letter_exchange", limited, write,
         declare_queue("limited.with-dlx", dead_letter_exchange("other.x")),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'"),
         queue_absent("limited.with-dlx")},
        {"queue_declare_with_the_default_exchange_as_dead_letter_exchange", limited, write,
         declare_queue("limited.with-dlx", dead_letter_exchange("")),
         allowed(proto::queue_declare_ok{"limited.with-dlx", 0, 0}), queue_exists("limited.with-dlx")},

        // queue.delete: configure, before RabbitMQ looks for the queue.
        {"queue_delete_of_another_name", limited, configure, delete_queue("other.q"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'"),
         queue_exists("other.q")},
        {"queue_delete_of_another_absent_name", limited, configure, delete_queue("other.absent"),
         refused("ACCESS_REFUSED - access to queue 'other.absent' in vhost '/' refused for user 'limited'")},
        {"queue_delete_of_an_own_name", limited, configure, delete_queue("limited.doomed"),
         allowed(proto::queue_delete_ok{0}), queue_absent("limited.doomed")},

        // queue.bind and queue.unbind: write on the queue first, then read on the
        // exchange, before RabbitMQ looks for either.
        {"queue_bind_of_own_names", limited, write, bind_queue("limited.q", "limited.x", "k"),
         allowed<proto::queue_bind_ok>()},
        {"queue_bind_of_another_queue", limited, write, bind_queue("other.q", "limited.x", "k"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"queue_bind_to_another_exchange", limited, read, bind_queue("limited.q", "other.x", "k"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"queue_bind_to_a_reserved_exchange", limited, read, bind_queue("limited.q", "amq.direct", "k"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},
        {"queue_bind_checks_the_queue_first", limited, write, bind_queue("other.q", "other.x", "k"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"queue_bind_checks_the_queue_before_a_reserved_exchange", limited, write,
         bind_queue("other.q", "amq.direct", "k"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"queue_bind_to_another_absent_exchange", limited, read, bind_queue("limited.q", "other.absent", "k"),
         refused("ACCESS_REFUSED - access to exchange 'other.absent' in vhost '/' refused for user 'limited'")},
        {"queue_unbind_of_own_names", limited, write, unbind_queue("limited.q", "limited.x", "k"),
         allowed<proto::queue_unbind_ok>()},
        {"queue_unbind_of_another_queue", limited, write, unbind_queue("other.q", "limited.x", "k"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"queue_unbind_from_another_exchange", limited, read, unbind_queue("limited.q", "other.x", "k"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"queue_unbind_from_a_reserved_exchange", limited, read, unbind_queue("limited.q", "amq.direct", "k"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},

        // exchange.bind and exchange.unbind: write on the destination first, then read
        // on the source, before RabbitMQ looks for either.
        {"exchange_bind_of_own_names", limited, write, bind_exchange("limited.x2", "limited.x"),
         allowed<proto::exchange_bind_ok>()},
        {"exchange_bind_of_another_destination", limited, write, bind_exchange("other.x", "limited.x"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"exchange_bind_of_a_reserved_destination", limited, write, bind_exchange("amq.fanout", "limited.x"),
         refused("ACCESS_REFUSED - access to exchange 'amq.fanout' in vhost '/' refused for user 'limited'")},
        {"exchange_bind_from_another_source", limited, read, bind_exchange("limited.x2", "other.x"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"exchange_bind_from_a_reserved_source", limited, read, bind_exchange("limited.x2", "amq.direct"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},
        {"exchange_bind_checks_the_destination_first", limited, write, bind_exchange("amq.fanout", "amq.direct"),
         refused("ACCESS_REFUSED - access to exchange 'amq.fanout' in vhost '/' refused for user 'limited'")},
        {"exchange_bind_of_absent_exchanges", limited, write, bind_exchange("other.absent", "other.absent2"),
         refused("ACCESS_REFUSED - access to exchange 'other.absent' in vhost '/' refused for user 'limited'")},
        {"exchange_unbind_of_own_names", limited, write, unbind_exchange("limited.x2", "limited.x"),
         allowed<proto::exchange_unbind_ok>()},
        {"exchange_unbind_of_another_destination", limited, write, unbind_exchange("other.x", "limited.x"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"exchange_unbind_of_a_reserved_destination", limited, write, unbind_exchange("amq.fanout", "limited.x"),
         refused("ACCESS_REFUSED - access to exchange 'amq.fanout' in vhost '/' refused for user 'limited'")},
        {"exchange_unbind_from_another_source", limited, read, unbind_exchange("limited.x2", "other.x"),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"exchange_unbind_from_a_reserved_source", limited, read, unbind_exchange("limited.x2", "amq.direct"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},

        // basic.publish: write on the exchange ("" is checked as amq.default), before
        // RabbitMQ looks for it: 403 for an absent one it may not write, 404 otherwise.
        {"publish_to_the_default_exchange", limited, write, publish_to("", "limited.inbox"),
         allowed(proto::basic_ack{1, false}), holds_a_message("limited.inbox")},
        {"publish_to_an_own_exchange", limited, write, publish_to("limited.x", "unrouted"),
         allowed(proto::basic_ack{1, false})},
        {"publish_to_another_exchange", limited, write, publish_to("other.x", ""),
         refused("ACCESS_REFUSED - access to exchange 'other.x' in vhost '/' refused for user 'limited'")},
        {"publish_to_a_reserved_exchange", limited, write, publish_to("amq.direct", "limited.inbox"),
         refused("ACCESS_REFUSED - access to exchange 'amq.direct' in vhost '/' refused for user 'limited'")},
        {"publish_to_another_absent_exchange", limited, write, publish_to("other.absent", ""),
         refused("ACCESS_REFUSED - access to exchange 'other.absent' in vhost '/' refused for user 'limited'")},
        {"publish_to_an_own_absent_exchange", limited, write, publish_to("limited.absent", ""),
         not_found("NOT_FOUND - no exchange 'limited.absent' in vhost '/'")},
        {"publish_by_a_user_allowed_nothing", unprivileged, write, publish_to("", "limited.inbox"),
         refused("ACCESS_REFUSED - access to exchange 'amq.default' in vhost '/' refused for user 'unprivileged'")},

        // basic.get, basic.consume and queue.purge: read on the queue, before RabbitMQ
        // looks for it.
        {"get_from_an_own_queue", limited, read, get_from("limited.q"), allowed(proto::basic_get_empty{})},
        {"consume_from_an_own_queue", limited, read, consume_from("limited.q"), allowed<proto::basic_consume_ok>()},
        {"purge_of_an_own_queue", limited, read, purge("limited.q"), allowed(proto::queue_purge_ok{0})},
        {"get_from_another_queue", limited, read, get_from("other.q"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"consume_from_another_queue", limited, read, consume_from("other.q"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"purge_of_another_queue", limited, read, purge("other.q"),
         refused("ACCESS_REFUSED - access to queue 'other.q' in vhost '/' refused for user 'limited'")},
        {"get_from_another_absent_queue", limited, read, get_from("other.absent"),
         refused("ACCESS_REFUSED - access to queue 'other.absent' in vhost '/' refused for user 'limited'")},
    };
}

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};

}  // namespace

const std::vector<permission_row>& permission_rows()
{
    static const std::vector<permission_row> rows = make_rows();
    return rows;
}

void PrintTo(const permission_row& row, std::ostream* os) { *os << row.name; }

permission_names::permission_names(std::string suffix, made_callback made)
    : suffix_(std::move(suffix)), on_made_(std::move(made))
{}

std::string permission_names::operator()(kind k, const std::string& name)
{
    if (name.empty() || name.starts_with("amq.")) return name;
    std::string resolved = name + "." + suffix_;
    resolved_.emplace(name, resolved);
    if (made_.emplace(k, resolved).second && on_made_) on_made_(k, resolved);
    return resolved;
}

proto::method permission_names::resolve(proto::method m)
{
    const auto queue = [this](std::string& name) { name = (*this)(kind::queue, name); };
    const auto exchange = [this](std::string& name) { name = (*this)(kind::exchange, name); };
    const auto argument = [&exchange](proto::field_table& arguments, std::string_view key) {
        const proto::field_value* value = arguments.find(key);
        if (!value || !value->string()) return;
        std::string resolved = *value->string();
        exchange(resolved);
        arguments.set(std::string(key), std::move(resolved));
    };
    std::visit(overloaded{
                   [&](proto::exchange_declare& x) {
                       exchange(x.exchange);
                       argument(x.arguments, "alternate-exchange");
                   },
                   [&](proto::exchange_delete& x) { exchange(x.exchange); },
                   [&](proto::queue_declare& x) {
                       queue(x.queue);
                       argument(x.arguments, "x-dead-letter-exchange");
                   },
                   [&](proto::queue_declare_ok& x) { queue(x.queue); },
                   [&](proto::queue_delete& x) { queue(x.queue); },
                   [&](proto::queue_bind& x) {
                       queue(x.queue);
                       exchange(x.exchange);
                   },
                   [&](proto::queue_unbind& x) {
                       queue(x.queue);
                       exchange(x.exchange);
                   },
                   [&](proto::exchange_bind& x) {
                       exchange(x.destination);
                       exchange(x.source);
                   },
                   [&](proto::exchange_unbind& x) {
                       exchange(x.destination);
                       exchange(x.source);
                   },
                   [&](proto::basic_publish& x) {
                       // To the default exchange the routing key is a queue's name.
                       if (x.exchange.empty()) queue(x.routing_key);
                       exchange(x.exchange);
                   },
                   [&](proto::basic_get& x) { queue(x.queue); },
                   [&](proto::basic_consume& x) { queue(x.queue); },
                   [&](proto::queue_purge& x) { queue(x.queue); },
                   [](auto&) {},
               },
               m);
    return m;
}

std::string permission_names::resolve_text(std::string_view text) const
{
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t open = text.find('\'', i);
        const std::size_t close = open == std::string_view::npos ? open : text.find('\'', open + 1);
        if (close == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        const std::string_view quoted = text.substr(open + 1, close - open - 1);
        const auto found = resolved_.find(quoted);
        out += text.substr(i, open + 1 - i);
        out += found == resolved_.end() ? std::string(quoted) : found->second;
        out += '\'';
        i = close + 1;
    }
    return out;
}

namespace {

std::string_view name_of(const proto::method& m)
{
    return std::visit([](const auto& x) -> std::string_view { return x.name; }, m);
}

// Sends a method that carries no content and takes what comes back on its channel.
std::optional<peer::command> call(peer& p, std::uint16_t channel, const proto::method& m)
{
    std::visit([&](const auto& x) { p.send(channel, x); }, m);
    return p.next(channel, permission_timeout);
}

// The call, answered by `reply`; a failure naming `what` otherwise.
bool expect_reply(peer& p, std::uint16_t channel, const proto::method& m, std::string_view reply, std::string_view what)
{
    const std::optional<peer::command> c = call(p, channel, m);
    if (!c) {
        ADD_FAILURE() << what << ": nothing came back on channel " << channel << " for " << m << "; received:\n"
                      << p.transcript();
        return false;
    }
    if (name_of(c->value.method) != reply) {
        ADD_FAILURE() << what << ": " << m << " expected " << reply << ", got " << describe(c->value);
        return false;
    }
    return true;
}

// Whether guest finds what a passive declare asks for, on a channel of its own (a 404
// closes it); nullopt, with a failure, when the broker answers neither way.
std::optional<bool> found(peer& guest, const proto::method& passive_declare, std::string_view what)
{
    constexpr std::uint16_t channel = 2;
    if (!expect_reply(guest, channel, proto::channel_open{}, proto::channel_open_ok::name, what)) return std::nullopt;
    const std::optional<peer::command> c = call(guest, channel, passive_declare);
    const auto* close = c ? std::get_if<proto::channel_close>(&c->value.method) : nullptr;
    if (close && close->reply_code == 404) {
        guest.send(channel, proto::channel_close_ok{});
        return false;
    }
    if (c && !close) {
        expect_reply(guest, channel, proto::channel_close{200, "Goodbye", 0, 0}, proto::channel_close_ok::name, what);
        return true;
    }
    ADD_FAILURE() << what << ": " << passive_declare << " answered " << (c ? describe(c->value) : "nothing");
    return std::nullopt;
}

void check_effect(const permission_row& row, peer& guest, permission_names& names)
{
    using kind = permission_names::kind;
    const permission_effect& e = row.then;
    const std::string what = row.name + ", afterwards";
    switch (e.what) {
    case permission_effect::none: return;
    case permission_effect::queue_exists:
    case permission_effect::queue_absent:
        if (const auto yes = found(guest, passive_of(declare_queue(names(kind::queue, e.name))), what)) {
            EXPECT_EQ(*yes, e.what == permission_effect::queue_exists)
                << what << ": queue '" << e.name << (*yes ? "' exists" : "' does not exist");
        }
        return;
    case permission_effect::exchange_exists:
    case permission_effect::exchange_absent:
        if (const auto yes =
                found(guest, passive_of(declare_exchange(names(kind::exchange, e.name), "direct")), what)) {
            EXPECT_EQ(*yes, e.what == permission_effect::exchange_exists)
                << what << ": exchange '" << e.name << (*yes ? "' exists" : "' does not exist");
        }
        return;
    case permission_effect::queue_holds_a_message:
        expect_reply(guest, 1, get_from(names(kind::queue, e.name), true), proto::basic_get_ok::name,
                     what + ": a message in queue '" + e.name + "'");
        return;
    }
}

}  // namespace

void prepare_permission_world(peer& guest, permission_names& names)
{
    constexpr std::string_view what = "declaring what the permission rows find";
    for (const char* q : {"limited.q", "limited.inbox", "limited.doomed", "other.q"}) {
        expect_reply(guest, 1, names.resolve(declare_queue(q)), proto::queue_declare_ok::name, what);
    }
    for (const char* x : {"limited.x", "limited.x2", "limited.doomed", "other.x"}) {
        expect_reply(guest, 1, names.resolve(declare_exchange(x, "direct")), proto::exchange_declare_ok::name, what);
    }
    expect_reply(guest, 1, names.resolve(bind_queue("limited.q", "limited.x", "k")), proto::queue_bind_ok::name, what);
    expect_reply(guest, 1, names.resolve(bind_exchange("limited.x2", "limited.x")), proto::exchange_bind_ok::name,
                 what);
}

void run_permission_row(const permission_row& row, peer& client, peer& guest, permission_names& names)
{
    const proto::method request = names.resolve(row.request);
    std::optional<peer::command> answer;
    if (const auto* publish = std::get_if<proto::basic_publish>(&request)) {
        // In confirm mode, so that an allowed publish is answered too.
        if (!expect_reply(client, 1, proto::confirm_select{}, proto::confirm_select_ok::name, row.name)) return;
        client.send_message(1, *publish, {}, row.name);
        answer = client.next(1, permission_timeout);
    } else {
        answer = call(client, 1, request);
    }
    const permission_outcome& expected = row.expected;
    if (!answer) {
        ADD_FAILURE() << "row " << row.name << ": nothing came back for " << request << "; received:\n"
                      << client.transcript();
    } else if (expected.reply_code == 0) {
        EXPECT_EQ(name_of(answer->value.method), expected.reply)
            << "row " << row.name << ": " << request << " answered " << describe(answer->value);
        if (expected.reply_value) {
            EXPECT_EQ(answer->value.method, names.resolve(*expected.reply_value))
                << "row " << row.name << ": " << request;
        }
    } else if (const auto* close = std::get_if<proto::channel_close>(&answer->value.method)) {
        const proto::method_key key = proto::key_of(request);
        EXPECT_EQ(close->reply_code, expected.reply_code) << "row " << row.name << ": " << *close;
        EXPECT_EQ(close->reply_text, names.resolve_text(expected.reply_text)) << "row " << row.name;
        EXPECT_EQ(close->class_id, key.class_id) << "row " << row.name << ": " << *close;
        EXPECT_EQ(close->method_id, key.method_id) << "row " << row.name << ": " << *close;
        client.send(1, proto::channel_close_ok{});
    } else {
        ADD_FAILURE() << "row " << row.name << ": " << request << " expected channel.close " << expected.reply_code
                      << ", got " << describe(answer->value);
    }
    check_effect(row, guest, names);
}

}  // namespace amqp::test
