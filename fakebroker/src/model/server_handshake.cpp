#include "server_handshake.hpp"

#include "broker_state.hpp"
#include "vhost.hpp"

#include <amqp/protocol/capabilities.hpp>
#include <amqp/protocol/sasl.hpp>

#include <algorithm>

namespace amqp::fakebroker {

namespace proto = amqp::protocol;
using proto::reply_code;

namespace {

proto::field_table server_properties()
{
    return {
        {"capabilities", proto::server_capabilities()},
        {"cluster_name", std::string("fakebroker@localhost")},
        {"copyright", std::string("amqp-fake")},
        {"information", std::string("An embedded AMQP 0-9-1 broker for tests")},
        {"platform", std::string("C++20")},
        {"product", std::string("RabbitMQ")},
        {"version", std::string("3.10.8")},
    };
}

server_handshake::step dropped()
{
    server_handshake::step s;
    s.drop = true;
    return s;
}

server_handshake::step closed(error e)
{
    server_handshake::step s;
    s.close = std::move(e);
    return s;
}

}  // namespace

server_handshake::server_handshake(broker_state& broker)
    : broker_(broker), channel_max_(broker.options().channel_max), frame_max_(broker.options().frame_max)
{}

proto::connection_start server_handshake::start()
{
    return {0, 9, server_properties(),
            std::string(proto::amqplain_mechanism) + " " + std::string(proto::plain_mechanism), "en_US"};
}

server_handshake::step server_handshake::on_method(const proto::method& m)
{
    switch (stage_) {
    case stage::start_ok:
        if (const auto* ok = std::get_if<proto::connection_start_ok>(&m)) return start_ok(*ok);
        break;
    case stage::tune_ok:
        if (const auto* ok = std::get_if<proto::connection_tune_ok>(&m)) return tune_ok(*ok);
        break;
    case stage::open:
        if (const auto* open_method = std::get_if<proto::connection_open>(&m)) return open(*open_method);
        break;
    case stage::done: break;
    }
    // RabbitMQ closes the socket without a word when the handshake goes wrong.
    return dropped();
}

bool server_handshake::client_announces(std::string_view capability) const
{
    return proto::announces(client_properties_, capability);
}

server_handshake::step server_handshake::start_ok(const proto::connection_start_ok& m)
{
    client_properties_ = m.client_properties;
    std::optional<proto::credentials> given;
    if (m.mechanism == proto::plain_mechanism) given = proto::parse_plain(m.response);
    else if (m.mechanism == proto::amqplain_mechanism) given = proto::parse_amqplain(m.response);
    else return dropped();  // RabbitMQ closes the socket without a close for an unknown mechanism.
    const bool parsed = given.has_value();
    const std::string login = parsed ? given->user : std::string{};
    const fakebroker::user* known = parsed ? broker_.find_user(login) : nullptr;
    if (!known || known->password != given->password) {
        std::string text =
            "Login was refused using authentication mechanism " + m.mechanism + ". For details see the broker logfile.";
        // Say what was wrong, which RabbitMQ only writes to its log.
        if (!parsed) text += " (the " + m.mechanism + " response is malformed)";
        else if (!known) text += " (no user '" + login + "')";
        else text += " (wrong password for user '" + login + "')";
        // Only clients that announce authentication_failure_close get told; RabbitMQ
        // just closes the socket on the others.
        server_handshake::step refused = dropped();
        if (client_announces("authentication_failure_close")) refused.close = error{reply_code::access_refused, text};
        return refused;
    }
    user_ = login;
    stage_ = stage::tune_ok;
    const auto& options = broker_.options();
    server_handshake::step reply;
    reply.tune = proto::connection_tune{options.channel_max, options.frame_max, options.heartbeat};
    return reply;
}

server_handshake::step server_handshake::tune_ok(const proto::connection_tune_ok& m)
{
    const auto& options = broker_.options();
    // Out-of-range tuning closes the socket without a close, as in RabbitMQ.
    const bool frame_max_ok = m.frame_max >= proto::frame_min_size && m.frame_max <= options.frame_max;
    const bool channel_max_ok = options.channel_max == 0 || m.channel_max <= options.channel_max;
    if (!frame_max_ok || !channel_max_ok) return dropped();
    frame_max_ = m.frame_max;
    channel_max_ = m.channel_max == 0 ? options.channel_max : std::min(m.channel_max, options.channel_max);
    if (channel_max_ == 0) channel_max_ = 65535;
    heartbeat_ = m.heartbeat;
    stage_ = stage::open;
    return {};
}

server_handshake::step server_handshake::open(const proto::connection_open& m)
{
    fakebroker::vhost* v = broker_.find_vhost(m.virtual_host);
    if (!v) {
        std::string text = "vhost " + m.virtual_host + " not found";
        // Teach the usual mistakes: a stray slash, or the URL path taken literally.
        std::string trimmed = m.virtual_host;
        while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
        while (!trimmed.empty() && trimmed.front() == '/') trimmed.erase(0, 1);
        if (trimmed != m.virtual_host && broker_.find_vhost(trimmed)) {
            text += " (did you mean '" + trimmed +
                    "'? in an amqp:// URL the vhost follows the "
                    "host's slash, and '/' itself is written %2F)";
        } else if (trimmed.empty() && m.virtual_host != "/" && broker_.find_vhost("/")) {
            text += " (the default vhost is '/')";
        }
        return closed({reply_code::not_allowed, text, 10, 40});
    }
    // As in RabbitMQ, any permissions in the vhost (even "" for all three) let the user in.
    const vhost_access* rights = broker_.permissions().find(user_, m.virtual_host);
    if (!rights) {
        return closed({reply_code::not_allowed,
                       "access to vhost '" + m.virtual_host + "' refused for user '" + user_ + "'", 10, 40});
    }
    vhost_ = v;
    access_ = rights;
    stage_ = stage::done;
    server_handshake::step reply;
    reply.open_ok = true;
    return reply;
}

}  // namespace amqp::fakebroker
