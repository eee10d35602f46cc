#include "allowlist.hpp"

#include "transcript.hpp"

#include <array>
#include <string>

namespace amqp::differential {

namespace proto = amqp::protocol;

namespace {

const proto::connection_close* connection_close_of(const std::optional<normalised_event>& e)
{
    if (!e || e->original.what != event::kind::command) return nullptr;
    return std::get_if<proto::connection_close>(&e->original.command.method);
}

const proto::channel_close* channel_close_of(const std::optional<normalised_event>& e)
{
    if (!e || e->original.what != event::kind::command) return nullptr;
    return std::get_if<proto::channel_close>(&e->original.command.method);
}

bool is_socket_closed(const std::optional<normalised_event>& e)
{
    return e && e->original.what == event::kind::socket_closed;
}

template <class Method>
bool is(const std::optional<normalised_event>& e)
{
    return e && e->original.what == event::kind::command && std::holds_alternative<Method>(e->original.command.method);
}

// The fake's reply text is RabbitMQ's, word for word, followed by " (" ... ")".
bool text_extends(std::string_view fake, std::string_view rabbit, std::string_view opening)
{
    if (!fake.starts_with(rabbit)) return false;
    const std::string_view extra = fake.substr(rabbit.size());
    return extra.starts_with(opening) && extra.ends_with(")");
}

// docs/differences.md, "Refused logins": RabbitMQ's text and the reason appended.
bool refused_login(const divergence& d)
{
    const auto* fake = connection_close_of(d.first);
    const auto* rabbit = connection_close_of(d.second);
    return d.where.channel == 0 && fake && rabbit && fake->reply_code == 403 && rabbit->reply_code == 403 &&
           rabbit->reply_text.starts_with("ACCESS_REFUSED - Login was refused") && fake->class_id == rabbit->class_id &&
           fake->method_id == rabbit->method_id && text_extends(fake->reply_text, rabbit->reply_text, " (");
}

// docs/differences.md, "Unknown vhosts": a hint appended when a similar vhost exists.
bool unknown_vhost(const divergence& d)
{
    const auto* fake = connection_close_of(d.first);
    const auto* rabbit = connection_close_of(d.second);
    return d.where.channel == 0 && fake && rabbit && fake->reply_code == 530 && rabbit->reply_code == 530 &&
           rabbit->reply_text.starts_with("NOT_ALLOWED - vhost ") &&
           text_extends(fake->reply_text, rabbit->reply_text, " (did you mean");
}

// docs/differences.md, "Unknown class or method id": RabbitMQ closes the socket
// without a word, the fake sends connection.close 540.
bool unknown_method(const divergence& d)
{
    const auto* fake = connection_close_of(d.first);
    return d.where.channel == 0 && fake && fake->reply_code == 540 &&
           fake->reply_text.find("unknown method") != std::string::npos && is_socket_closed(d.second);
}

// docs/differences.md, "Queue types": streams are refused with 406 and a text that
// says so, where RabbitMQ declares one.
bool stream_refused(const divergence& d)
{
    const auto* fake = channel_close_of(d.first);
    if (!fake || fake->reply_code != 406 || fake->class_id != 50 || fake->method_id != 10 ||
        fake->reply_text.find("stream queues are not supported") == std::string::npos) {
        return false;
    }
    // RabbitMQ declares the stream, or refuses an argument streams do not take.
    const auto* rabbit = channel_close_of(d.second);
    return is<proto::queue_declare_ok>(d.second) ||
           (rabbit && rabbit->reply_code == 406 && rabbit->reply_text.ends_with("of queue type rabbit_stream_queue"));
}

constexpr std::array entries{
    allowlist_entry{"Refused logins", true, refused_login, true},
    allowlist_entry{"Unknown vhosts", true, unknown_vhost, true},
    allowlist_entry{"Unknown class or method id", true, unknown_method, true},
    allowlist_entry{"Queue types (streams are refused)", true, stream_refused, true},
};

}  // namespace

const allowlist_entry* explain(const divergence& d)
{
    for (const allowlist_entry& e : entries) {
        if (e.matches(d)) return &e;
    }
    return nullptr;
}

}  // namespace amqp::differential
