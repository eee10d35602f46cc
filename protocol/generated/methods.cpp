// generated from the AMQP spec by protocol/codegen; do not edit
#include <amqp/protocol/methods.hpp>
#include <amqp/protocol/print.hpp>

#include <ostream>

namespace amqp::protocol {

void encode_arguments(writer& w, const connection_start& m)
{
    w.octet(m.version_major);
    w.octet(m.version_minor);
    w.table(m.server_properties);
    w.longstr(m.mechanisms);
    w.longstr(m.locales);
}

bool decode_arguments(reader& r, connection_start& m)
{
    if (!r.octet(m.version_major)) return false;
    if (!r.octet(m.version_minor)) return false;
    if (!r.table(m.server_properties)) return false;
    if (!r.longstr(m.mechanisms)) return false;
    if (!r.longstr(m.locales)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_start& m)
{
    os << "connection.start(";
    os << "version_major=";
    os << unsigned(m.version_major);
    os << ", version_minor=";
    os << unsigned(m.version_minor);
    os << ", server_properties=";
    os << m.server_properties;
    os << ", mechanisms=";
    print_quoted(os, m.mechanisms);
    os << ", locales=";
    print_quoted(os, m.locales);
    return os << ')';
}

void encode_arguments(writer& w, const connection_start_ok& m)
{
    w.table(m.client_properties);
    w.shortstr(m.mechanism);
    w.longstr(m.response);
    w.shortstr(m.locale);
}

bool decode_arguments(reader& r, connection_start_ok& m)
{
    if (!r.table(m.client_properties)) return false;
    if (!r.shortstr(m.mechanism)) return false;
    if (!r.longstr(m.response)) return false;
    if (!r.shortstr(m.locale)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_start_ok& m)
{
    os << "connection.start-ok(";
    os << "client_properties=";
    os << m.client_properties;
    os << ", mechanism=";
    print_quoted(os, m.mechanism);
    os << ", response=";
    print_quoted(os, m.response);
    os << ", locale=";
    print_quoted(os, m.locale);
    return os << ')';
}

void encode_arguments(writer& w, const connection_secure& m)
{
    w.longstr(m.challenge);
}

bool decode_arguments(reader& r, connection_secure& m)
{
    if (!r.longstr(m.challenge)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_secure& m)
{
    os << "connection.secure(";
    os << "challenge=";
    print_quoted(os, m.challenge);
    return os << ')';
}

void encode_arguments(writer& w, const connection_secure_ok& m)
{
    w.longstr(m.response);
}

bool decode_arguments(reader& r, connection_secure_ok& m)
{
    if (!r.longstr(m.response)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_secure_ok& m)
{
    os << "connection.secure-ok(";
    os << "response=";
    print_quoted(os, m.response);
    return os << ')';
}

void encode_arguments(writer& w, const connection_tune& m)
{
    w.short_uint(m.channel_max);
    w.long_uint(m.frame_max);
    w.short_uint(m.heartbeat);
}

bool decode_arguments(reader& r, connection_tune& m)
{
    if (!r.short_uint(m.channel_max)) return false;
    if (!r.long_uint(m.frame_max)) return false;
    if (!r.short_uint(m.heartbeat)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_tune& m)
{
    os << "connection.tune(";
    os << "channel_max=";
    os << m.channel_max;
    os << ", frame_max=";
    os << m.frame_max;
    os << ", heartbeat=";
    os << m.heartbeat;
    return os << ')';
}

void encode_arguments(writer& w, const connection_tune_ok& m)
{
    w.short_uint(m.channel_max);
    w.long_uint(m.frame_max);
    w.short_uint(m.heartbeat);
}

bool decode_arguments(reader& r, connection_tune_ok& m)
{
    if (!r.short_uint(m.channel_max)) return false;
    if (!r.long_uint(m.frame_max)) return false;
    if (!r.short_uint(m.heartbeat)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_tune_ok& m)
{
    os << "connection.tune-ok(";
    os << "channel_max=";
    os << m.channel_max;
    os << ", frame_max=";
    os << m.frame_max;
    os << ", heartbeat=";
    os << m.heartbeat;
    return os << ')';
}

void encode_arguments(writer& w, const connection_open& m)
{
    w.shortstr(m.virtual_host);
    w.shortstr(m.capabilities);
    w.octet(pack_bits(m.insist));
}

bool decode_arguments(reader& r, connection_open& m)
{
    if (!r.shortstr(m.virtual_host)) return false;
    if (!r.shortstr(m.capabilities)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.insist = (bits2 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_open& m)
{
    os << "connection.open(";
    os << "virtual_host=";
    print_quoted(os, m.virtual_host);
    os << ", capabilities=";
    print_quoted(os, m.capabilities);
    os << ", insist=";
    os << (m.insist ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const connection_open_ok& m)
{
    w.shortstr(m.known_hosts);
}

bool decode_arguments(reader& r, connection_open_ok& m)
{
    if (!r.shortstr(m.known_hosts)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_open_ok& m)
{
    os << "connection.open-ok(";
    os << "known_hosts=";
    print_quoted(os, m.known_hosts);
    return os << ')';
}

void encode_arguments(writer& w, const connection_close& m)
{
    w.short_uint(m.reply_code);
    w.shortstr(m.reply_text);
    w.short_uint(m.class_id);
    w.short_uint(m.method_id);
}

bool decode_arguments(reader& r, connection_close& m)
{
    if (!r.short_uint(m.reply_code)) return false;
    if (!r.shortstr(m.reply_text)) return false;
    if (!r.short_uint(m.class_id)) return false;
    if (!r.short_uint(m.method_id)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_close& m)
{
    os << "connection.close(";
    os << "reply_code=";
    os << m.reply_code;
    os << ", reply_text=";
    print_quoted(os, m.reply_text);
    os << ", class_id=";
    os << m.class_id;
    os << ", method_id=";
    os << m.method_id;
    return os << ')';
}

void encode_arguments(writer&, const connection_close_ok&)
{
}

bool decode_arguments(reader&, connection_close_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_close_ok&)
{
    return os << "connection.close-ok";
}

void encode_arguments(writer& w, const connection_blocked& m)
{
    w.shortstr(m.reason);
}

bool decode_arguments(reader& r, connection_blocked& m)
{
    if (!r.shortstr(m.reason)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_blocked& m)
{
    os << "connection.blocked(";
    os << "reason=";
    print_quoted(os, m.reason);
    return os << ')';
}

void encode_arguments(writer&, const connection_unblocked&)
{
}

bool decode_arguments(reader&, connection_unblocked&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_unblocked&)
{
    return os << "connection.unblocked";
}

void encode_arguments(writer& w, const connection_update_secret& m)
{
    w.longstr(m.new_secret);
    w.shortstr(m.reason);
}

bool decode_arguments(reader& r, connection_update_secret& m)
{
    if (!r.longstr(m.new_secret)) return false;
    if (!r.shortstr(m.reason)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_update_secret& m)
{
    os << "connection.update-secret(";
    os << "new_secret=";
    print_quoted(os, m.new_secret);
    os << ", reason=";
    print_quoted(os, m.reason);
    return os << ')';
}

void encode_arguments(writer&, const connection_update_secret_ok&)
{
}

bool decode_arguments(reader&, connection_update_secret_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const connection_update_secret_ok&)
{
    return os << "connection.update-secret-ok";
}

void encode_arguments(writer& w, const channel_open& m)
{
    w.shortstr(m.out_of_band);
}

bool decode_arguments(reader& r, channel_open& m)
{
    if (!r.shortstr(m.out_of_band)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_open& m)
{
    os << "channel.open(";
    os << "out_of_band=";
    print_quoted(os, m.out_of_band);
    return os << ')';
}

void encode_arguments(writer& w, const channel_open_ok& m)
{
    w.longstr(m.channel_id);
}

bool decode_arguments(reader& r, channel_open_ok& m)
{
    if (!r.longstr(m.channel_id)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_open_ok& m)
{
    os << "channel.open-ok(";
    os << "channel_id=";
    print_quoted(os, m.channel_id);
    return os << ')';
}

void encode_arguments(writer& w, const channel_flow& m)
{
    w.octet(pack_bits(m.active));
}

bool decode_arguments(reader& r, channel_flow& m)
{
    std::uint8_t bits0;
    if (!r.octet(bits0)) return false;
    m.active = (bits0 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_flow& m)
{
    os << "channel.flow(";
    os << "active=";
    os << (m.active ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const channel_flow_ok& m)
{
    w.octet(pack_bits(m.active));
}

bool decode_arguments(reader& r, channel_flow_ok& m)
{
    std::uint8_t bits0;
    if (!r.octet(bits0)) return false;
    m.active = (bits0 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_flow_ok& m)
{
    os << "channel.flow-ok(";
    os << "active=";
    os << (m.active ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const channel_close& m)
{
    w.short_uint(m.reply_code);
    w.shortstr(m.reply_text);
    w.short_uint(m.class_id);
    w.short_uint(m.method_id);
}

bool decode_arguments(reader& r, channel_close& m)
{
    if (!r.short_uint(m.reply_code)) return false;
    if (!r.shortstr(m.reply_text)) return false;
    if (!r.short_uint(m.class_id)) return false;
    if (!r.short_uint(m.method_id)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_close& m)
{
    os << "channel.close(";
    os << "reply_code=";
    os << m.reply_code;
    os << ", reply_text=";
    print_quoted(os, m.reply_text);
    os << ", class_id=";
    os << m.class_id;
    os << ", method_id=";
    os << m.method_id;
    return os << ')';
}

void encode_arguments(writer&, const channel_close_ok&)
{
}

bool decode_arguments(reader&, channel_close_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const channel_close_ok&)
{
    return os << "channel.close-ok";
}

void encode_arguments(writer& w, const access_request& m)
{
    w.shortstr(m.realm);
    w.octet(pack_bits(m.exclusive, m.passive, m.active, m.write, m.read));
}

bool decode_arguments(reader& r, access_request& m)
{
    if (!r.shortstr(m.realm)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.exclusive = (bits1 & 1u) != 0;
    m.passive = (bits1 & 2u) != 0;
    m.active = (bits1 & 4u) != 0;
    m.write = (bits1 & 8u) != 0;
    m.read = (bits1 & 16u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const access_request& m)
{
    os << "access.request(";
    os << "realm=";
    print_quoted(os, m.realm);
    os << ", exclusive=";
    os << (m.exclusive ? "true" : "false");
    os << ", passive=";
    os << (m.passive ? "true" : "false");
    os << ", active=";
    os << (m.active ? "true" : "false");
    os << ", write=";
    os << (m.write ? "true" : "false");
    os << ", read=";
    os << (m.read ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const access_request_ok& m)
{
    w.short_uint(m.ticket);
}

bool decode_arguments(reader& r, access_request_ok& m)
{
    if (!r.short_uint(m.ticket)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const access_request_ok& m)
{
    os << "access.request-ok(";
    os << "ticket=";
    os << m.ticket;
    return os << ')';
}

void encode_arguments(writer& w, const exchange_declare& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.exchange);
    w.shortstr(m.type);
    w.octet(pack_bits(m.passive, m.durable, m.auto_delete, m.internal, m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, exchange_declare& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.type)) return false;
    std::uint8_t bits3;
    if (!r.octet(bits3)) return false;
    m.passive = (bits3 & 1u) != 0;
    m.durable = (bits3 & 2u) != 0;
    m.auto_delete = (bits3 & 4u) != 0;
    m.internal = (bits3 & 8u) != 0;
    m.nowait = (bits3 & 16u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_declare& m)
{
    os << "exchange.declare(";
    os << "ticket=";
    os << m.ticket;
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", type=";
    print_quoted(os, m.type);
    os << ", passive=";
    os << (m.passive ? "true" : "false");
    os << ", durable=";
    os << (m.durable ? "true" : "false");
    os << ", auto_delete=";
    os << (m.auto_delete ? "true" : "false");
    os << ", internal=";
    os << (m.internal ? "true" : "false");
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer&, const exchange_declare_ok&)
{
}

bool decode_arguments(reader&, exchange_declare_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_declare_ok&)
{
    return os << "exchange.declare-ok";
}

void encode_arguments(writer& w, const exchange_delete& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.exchange);
    w.octet(pack_bits(m.if_unused, m.nowait));
}

bool decode_arguments(reader& r, exchange_delete& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.exchange)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.if_unused = (bits2 & 1u) != 0;
    m.nowait = (bits2 & 2u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_delete& m)
{
    os << "exchange.delete(";
    os << "ticket=";
    os << m.ticket;
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", if_unused=";
    os << (m.if_unused ? "true" : "false");
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer&, const exchange_delete_ok&)
{
}

bool decode_arguments(reader&, exchange_delete_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_delete_ok&)
{
    return os << "exchange.delete-ok";
}

void encode_arguments(writer& w, const exchange_bind& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.destination);
    w.shortstr(m.source);
    w.shortstr(m.routing_key);
    w.octet(pack_bits(m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, exchange_bind& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.destination)) return false;
    if (!r.shortstr(m.source)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    std::uint8_t bits4;
    if (!r.octet(bits4)) return false;
    m.nowait = (bits4 & 1u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_bind& m)
{
    os << "exchange.bind(";
    os << "ticket=";
    os << m.ticket;
    os << ", destination=";
    print_quoted(os, m.destination);
    os << ", source=";
    print_quoted(os, m.source);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer&, const exchange_bind_ok&)
{
}

bool decode_arguments(reader&, exchange_bind_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_bind_ok&)
{
    return os << "exchange.bind-ok";
}

void encode_arguments(writer& w, const exchange_unbind& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.destination);
    w.shortstr(m.source);
    w.shortstr(m.routing_key);
    w.octet(pack_bits(m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, exchange_unbind& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.destination)) return false;
    if (!r.shortstr(m.source)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    std::uint8_t bits4;
    if (!r.octet(bits4)) return false;
    m.nowait = (bits4 & 1u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_unbind& m)
{
    os << "exchange.unbind(";
    os << "ticket=";
    os << m.ticket;
    os << ", destination=";
    print_quoted(os, m.destination);
    os << ", source=";
    print_quoted(os, m.source);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer&, const exchange_unbind_ok&)
{
}

bool decode_arguments(reader&, exchange_unbind_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const exchange_unbind_ok&)
{
    return os << "exchange.unbind-ok";
}

void encode_arguments(writer& w, const queue_declare& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.octet(pack_bits(m.passive, m.durable, m.exclusive, m.auto_delete, m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, queue_declare& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.passive = (bits2 & 1u) != 0;
    m.durable = (bits2 & 2u) != 0;
    m.exclusive = (bits2 & 4u) != 0;
    m.auto_delete = (bits2 & 8u) != 0;
    m.nowait = (bits2 & 16u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_declare& m)
{
    os << "queue.declare(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", passive=";
    os << (m.passive ? "true" : "false");
    os << ", durable=";
    os << (m.durable ? "true" : "false");
    os << ", exclusive=";
    os << (m.exclusive ? "true" : "false");
    os << ", auto_delete=";
    os << (m.auto_delete ? "true" : "false");
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer& w, const queue_declare_ok& m)
{
    w.shortstr(m.queue);
    w.long_uint(m.message_count);
    w.long_uint(m.consumer_count);
}

bool decode_arguments(reader& r, queue_declare_ok& m)
{
    if (!r.shortstr(m.queue)) return false;
    if (!r.long_uint(m.message_count)) return false;
    if (!r.long_uint(m.consumer_count)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_declare_ok& m)
{
    os << "queue.declare-ok(";
    os << "queue=";
    print_quoted(os, m.queue);
    os << ", message_count=";
    os << m.message_count;
    os << ", consumer_count=";
    os << m.consumer_count;
    return os << ')';
}

void encode_arguments(writer& w, const queue_bind& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
    w.octet(pack_bits(m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, queue_bind& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    std::uint8_t bits4;
    if (!r.octet(bits4)) return false;
    m.nowait = (bits4 & 1u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_bind& m)
{
    os << "queue.bind(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer&, const queue_bind_ok&)
{
}

bool decode_arguments(reader&, queue_bind_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_bind_ok&)
{
    return os << "queue.bind-ok";
}

void encode_arguments(writer& w, const queue_purge& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.octet(pack_bits(m.nowait));
}

bool decode_arguments(reader& r, queue_purge& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.nowait = (bits2 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_purge& m)
{
    os << "queue.purge(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const queue_purge_ok& m)
{
    w.long_uint(m.message_count);
}

bool decode_arguments(reader& r, queue_purge_ok& m)
{
    if (!r.long_uint(m.message_count)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_purge_ok& m)
{
    os << "queue.purge-ok(";
    os << "message_count=";
    os << m.message_count;
    return os << ')';
}

void encode_arguments(writer& w, const queue_delete& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.octet(pack_bits(m.if_unused, m.if_empty, m.nowait));
}

bool decode_arguments(reader& r, queue_delete& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.if_unused = (bits2 & 1u) != 0;
    m.if_empty = (bits2 & 2u) != 0;
    m.nowait = (bits2 & 4u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_delete& m)
{
    os << "queue.delete(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", if_unused=";
    os << (m.if_unused ? "true" : "false");
    os << ", if_empty=";
    os << (m.if_empty ? "true" : "false");
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const queue_delete_ok& m)
{
    w.long_uint(m.message_count);
}

bool decode_arguments(reader& r, queue_delete_ok& m)
{
    if (!r.long_uint(m.message_count)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_delete_ok& m)
{
    os << "queue.delete-ok(";
    os << "message_count=";
    os << m.message_count;
    return os << ')';
}

void encode_arguments(writer& w, const queue_unbind& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
    w.table(m.arguments);
}

bool decode_arguments(reader& r, queue_unbind& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_unbind& m)
{
    os << "queue.unbind(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer&, const queue_unbind_ok&)
{
}

bool decode_arguments(reader&, queue_unbind_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const queue_unbind_ok&)
{
    return os << "queue.unbind-ok";
}

void encode_arguments(writer& w, const basic_qos& m)
{
    w.long_uint(m.prefetch_size);
    w.short_uint(m.prefetch_count);
    w.octet(pack_bits(m.global));
}

bool decode_arguments(reader& r, basic_qos& m)
{
    if (!r.long_uint(m.prefetch_size)) return false;
    if (!r.short_uint(m.prefetch_count)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.global = (bits2 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_qos& m)
{
    os << "basic.qos(";
    os << "prefetch_size=";
    os << m.prefetch_size;
    os << ", prefetch_count=";
    os << m.prefetch_count;
    os << ", global=";
    os << (m.global ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer&, const basic_qos_ok&)
{
}

bool decode_arguments(reader&, basic_qos_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_qos_ok&)
{
    return os << "basic.qos-ok";
}

void encode_arguments(writer& w, const basic_consume& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.shortstr(m.consumer_tag);
    w.octet(pack_bits(m.no_local, m.no_ack, m.exclusive, m.nowait));
    w.table(m.arguments);
}

bool decode_arguments(reader& r, basic_consume& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    if (!r.shortstr(m.consumer_tag)) return false;
    std::uint8_t bits3;
    if (!r.octet(bits3)) return false;
    m.no_local = (bits3 & 1u) != 0;
    m.no_ack = (bits3 & 2u) != 0;
    m.exclusive = (bits3 & 4u) != 0;
    m.nowait = (bits3 & 8u) != 0;
    if (!r.table(m.arguments)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_consume& m)
{
    os << "basic.consume(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", consumer_tag=";
    print_quoted(os, m.consumer_tag);
    os << ", no_local=";
    os << (m.no_local ? "true" : "false");
    os << ", no_ack=";
    os << (m.no_ack ? "true" : "false");
    os << ", exclusive=";
    os << (m.exclusive ? "true" : "false");
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    os << ", arguments=";
    os << m.arguments;
    return os << ')';
}

void encode_arguments(writer& w, const basic_consume_ok& m)
{
    w.shortstr(m.consumer_tag);
}

bool decode_arguments(reader& r, basic_consume_ok& m)
{
    if (!r.shortstr(m.consumer_tag)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_consume_ok& m)
{
    os << "basic.consume-ok(";
    os << "consumer_tag=";
    print_quoted(os, m.consumer_tag);
    return os << ')';
}

void encode_arguments(writer& w, const basic_cancel& m)
{
    w.shortstr(m.consumer_tag);
    w.octet(pack_bits(m.nowait));
}

bool decode_arguments(reader& r, basic_cancel& m)
{
    if (!r.shortstr(m.consumer_tag)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.nowait = (bits1 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_cancel& m)
{
    os << "basic.cancel(";
    os << "consumer_tag=";
    print_quoted(os, m.consumer_tag);
    os << ", nowait=";
    os << (m.nowait ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const basic_cancel_ok& m)
{
    w.shortstr(m.consumer_tag);
}

bool decode_arguments(reader& r, basic_cancel_ok& m)
{
    if (!r.shortstr(m.consumer_tag)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_cancel_ok& m)
{
    os << "basic.cancel-ok(";
    os << "consumer_tag=";
    print_quoted(os, m.consumer_tag);
    return os << ')';
}

void encode_arguments(writer& w, const basic_publish& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
    w.octet(pack_bits(m.mandatory, m.immediate));
}

bool decode_arguments(reader& r, basic_publish& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    std::uint8_t bits3;
    if (!r.octet(bits3)) return false;
    m.mandatory = (bits3 & 1u) != 0;
    m.immediate = (bits3 & 2u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_publish& m)
{
    os << "basic.publish(";
    os << "ticket=";
    os << m.ticket;
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", mandatory=";
    os << (m.mandatory ? "true" : "false");
    os << ", immediate=";
    os << (m.immediate ? "true" : "false");
    return os << ')';
}

basic_return basic_return_view::owned() const
{
    basic_return m;
    m.reply_code = reply_code;
    m.reply_text = std::string(reply_text);
    m.exchange = std::string(exchange);
    m.routing_key = std::string(routing_key);
    return m;
}

basic_return_view view_of(const basic_return& m) noexcept
{
    basic_return_view v;
    v.reply_code = m.reply_code;
    v.reply_text = m.reply_text;
    v.exchange = m.exchange;
    v.routing_key = m.routing_key;
    return v;
}

void encode_arguments(writer& w, const basic_return_view& m)
{
    w.short_uint(m.reply_code);
    w.shortstr(m.reply_text);
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
}

void encode_arguments(writer& w, const basic_return& m)
{
    encode_arguments(w, view_of(m));
}

bool decode_arguments(reader& r, basic_return& m)
{
    if (!r.short_uint(m.reply_code)) return false;
    if (!r.shortstr(m.reply_text)) return false;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_return& m)
{
    os << "basic.return(";
    os << "reply_code=";
    os << m.reply_code;
    os << ", reply_text=";
    print_quoted(os, m.reply_text);
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    return os << ')';
}

basic_deliver basic_deliver_view::owned() const
{
    basic_deliver m;
    m.consumer_tag = std::string(consumer_tag);
    m.delivery_tag = delivery_tag;
    m.redelivered = redelivered;
    m.exchange = std::string(exchange);
    m.routing_key = std::string(routing_key);
    return m;
}

basic_deliver_view view_of(const basic_deliver& m) noexcept
{
    basic_deliver_view v;
    v.consumer_tag = m.consumer_tag;
    v.delivery_tag = m.delivery_tag;
    v.redelivered = m.redelivered;
    v.exchange = m.exchange;
    v.routing_key = m.routing_key;
    return v;
}

void encode_arguments(writer& w, const basic_deliver_view& m)
{
    w.shortstr(m.consumer_tag);
    w.longlong_uint(m.delivery_tag);
    w.octet(pack_bits(m.redelivered));
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
}

void encode_arguments(writer& w, const basic_deliver& m)
{
    encode_arguments(w, view_of(m));
}

bool decode_arguments(reader& r, basic_deliver& m)
{
    if (!r.shortstr(m.consumer_tag)) return false;
    if (!r.longlong_uint(m.delivery_tag)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.redelivered = (bits2 & 1u) != 0;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_deliver& m)
{
    os << "basic.deliver(";
    os << "consumer_tag=";
    print_quoted(os, m.consumer_tag);
    os << ", delivery_tag=";
    os << m.delivery_tag;
    os << ", redelivered=";
    os << (m.redelivered ? "true" : "false");
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    return os << ')';
}

void encode_arguments(writer& w, const basic_get& m)
{
    w.short_uint(m.ticket);
    w.shortstr(m.queue);
    w.octet(pack_bits(m.no_ack));
}

bool decode_arguments(reader& r, basic_get& m)
{
    if (!r.short_uint(m.ticket)) return false;
    if (!r.shortstr(m.queue)) return false;
    std::uint8_t bits2;
    if (!r.octet(bits2)) return false;
    m.no_ack = (bits2 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_get& m)
{
    os << "basic.get(";
    os << "ticket=";
    os << m.ticket;
    os << ", queue=";
    print_quoted(os, m.queue);
    os << ", no_ack=";
    os << (m.no_ack ? "true" : "false");
    return os << ')';
}

basic_get_ok basic_get_ok_view::owned() const
{
    basic_get_ok m;
    m.delivery_tag = delivery_tag;
    m.redelivered = redelivered;
    m.exchange = std::string(exchange);
    m.routing_key = std::string(routing_key);
    m.message_count = message_count;
    return m;
}

basic_get_ok_view view_of(const basic_get_ok& m) noexcept
{
    basic_get_ok_view v;
    v.delivery_tag = m.delivery_tag;
    v.redelivered = m.redelivered;
    v.exchange = m.exchange;
    v.routing_key = m.routing_key;
    v.message_count = m.message_count;
    return v;
}

void encode_arguments(writer& w, const basic_get_ok_view& m)
{
    w.longlong_uint(m.delivery_tag);
    w.octet(pack_bits(m.redelivered));
    w.shortstr(m.exchange);
    w.shortstr(m.routing_key);
    w.long_uint(m.message_count);
}

void encode_arguments(writer& w, const basic_get_ok& m)
{
    encode_arguments(w, view_of(m));
}

bool decode_arguments(reader& r, basic_get_ok& m)
{
    if (!r.longlong_uint(m.delivery_tag)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.redelivered = (bits1 & 1u) != 0;
    if (!r.shortstr(m.exchange)) return false;
    if (!r.shortstr(m.routing_key)) return false;
    if (!r.long_uint(m.message_count)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_get_ok& m)
{
    os << "basic.get-ok(";
    os << "delivery_tag=";
    os << m.delivery_tag;
    os << ", redelivered=";
    os << (m.redelivered ? "true" : "false");
    os << ", exchange=";
    print_quoted(os, m.exchange);
    os << ", routing_key=";
    print_quoted(os, m.routing_key);
    os << ", message_count=";
    os << m.message_count;
    return os << ')';
}

void encode_arguments(writer& w, const basic_get_empty& m)
{
    w.shortstr(m.cluster_id);
}

bool decode_arguments(reader& r, basic_get_empty& m)
{
    if (!r.shortstr(m.cluster_id)) return false;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_get_empty& m)
{
    os << "basic.get-empty(";
    os << "cluster_id=";
    print_quoted(os, m.cluster_id);
    return os << ')';
}

void encode_arguments(writer& w, const basic_ack& m)
{
    w.longlong_uint(m.delivery_tag);
    w.octet(pack_bits(m.multiple));
}

bool decode_arguments(reader& r, basic_ack& m)
{
    if (!r.longlong_uint(m.delivery_tag)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.multiple = (bits1 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_ack& m)
{
    os << "basic.ack(";
    os << "delivery_tag=";
    os << m.delivery_tag;
    os << ", multiple=";
    os << (m.multiple ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const basic_reject& m)
{
    w.longlong_uint(m.delivery_tag);
    w.octet(pack_bits(m.requeue));
}

bool decode_arguments(reader& r, basic_reject& m)
{
    if (!r.longlong_uint(m.delivery_tag)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.requeue = (bits1 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_reject& m)
{
    os << "basic.reject(";
    os << "delivery_tag=";
    os << m.delivery_tag;
    os << ", requeue=";
    os << (m.requeue ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const basic_recover_async& m)
{
    w.octet(pack_bits(m.requeue));
}

bool decode_arguments(reader& r, basic_recover_async& m)
{
    std::uint8_t bits0;
    if (!r.octet(bits0)) return false;
    m.requeue = (bits0 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_recover_async& m)
{
    os << "basic.recover-async(";
    os << "requeue=";
    os << (m.requeue ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer& w, const basic_recover& m)
{
    w.octet(pack_bits(m.requeue));
}

bool decode_arguments(reader& r, basic_recover& m)
{
    std::uint8_t bits0;
    if (!r.octet(bits0)) return false;
    m.requeue = (bits0 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_recover& m)
{
    os << "basic.recover(";
    os << "requeue=";
    os << (m.requeue ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer&, const basic_recover_ok&)
{
}

bool decode_arguments(reader&, basic_recover_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_recover_ok&)
{
    return os << "basic.recover-ok";
}

void encode_arguments(writer& w, const basic_nack& m)
{
    w.longlong_uint(m.delivery_tag);
    w.octet(pack_bits(m.multiple, m.requeue));
}

bool decode_arguments(reader& r, basic_nack& m)
{
    if (!r.longlong_uint(m.delivery_tag)) return false;
    std::uint8_t bits1;
    if (!r.octet(bits1)) return false;
    m.multiple = (bits1 & 1u) != 0;
    m.requeue = (bits1 & 2u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const basic_nack& m)
{
    os << "basic.nack(";
    os << "delivery_tag=";
    os << m.delivery_tag;
    os << ", multiple=";
    os << (m.multiple ? "true" : "false");
    os << ", requeue=";
    os << (m.requeue ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer&, const tx_select&)
{
}

bool decode_arguments(reader&, tx_select&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_select&)
{
    return os << "tx.select";
}

void encode_arguments(writer&, const tx_select_ok&)
{
}

bool decode_arguments(reader&, tx_select_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_select_ok&)
{
    return os << "tx.select-ok";
}

void encode_arguments(writer&, const tx_commit&)
{
}

bool decode_arguments(reader&, tx_commit&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_commit&)
{
    return os << "tx.commit";
}

void encode_arguments(writer&, const tx_commit_ok&)
{
}

bool decode_arguments(reader&, tx_commit_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_commit_ok&)
{
    return os << "tx.commit-ok";
}

void encode_arguments(writer&, const tx_rollback&)
{
}

bool decode_arguments(reader&, tx_rollback&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_rollback&)
{
    return os << "tx.rollback";
}

void encode_arguments(writer&, const tx_rollback_ok&)
{
}

bool decode_arguments(reader&, tx_rollback_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const tx_rollback_ok&)
{
    return os << "tx.rollback-ok";
}

void encode_arguments(writer& w, const confirm_select& m)
{
    w.octet(pack_bits(m.nowait));
}

bool decode_arguments(reader& r, confirm_select& m)
{
    std::uint8_t bits0;
    if (!r.octet(bits0)) return false;
    m.nowait = (bits0 & 1u) != 0;
    return true;
}

std::ostream& operator<<(std::ostream& os, const confirm_select& m)
{
    os << "confirm.select(";
    os << "nowait=";
    os << (m.nowait ? "true" : "false");
    return os << ')';
}

void encode_arguments(writer&, const confirm_select_ok&)
{
}

bool decode_arguments(reader&, confirm_select_ok&)
{
    return true;
}

std::ostream& operator<<(std::ostream& os, const confirm_select_ok&)
{
    return os << "confirm.select-ok";
}

namespace {

constexpr method_info method_table[] = {
    {connection_start::key, connection_start::name, connection_start::synchronous, connection_start::has_content},
    {connection_start_ok::key, connection_start_ok::name, connection_start_ok::synchronous, connection_start_ok::has_content},
    {connection_secure::key, connection_secure::name, connection_secure::synchronous, connection_secure::has_content},
    {connection_secure_ok::key, connection_secure_ok::name, connection_secure_ok::synchronous, connection_secure_ok::has_content},
    {connection_tune::key, connection_tune::name, connection_tune::synchronous, connection_tune::has_content},
    {connection_tune_ok::key, connection_tune_ok::name, connection_tune_ok::synchronous, connection_tune_ok::has_content},
    {connection_open::key, connection_open::name, connection_open::synchronous, connection_open::has_content},
    {connection_open_ok::key, connection_open_ok::name, connection_open_ok::synchronous, connection_open_ok::has_content},
    {connection_close::key, connection_close::name, connection_close::synchronous, connection_close::has_content},
    {connection_close_ok::key, connection_close_ok::name, connection_close_ok::synchronous, connection_close_ok::has_content},
    {connection_blocked::key, connection_blocked::name, connection_blocked::synchronous, connection_blocked::has_content},
    {connection_unblocked::key, connection_unblocked::name, connection_unblocked::synchronous, connection_unblocked::has_content},
    {connection_update_secret::key, connection_update_secret::name, connection_update_secret::synchronous, connection_update_secret::has_content},
    {connection_update_secret_ok::key, connection_update_secret_ok::name, connection_update_secret_ok::synchronous, connection_update_secret_ok::has_content},
    {channel_open::key, channel_open::name, channel_open::synchronous, channel_open::has_content},
    {channel_open_ok::key, channel_open_ok::name, channel_open_ok::synchronous, channel_open_ok::has_content},
    {channel_flow::key, channel_flow::name, channel_flow::synchronous, channel_flow::has_content},
    {channel_flow_ok::key, channel_flow_ok::name, channel_flow_ok::synchronous, channel_flow_ok::has_content},
    {channel_close::key, channel_close::name, channel_close::synchronous, channel_close::has_content},
    {channel_close_ok::key, channel_close_ok::name, channel_close_ok::synchronous, channel_close_ok::has_content},
    {access_request::key, access_request::name, access_request::synchronous, access_request::has_content},
    {access_request_ok::key, access_request_ok::name, access_request_ok::synchronous, access_request_ok::has_content},
    {exchange_declare::key, exchange_declare::name, exchange_declare::synchronous, exchange_declare::has_content},
    {exchange_declare_ok::key, exchange_declare_ok::name, exchange_declare_ok::synchronous, exchange_declare_ok::has_content},
    {exchange_delete::key, exchange_delete::name, exchange_delete::synchronous, exchange_delete::has_content},
    {exchange_delete_ok::key, exchange_delete_ok::name, exchange_delete_ok::synchronous, exchange_delete_ok::has_content},
    {exchange_bind::key, exchange_bind::name, exchange_bind::synchronous, exchange_bind::has_content},
    {exchange_bind_ok::key, exchange_bind_ok::name, exchange_bind_ok::synchronous, exchange_bind_ok::has_content},
    {exchange_unbind::key, exchange_unbind::name, exchange_unbind::synchronous, exchange_unbind::has_content},
    {exchange_unbind_ok::key, exchange_unbind_ok::name, exchange_unbind_ok::synchronous, exchange_unbind_ok::has_content},
    {queue_declare::key, queue_declare::name, queue_declare::synchronous, queue_declare::has_content},
    {queue_declare_ok::key, queue_declare_ok::name, queue_declare_ok::synchronous, queue_declare_ok::has_content},
    {queue_bind::key, queue_bind::name, queue_bind::synchronous, queue_bind::has_content},
    {queue_bind_ok::key, queue_bind_ok::name, queue_bind_ok::synchronous, queue_bind_ok::has_content},
    {queue_purge::key, queue_purge::name, queue_purge::synchronous, queue_purge::has_content},
    {queue_purge_ok::key, queue_purge_ok::name, queue_purge_ok::synchronous, queue_purge_ok::has_content},
    {queue_delete::key, queue_delete::name, queue_delete::synchronous, queue_delete::has_content},
    {queue_delete_ok::key, queue_delete_ok::name, queue_delete_ok::synchronous, queue_delete_ok::has_content},
    {queue_unbind::key, queue_unbind::name, queue_unbind::synchronous, queue_unbind::has_content},
    {queue_unbind_ok::key, queue_unbind_ok::name, queue_unbind_ok::synchronous, queue_unbind_ok::has_content},
    {basic_qos::key, basic_qos::name, basic_qos::synchronous, basic_qos::has_content},
    {basic_qos_ok::key, basic_qos_ok::name, basic_qos_ok::synchronous, basic_qos_ok::has_content},
    {basic_consume::key, basic_consume::name, basic_consume::synchronous, basic_consume::has_content},
    {basic_consume_ok::key, basic_consume_ok::name, basic_consume_ok::synchronous, basic_consume_ok::has_content},
    {basic_cancel::key, basic_cancel::name, basic_cancel::synchronous, basic_cancel::has_content},
    {basic_cancel_ok::key, basic_cancel_ok::name, basic_cancel_ok::synchronous, basic_cancel_ok::has_content},
    {basic_publish::key, basic_publish::name, basic_publish::synchronous, basic_publish::has_content},
    {basic_return::key, basic_return::name, basic_return::synchronous, basic_return::has_content},
    {basic_deliver::key, basic_deliver::name, basic_deliver::synchronous, basic_deliver::has_content},
    {basic_get::key, basic_get::name, basic_get::synchronous, basic_get::has_content},
    {basic_get_ok::key, basic_get_ok::name, basic_get_ok::synchronous, basic_get_ok::has_content},
    {basic_get_empty::key, basic_get_empty::name, basic_get_empty::synchronous, basic_get_empty::has_content},
    {basic_ack::key, basic_ack::name, basic_ack::synchronous, basic_ack::has_content},
    {basic_reject::key, basic_reject::name, basic_reject::synchronous, basic_reject::has_content},
    {basic_recover_async::key, basic_recover_async::name, basic_recover_async::synchronous, basic_recover_async::has_content},
    {basic_recover::key, basic_recover::name, basic_recover::synchronous, basic_recover::has_content},
    {basic_recover_ok::key, basic_recover_ok::name, basic_recover_ok::synchronous, basic_recover_ok::has_content},
    {basic_nack::key, basic_nack::name, basic_nack::synchronous, basic_nack::has_content},
    {tx_select::key, tx_select::name, tx_select::synchronous, tx_select::has_content},
    {tx_select_ok::key, tx_select_ok::name, tx_select_ok::synchronous, tx_select_ok::has_content},
    {tx_commit::key, tx_commit::name, tx_commit::synchronous, tx_commit::has_content},
    {tx_commit_ok::key, tx_commit_ok::name, tx_commit_ok::synchronous, tx_commit_ok::has_content},
    {tx_rollback::key, tx_rollback::name, tx_rollback::synchronous, tx_rollback::has_content},
    {tx_rollback_ok::key, tx_rollback_ok::name, tx_rollback_ok::synchronous, tx_rollback_ok::has_content},
    {confirm_select::key, confirm_select::name, confirm_select::synchronous, confirm_select::has_content},
    {confirm_select_ok::key, confirm_select_ok::name, confirm_select_ok::synchronous, confirm_select_ok::has_content},
};

template <class M>
result<method> decode_as(reader& r)
{
    M m;
    if (!decode_arguments(r, m)) {
        return protocol_error{reply_code::syntax_error,
                              std::string(M::name) + " arguments: " + r.failure(),
                              M::key.class_id, M::key.method_id};
    }
    if (!r.at_end()) {
        return protocol_error{reply_code::syntax_error,
                              std::string(M::name) + " arguments: " +
                                  std::to_string(r.remaining()) + " stray bytes after the last argument",
                              M::key.class_id, M::key.method_id};
    }
    return method{std::move(m)};
}

}  // namespace

const method_info* find_method_info(method_key key) noexcept
{
    switch (key.packed()) {
    case connection_start::key.packed():
        return &method_table[0];
    case connection_start_ok::key.packed():
        return &method_table[1];
    case connection_secure::key.packed():
        return &method_table[2];
    case connection_secure_ok::key.packed():
        return &method_table[3];
    case connection_tune::key.packed():
        return &method_table[4];
    case connection_tune_ok::key.packed():
        return &method_table[5];
    case connection_open::key.packed():
        return &method_table[6];
    case connection_open_ok::key.packed():
        return &method_table[7];
    case connection_close::key.packed():
        return &method_table[8];
    case connection_close_ok::key.packed():
        return &method_table[9];
    case connection_blocked::key.packed():
        return &method_table[10];
    case connection_unblocked::key.packed():
        return &method_table[11];
    case connection_update_secret::key.packed():
        return &method_table[12];
    case connection_update_secret_ok::key.packed():
        return &method_table[13];
    case channel_open::key.packed():
        return &method_table[14];
    case channel_open_ok::key.packed():
        return &method_table[15];
    case channel_flow::key.packed():
        return &method_table[16];
    case channel_flow_ok::key.packed():
        return &method_table[17];
    case channel_close::key.packed():
        return &method_table[18];
    case channel_close_ok::key.packed():
        return &method_table[19];
    case access_request::key.packed():
        return &method_table[20];
    case access_request_ok::key.packed():
        return &method_table[21];
    case exchange_declare::key.packed():
        return &method_table[22];
    case exchange_declare_ok::key.packed():
        return &method_table[23];
    case exchange_delete::key.packed():
        return &method_table[24];
    case exchange_delete_ok::key.packed():
        return &method_table[25];
    case exchange_bind::key.packed():
        return &method_table[26];
    case exchange_bind_ok::key.packed():
        return &method_table[27];
    case exchange_unbind::key.packed():
        return &method_table[28];
    case exchange_unbind_ok::key.packed():
        return &method_table[29];
    case queue_declare::key.packed():
        return &method_table[30];
    case queue_declare_ok::key.packed():
        return &method_table[31];
    case queue_bind::key.packed():
        return &method_table[32];
    case queue_bind_ok::key.packed():
        return &method_table[33];
    case queue_purge::key.packed():
        return &method_table[34];
    case queue_purge_ok::key.packed():
        return &method_table[35];
    case queue_delete::key.packed():
        return &method_table[36];
    case queue_delete_ok::key.packed():
        return &method_table[37];
    case queue_unbind::key.packed():
        return &method_table[38];
    case queue_unbind_ok::key.packed():
        return &method_table[39];
    case basic_qos::key.packed():
        return &method_table[40];
    case basic_qos_ok::key.packed():
        return &method_table[41];
    case basic_consume::key.packed():
        return &method_table[42];
    case basic_consume_ok::key.packed():
        return &method_table[43];
    case basic_cancel::key.packed():
        return &method_table[44];
    case basic_cancel_ok::key.packed():
        return &method_table[45];
    case basic_publish::key.packed():
        return &method_table[46];
    case basic_return::key.packed():
        return &method_table[47];
    case basic_deliver::key.packed():
        return &method_table[48];
    case basic_get::key.packed():
        return &method_table[49];
    case basic_get_ok::key.packed():
        return &method_table[50];
    case basic_get_empty::key.packed():
        return &method_table[51];
    case basic_ack::key.packed():
        return &method_table[52];
    case basic_reject::key.packed():
        return &method_table[53];
    case basic_recover_async::key.packed():
        return &method_table[54];
    case basic_recover::key.packed():
        return &method_table[55];
    case basic_recover_ok::key.packed():
        return &method_table[56];
    case basic_nack::key.packed():
        return &method_table[57];
    case tx_select::key.packed():
        return &method_table[58];
    case tx_select_ok::key.packed():
        return &method_table[59];
    case tx_commit::key.packed():
        return &method_table[60];
    case tx_commit_ok::key.packed():
        return &method_table[61];
    case tx_rollback::key.packed():
        return &method_table[62];
    case tx_rollback_ok::key.packed():
        return &method_table[63];
    case confirm_select::key.packed():
        return &method_table[64];
    case confirm_select_ok::key.packed():
        return &method_table[65];
    default:
        return nullptr;
    }
}

method_key key_of(const method& m) noexcept
{
    return std::visit([](const auto& alternative) { return alternative.key; }, m);
}

result<method> decode_method(std::span<const std::byte> payload)
{
    reader r(payload);
    method_key key;
    if (!r.short_uint(key.class_id) || !r.short_uint(key.method_id)) {
        return protocol_error{reply_code::syntax_error,
                              "method frame of " + std::to_string(payload.size()) +
                                  " bytes is too short for a class id and method id"};
    }
    switch (key.packed()) {
    case connection_start::key.packed():
        return decode_as<connection_start>(r);
    case connection_start_ok::key.packed():
        return decode_as<connection_start_ok>(r);
    case connection_secure::key.packed():
        return decode_as<connection_secure>(r);
    case connection_secure_ok::key.packed():
        return decode_as<connection_secure_ok>(r);
    case connection_tune::key.packed():
        return decode_as<connection_tune>(r);
    case connection_tune_ok::key.packed():
        return decode_as<connection_tune_ok>(r);
    case connection_open::key.packed():
        return decode_as<connection_open>(r);
    case connection_open_ok::key.packed():
        return decode_as<connection_open_ok>(r);
    case connection_close::key.packed():
        return decode_as<connection_close>(r);
    case connection_close_ok::key.packed():
        return decode_as<connection_close_ok>(r);
    case connection_blocked::key.packed():
        return decode_as<connection_blocked>(r);
    case connection_unblocked::key.packed():
        return decode_as<connection_unblocked>(r);
    case connection_update_secret::key.packed():
        return decode_as<connection_update_secret>(r);
    case connection_update_secret_ok::key.packed():
        return decode_as<connection_update_secret_ok>(r);
    case channel_open::key.packed():
        return decode_as<channel_open>(r);
    case channel_open_ok::key.packed():
        return decode_as<channel_open_ok>(r);
    case channel_flow::key.packed():
        return decode_as<channel_flow>(r);
    case channel_flow_ok::key.packed():
        return decode_as<channel_flow_ok>(r);
    case channel_close::key.packed():
        return decode_as<channel_close>(r);
    case channel_close_ok::key.packed():
        return decode_as<channel_close_ok>(r);
    case access_request::key.packed():
        return decode_as<access_request>(r);
    case access_request_ok::key.packed():
        return decode_as<access_request_ok>(r);
    case exchange_declare::key.packed():
        return decode_as<exchange_declare>(r);
    case exchange_declare_ok::key.packed():
        return decode_as<exchange_declare_ok>(r);
    case exchange_delete::key.packed():
        return decode_as<exchange_delete>(r);
    case exchange_delete_ok::key.packed():
        return decode_as<exchange_delete_ok>(r);
    case exchange_bind::key.packed():
        return decode_as<exchange_bind>(r);
    case exchange_bind_ok::key.packed():
        return decode_as<exchange_bind_ok>(r);
    case exchange_unbind::key.packed():
        return decode_as<exchange_unbind>(r);
    case exchange_unbind_ok::key.packed():
        return decode_as<exchange_unbind_ok>(r);
    case queue_declare::key.packed():
        return decode_as<queue_declare>(r);
    case queue_declare_ok::key.packed():
        return decode_as<queue_declare_ok>(r);
    case queue_bind::key.packed():
        return decode_as<queue_bind>(r);
    case queue_bind_ok::key.packed():
        return decode_as<queue_bind_ok>(r);
    case queue_purge::key.packed():
        return decode_as<queue_purge>(r);
    case queue_purge_ok::key.packed():
        return decode_as<queue_purge_ok>(r);
    case queue_delete::key.packed():
        return decode_as<queue_delete>(r);
    case queue_delete_ok::key.packed():
        return decode_as<queue_delete_ok>(r);
    case queue_unbind::key.packed():
        return decode_as<queue_unbind>(r);
    case queue_unbind_ok::key.packed():
        return decode_as<queue_unbind_ok>(r);
    case basic_qos::key.packed():
        return decode_as<basic_qos>(r);
    case basic_qos_ok::key.packed():
        return decode_as<basic_qos_ok>(r);
    case basic_consume::key.packed():
        return decode_as<basic_consume>(r);
    case basic_consume_ok::key.packed():
        return decode_as<basic_consume_ok>(r);
    case basic_cancel::key.packed():
        return decode_as<basic_cancel>(r);
    case basic_cancel_ok::key.packed():
        return decode_as<basic_cancel_ok>(r);
    case basic_publish::key.packed():
        return decode_as<basic_publish>(r);
    case basic_return::key.packed():
        return decode_as<basic_return>(r);
    case basic_deliver::key.packed():
        return decode_as<basic_deliver>(r);
    case basic_get::key.packed():
        return decode_as<basic_get>(r);
    case basic_get_ok::key.packed():
        return decode_as<basic_get_ok>(r);
    case basic_get_empty::key.packed():
        return decode_as<basic_get_empty>(r);
    case basic_ack::key.packed():
        return decode_as<basic_ack>(r);
    case basic_reject::key.packed():
        return decode_as<basic_reject>(r);
    case basic_recover_async::key.packed():
        return decode_as<basic_recover_async>(r);
    case basic_recover::key.packed():
        return decode_as<basic_recover>(r);
    case basic_recover_ok::key.packed():
        return decode_as<basic_recover_ok>(r);
    case basic_nack::key.packed():
        return decode_as<basic_nack>(r);
    case tx_select::key.packed():
        return decode_as<tx_select>(r);
    case tx_select_ok::key.packed():
        return decode_as<tx_select_ok>(r);
    case tx_commit::key.packed():
        return decode_as<tx_commit>(r);
    case tx_commit_ok::key.packed():
        return decode_as<tx_commit_ok>(r);
    case tx_rollback::key.packed():
        return decode_as<tx_rollback>(r);
    case tx_rollback_ok::key.packed():
        return decode_as<tx_rollback_ok>(r);
    case confirm_select::key.packed():
        return decode_as<confirm_select>(r);
    case confirm_select_ok::key.packed():
        return decode_as<confirm_select_ok>(r);
    default:
        return protocol_error{reply_code::not_implemented,
                              "unknown method " + std::to_string(key.class_id) + "." +
                                  std::to_string(key.method_id),
                              key.class_id, key.method_id};
    }
}

void encode_method(writer& w, const method& m)
{
    std::visit(
        [&w](const auto& alternative) {
            w.short_uint(alternative.key.class_id);
            w.short_uint(alternative.key.method_id);
            encode_arguments(w, alternative);
        },
        m);
}

std::ostream& operator<<(std::ostream& os, const method& m)
{
    std::visit([&os](const auto& alternative) { os << alternative; }, m);
    return os;
}

}  // namespace amqp::protocol
