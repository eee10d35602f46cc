#include "handshake.hpp"

#include <amqp/protocol/frame.hpp>
#include <amqp/protocol/tuning.hpp>

namespace amqp::test {

namespace proto = amqp::protocol;

proto::connection_start_ok make_start_ok(const handshake_options& options)
{
    proto::connection_start_ok ok;
    ok.client_properties = options.client_properties;
    if (!options.connection_name.empty()) ok.client_properties.set("connection_name", options.connection_name);
    ok.mechanism = options.mechanism;
    ok.response = options.mechanism == proto::amqplain_mechanism
                      ? proto::amqplain_response(options.user, options.password)
                      : proto::plain_response(options.user, options.password);
    ok.locale = "en_US";
    return ok;
}

proto::connection_tune_ok make_tune_ok(const handshake_options& options, const proto::connection_tune& server)
{
    return proto::negotiate(server, {options.channel_max, options.frame_max, options.heartbeat});
}

proto::connection_open make_open(const handshake_options& options)
{
    proto::connection_open m;
    m.virtual_host = options.vhost;
    return m;
}

void encode_handshake(proto::byte_buffer& out, const handshake_options& options)
{
    out.append(proto::protocol_header);
    proto::encode_frame(out, 0, make_start_ok(options));
    proto::encode_frame(out, 0, make_tune_ok(options, default_server_tune));
    proto::encode_frame(out, 0, make_open(options));
}

}  // namespace amqp::test
