// generated from the AMQP spec by protocol/codegen; do not edit
#pragma once

#include <amqp/protocol/constants.hpp>
#include <amqp/protocol/field_table.hpp>
#include <amqp/protocol/protocol_error.hpp>
#include <amqp/protocol/wire.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace amqp::protocol {

// A method's identity on the wire: its class id and method id.
struct method_key {
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;

    constexpr std::uint32_t packed() const noexcept
    {
        return (std::uint32_t(class_id) << 16) | method_id;
    }
    constexpr bool operator==(const method_key&) const = default;
};

struct connection_start {
    static constexpr method_key key{10, 10};
    static constexpr std::string_view name = "connection.start";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint8_t version_major = 0;
    std::uint8_t version_minor = 9;
    field_table server_properties;
    std::string mechanisms = "PLAIN";
    std::string locales = "en_US";

    bool operator==(const connection_start&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("version_major", self.version_major);
        f("version_minor", self.version_minor);
        f("server_properties", self.server_properties);
        f("mechanisms", self.mechanisms);
        f("locales", self.locales);
    }
};
void encode_arguments(writer& w, const connection_start& m);
bool decode_arguments(reader& r, connection_start& m);
std::ostream& operator<<(std::ostream& os, const connection_start& m);

struct connection_start_ok {
    static constexpr method_key key{10, 11};
    static constexpr std::string_view name = "connection.start-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    field_table client_properties;
    std::string mechanism = "PLAIN";
    std::string response;
    std::string locale = "en_US";

    bool operator==(const connection_start_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("client_properties", self.client_properties);
        f("mechanism", self.mechanism);
        f("response", self.response);
        f("locale", self.locale);
    }
};
void encode_arguments(writer& w, const connection_start_ok& m);
bool decode_arguments(reader& r, connection_start_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_start_ok& m);

struct connection_secure {
    static constexpr method_key key{10, 20};
    static constexpr std::string_view name = "connection.secure";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string challenge;

    bool operator==(const connection_secure&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("challenge", self.challenge);
    }
};
void encode_arguments(writer& w, const connection_secure& m);
bool decode_arguments(reader& r, connection_secure& m);
std::ostream& operator<<(std::ostream& os, const connection_secure& m);

struct connection_secure_ok {
    static constexpr method_key key{10, 21};
    static constexpr std::string_view name = "connection.secure-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string response;

    bool operator==(const connection_secure_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("response", self.response);
    }
};
void encode_arguments(writer& w, const connection_secure_ok& m);
bool decode_arguments(reader& r, connection_secure_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_secure_ok& m);

struct connection_tune {
    static constexpr method_key key{10, 30};
    static constexpr std::string_view name = "connection.tune";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;

    bool operator==(const connection_tune&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("channel_max", self.channel_max);
        f("frame_max", self.frame_max);
        f("heartbeat", self.heartbeat);
    }
};
void encode_arguments(writer& w, const connection_tune& m);
bool decode_arguments(reader& r, connection_tune& m);
std::ostream& operator<<(std::ostream& os, const connection_tune& m);

struct connection_tune_ok {
    static constexpr method_key key{10, 31};
    static constexpr std::string_view name = "connection.tune-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint16_t channel_max = 0;
    std::uint32_t frame_max = 0;
    std::uint16_t heartbeat = 0;

    bool operator==(const connection_tune_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("channel_max", self.channel_max);
        f("frame_max", self.frame_max);
        f("heartbeat", self.heartbeat);
    }
};
void encode_arguments(writer& w, const connection_tune_ok& m);
bool decode_arguments(reader& r, connection_tune_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_tune_ok& m);

struct connection_open {
    static constexpr method_key key{10, 40};
    static constexpr std::string_view name = "connection.open";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string virtual_host = "/";
    std::string capabilities;
    bool insist = false;

    bool operator==(const connection_open&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("virtual_host", self.virtual_host);
        f("capabilities", self.capabilities);
        f("insist", self.insist);
    }
};
void encode_arguments(writer& w, const connection_open& m);
bool decode_arguments(reader& r, connection_open& m);
std::ostream& operator<<(std::ostream& os, const connection_open& m);

struct connection_open_ok {
    static constexpr method_key key{10, 41};
    static constexpr std::string_view name = "connection.open-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string known_hosts;

    bool operator==(const connection_open_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("known_hosts", self.known_hosts);
    }
};
void encode_arguments(writer& w, const connection_open_ok& m);
bool decode_arguments(reader& r, connection_open_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_open_ok& m);

struct connection_close {
    static constexpr method_key key{10, 50};
    static constexpr std::string_view name = "connection.close";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;

    bool operator==(const connection_close&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("reply_code", self.reply_code);
        f("reply_text", self.reply_text);
        f("class_id", self.class_id);
        f("method_id", self.method_id);
    }
};
void encode_arguments(writer& w, const connection_close& m);
bool decode_arguments(reader& r, connection_close& m);
std::ostream& operator<<(std::ostream& os, const connection_close& m);

struct connection_close_ok {
    static constexpr method_key key{10, 51};
    static constexpr std::string_view name = "connection.close-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const connection_close_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const connection_close_ok& m);
bool decode_arguments(reader& r, connection_close_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_close_ok& m);

struct connection_blocked {
    static constexpr method_key key{10, 60};
    static constexpr std::string_view name = "connection.blocked";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string reason;

    bool operator==(const connection_blocked&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("reason", self.reason);
    }
};
void encode_arguments(writer& w, const connection_blocked& m);
bool decode_arguments(reader& r, connection_blocked& m);
std::ostream& operator<<(std::ostream& os, const connection_blocked& m);

struct connection_unblocked {
    static constexpr method_key key{10, 61};
    static constexpr std::string_view name = "connection.unblocked";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const connection_unblocked&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const connection_unblocked& m);
bool decode_arguments(reader& r, connection_unblocked& m);
std::ostream& operator<<(std::ostream& os, const connection_unblocked& m);

struct connection_update_secret {
    static constexpr method_key key{10, 70};
    static constexpr std::string_view name = "connection.update-secret";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string new_secret;
    std::string reason;

    bool operator==(const connection_update_secret&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("new_secret", self.new_secret);
        f("reason", self.reason);
    }
};
void encode_arguments(writer& w, const connection_update_secret& m);
bool decode_arguments(reader& r, connection_update_secret& m);
std::ostream& operator<<(std::ostream& os, const connection_update_secret& m);

struct connection_update_secret_ok {
    static constexpr method_key key{10, 71};
    static constexpr std::string_view name = "connection.update-secret-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const connection_update_secret_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const connection_update_secret_ok& m);
bool decode_arguments(reader& r, connection_update_secret_ok& m);
std::ostream& operator<<(std::ostream& os, const connection_update_secret_ok& m);

struct channel_open {
    static constexpr method_key key{20, 10};
    static constexpr std::string_view name = "channel.open";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string out_of_band;

    bool operator==(const channel_open&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("out_of_band", self.out_of_band);
    }
};
void encode_arguments(writer& w, const channel_open& m);
bool decode_arguments(reader& r, channel_open& m);
std::ostream& operator<<(std::ostream& os, const channel_open& m);

struct channel_open_ok {
    static constexpr method_key key{20, 11};
    static constexpr std::string_view name = "channel.open-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string channel_id;

    bool operator==(const channel_open_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("channel_id", self.channel_id);
    }
};
void encode_arguments(writer& w, const channel_open_ok& m);
bool decode_arguments(reader& r, channel_open_ok& m);
std::ostream& operator<<(std::ostream& os, const channel_open_ok& m);

struct channel_flow {
    static constexpr method_key key{20, 20};
    static constexpr std::string_view name = "channel.flow";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool active = false;

    bool operator==(const channel_flow&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("active", self.active);
    }
};
void encode_arguments(writer& w, const channel_flow& m);
bool decode_arguments(reader& r, channel_flow& m);
std::ostream& operator<<(std::ostream& os, const channel_flow& m);

struct channel_flow_ok {
    static constexpr method_key key{20, 21};
    static constexpr std::string_view name = "channel.flow-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool active = false;

    bool operator==(const channel_flow_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("active", self.active);
    }
};
void encode_arguments(writer& w, const channel_flow_ok& m);
bool decode_arguments(reader& r, channel_flow_ok& m);
std::ostream& operator<<(std::ostream& os, const channel_flow_ok& m);

struct channel_close {
    static constexpr method_key key{20, 40};
    static constexpr std::string_view name = "channel.close";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;

    bool operator==(const channel_close&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("reply_code", self.reply_code);
        f("reply_text", self.reply_text);
        f("class_id", self.class_id);
        f("method_id", self.method_id);
    }
};
void encode_arguments(writer& w, const channel_close& m);
bool decode_arguments(reader& r, channel_close& m);
std::ostream& operator<<(std::ostream& os, const channel_close& m);

struct channel_close_ok {
    static constexpr method_key key{20, 41};
    static constexpr std::string_view name = "channel.close-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const channel_close_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const channel_close_ok& m);
bool decode_arguments(reader& r, channel_close_ok& m);
std::ostream& operator<<(std::ostream& os, const channel_close_ok& m);

struct access_request {
    static constexpr method_key key{30, 10};
    static constexpr std::string_view name = "access.request";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string realm = "/data";
    bool exclusive = false;
    bool passive = true;
    bool active = true;
    bool write = true;
    bool read = true;

    bool operator==(const access_request&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("realm", self.realm);
        f("exclusive", self.exclusive);
        f("passive", self.passive);
        f("active", self.active);
        f("write", self.write);
        f("read", self.read);
    }
};
void encode_arguments(writer& w, const access_request& m);
bool decode_arguments(reader& r, access_request& m);
std::ostream& operator<<(std::ostream& os, const access_request& m);

struct access_request_ok {
    static constexpr method_key key{30, 11};
    static constexpr std::string_view name = "access.request-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 1;

    bool operator==(const access_request_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
    }
};
void encode_arguments(writer& w, const access_request_ok& m);
bool decode_arguments(reader& r, access_request_ok& m);
std::ostream& operator<<(std::ostream& os, const access_request_ok& m);

struct exchange_declare {
    static constexpr method_key key{40, 10};
    static constexpr std::string_view name = "exchange.declare";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string exchange;
    std::string type = "direct";
    bool passive = false;
    bool durable = false;
    bool auto_delete = false;
    bool internal = false;
    bool nowait = false;
    field_table arguments;

    bool operator==(const exchange_declare&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("exchange", self.exchange);
        f("type", self.type);
        f("passive", self.passive);
        f("durable", self.durable);
        f("auto_delete", self.auto_delete);
        f("internal", self.internal);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const exchange_declare& m);
bool decode_arguments(reader& r, exchange_declare& m);
std::ostream& operator<<(std::ostream& os, const exchange_declare& m);

struct exchange_declare_ok {
    static constexpr method_key key{40, 11};
    static constexpr std::string_view name = "exchange.declare-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const exchange_declare_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const exchange_declare_ok& m);
bool decode_arguments(reader& r, exchange_declare_ok& m);
std::ostream& operator<<(std::ostream& os, const exchange_declare_ok& m);

struct exchange_delete {
    static constexpr method_key key{40, 20};
    static constexpr std::string_view name = "exchange.delete";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string exchange;
    bool if_unused = false;
    bool nowait = false;

    bool operator==(const exchange_delete&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("exchange", self.exchange);
        f("if_unused", self.if_unused);
        f("nowait", self.nowait);
    }
};
void encode_arguments(writer& w, const exchange_delete& m);
bool decode_arguments(reader& r, exchange_delete& m);
std::ostream& operator<<(std::ostream& os, const exchange_delete& m);

struct exchange_delete_ok {
    static constexpr method_key key{40, 21};
    static constexpr std::string_view name = "exchange.delete-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const exchange_delete_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const exchange_delete_ok& m);
bool decode_arguments(reader& r, exchange_delete_ok& m);
std::ostream& operator<<(std::ostream& os, const exchange_delete_ok& m);

struct exchange_bind {
    static constexpr method_key key{40, 30};
    static constexpr std::string_view name = "exchange.bind";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string destination;
    std::string source;
    std::string routing_key;
    bool nowait = false;
    field_table arguments;

    bool operator==(const exchange_bind&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("destination", self.destination);
        f("source", self.source);
        f("routing_key", self.routing_key);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const exchange_bind& m);
bool decode_arguments(reader& r, exchange_bind& m);
std::ostream& operator<<(std::ostream& os, const exchange_bind& m);

struct exchange_bind_ok {
    static constexpr method_key key{40, 31};
    static constexpr std::string_view name = "exchange.bind-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const exchange_bind_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const exchange_bind_ok& m);
bool decode_arguments(reader& r, exchange_bind_ok& m);
std::ostream& operator<<(std::ostream& os, const exchange_bind_ok& m);

struct exchange_unbind {
    static constexpr method_key key{40, 40};
    static constexpr std::string_view name = "exchange.unbind";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string destination;
    std::string source;
    std::string routing_key;
    bool nowait = false;
    field_table arguments;

    bool operator==(const exchange_unbind&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("destination", self.destination);
        f("source", self.source);
        f("routing_key", self.routing_key);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const exchange_unbind& m);
bool decode_arguments(reader& r, exchange_unbind& m);
std::ostream& operator<<(std::ostream& os, const exchange_unbind& m);

struct exchange_unbind_ok {
    static constexpr method_key key{40, 51};
    static constexpr std::string_view name = "exchange.unbind-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const exchange_unbind_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const exchange_unbind_ok& m);
bool decode_arguments(reader& r, exchange_unbind_ok& m);
std::ostream& operator<<(std::ostream& os, const exchange_unbind_ok& m);

struct queue_declare {
    static constexpr method_key key{50, 10};
    static constexpr std::string_view name = "queue.declare";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    bool passive = false;
    bool durable = false;
    bool exclusive = false;
    bool auto_delete = false;
    bool nowait = false;
    field_table arguments;

    bool operator==(const queue_declare&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("passive", self.passive);
        f("durable", self.durable);
        f("exclusive", self.exclusive);
        f("auto_delete", self.auto_delete);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const queue_declare& m);
bool decode_arguments(reader& r, queue_declare& m);
std::ostream& operator<<(std::ostream& os, const queue_declare& m);

struct queue_declare_ok {
    static constexpr method_key key{50, 11};
    static constexpr std::string_view name = "queue.declare-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string queue;
    std::uint32_t message_count = 0;
    std::uint32_t consumer_count = 0;

    bool operator==(const queue_declare_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("queue", self.queue);
        f("message_count", self.message_count);
        f("consumer_count", self.consumer_count);
    }
};
void encode_arguments(writer& w, const queue_declare_ok& m);
bool decode_arguments(reader& r, queue_declare_ok& m);
std::ostream& operator<<(std::ostream& os, const queue_declare_ok& m);

struct queue_bind {
    static constexpr method_key key{50, 20};
    static constexpr std::string_view name = "queue.bind";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    std::string exchange;
    std::string routing_key;
    bool nowait = false;
    field_table arguments;

    bool operator==(const queue_bind&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const queue_bind& m);
bool decode_arguments(reader& r, queue_bind& m);
std::ostream& operator<<(std::ostream& os, const queue_bind& m);

struct queue_bind_ok {
    static constexpr method_key key{50, 21};
    static constexpr std::string_view name = "queue.bind-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const queue_bind_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const queue_bind_ok& m);
bool decode_arguments(reader& r, queue_bind_ok& m);
std::ostream& operator<<(std::ostream& os, const queue_bind_ok& m);

struct queue_purge {
    static constexpr method_key key{50, 30};
    static constexpr std::string_view name = "queue.purge";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    bool nowait = false;

    bool operator==(const queue_purge&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("nowait", self.nowait);
    }
};
void encode_arguments(writer& w, const queue_purge& m);
bool decode_arguments(reader& r, queue_purge& m);
std::ostream& operator<<(std::ostream& os, const queue_purge& m);

struct queue_purge_ok {
    static constexpr method_key key{50, 31};
    static constexpr std::string_view name = "queue.purge-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint32_t message_count = 0;

    bool operator==(const queue_purge_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("message_count", self.message_count);
    }
};
void encode_arguments(writer& w, const queue_purge_ok& m);
bool decode_arguments(reader& r, queue_purge_ok& m);
std::ostream& operator<<(std::ostream& os, const queue_purge_ok& m);

struct queue_delete {
    static constexpr method_key key{50, 40};
    static constexpr std::string_view name = "queue.delete";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    bool if_unused = false;
    bool if_empty = false;
    bool nowait = false;

    bool operator==(const queue_delete&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("if_unused", self.if_unused);
        f("if_empty", self.if_empty);
        f("nowait", self.nowait);
    }
};
void encode_arguments(writer& w, const queue_delete& m);
bool decode_arguments(reader& r, queue_delete& m);
std::ostream& operator<<(std::ostream& os, const queue_delete& m);

struct queue_delete_ok {
    static constexpr method_key key{50, 41};
    static constexpr std::string_view name = "queue.delete-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint32_t message_count = 0;

    bool operator==(const queue_delete_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("message_count", self.message_count);
    }
};
void encode_arguments(writer& w, const queue_delete_ok& m);
bool decode_arguments(reader& r, queue_delete_ok& m);
std::ostream& operator<<(std::ostream& os, const queue_delete_ok& m);

struct queue_unbind {
    static constexpr method_key key{50, 50};
    static constexpr std::string_view name = "queue.unbind";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    std::string exchange;
    std::string routing_key;
    field_table arguments;

    bool operator==(const queue_unbind&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const queue_unbind& m);
bool decode_arguments(reader& r, queue_unbind& m);
std::ostream& operator<<(std::ostream& os, const queue_unbind& m);

struct queue_unbind_ok {
    static constexpr method_key key{50, 51};
    static constexpr std::string_view name = "queue.unbind-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const queue_unbind_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const queue_unbind_ok& m);
bool decode_arguments(reader& r, queue_unbind_ok& m);
std::ostream& operator<<(std::ostream& os, const queue_unbind_ok& m);

struct basic_qos {
    static constexpr method_key key{60, 10};
    static constexpr std::string_view name = "basic.qos";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint32_t prefetch_size = 0;
    std::uint16_t prefetch_count = 0;
    bool global = false;

    bool operator==(const basic_qos&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("prefetch_size", self.prefetch_size);
        f("prefetch_count", self.prefetch_count);
        f("global", self.global);
    }
};
void encode_arguments(writer& w, const basic_qos& m);
bool decode_arguments(reader& r, basic_qos& m);
std::ostream& operator<<(std::ostream& os, const basic_qos& m);

struct basic_qos_ok {
    static constexpr method_key key{60, 11};
    static constexpr std::string_view name = "basic.qos-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const basic_qos_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const basic_qos_ok& m);
bool decode_arguments(reader& r, basic_qos_ok& m);
std::ostream& operator<<(std::ostream& os, const basic_qos_ok& m);

struct basic_consume {
    static constexpr method_key key{60, 20};
    static constexpr std::string_view name = "basic.consume";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    std::string consumer_tag;
    bool no_local = false;
    bool no_ack = false;
    bool exclusive = false;
    bool nowait = false;
    field_table arguments;

    bool operator==(const basic_consume&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("consumer_tag", self.consumer_tag);
        f("no_local", self.no_local);
        f("no_ack", self.no_ack);
        f("exclusive", self.exclusive);
        f("nowait", self.nowait);
        f("arguments", self.arguments);
    }
};
void encode_arguments(writer& w, const basic_consume& m);
bool decode_arguments(reader& r, basic_consume& m);
std::ostream& operator<<(std::ostream& os, const basic_consume& m);

struct basic_consume_ok {
    static constexpr method_key key{60, 21};
    static constexpr std::string_view name = "basic.consume-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string consumer_tag;

    bool operator==(const basic_consume_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("consumer_tag", self.consumer_tag);
    }
};
void encode_arguments(writer& w, const basic_consume_ok& m);
bool decode_arguments(reader& r, basic_consume_ok& m);
std::ostream& operator<<(std::ostream& os, const basic_consume_ok& m);

struct basic_cancel {
    static constexpr method_key key{60, 30};
    static constexpr std::string_view name = "basic.cancel";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::string consumer_tag;
    bool nowait = false;

    bool operator==(const basic_cancel&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("consumer_tag", self.consumer_tag);
        f("nowait", self.nowait);
    }
};
void encode_arguments(writer& w, const basic_cancel& m);
bool decode_arguments(reader& r, basic_cancel& m);
std::ostream& operator<<(std::ostream& os, const basic_cancel& m);

struct basic_cancel_ok {
    static constexpr method_key key{60, 31};
    static constexpr std::string_view name = "basic.cancel-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string consumer_tag;

    bool operator==(const basic_cancel_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("consumer_tag", self.consumer_tag);
    }
};
void encode_arguments(writer& w, const basic_cancel_ok& m);
bool decode_arguments(reader& r, basic_cancel_ok& m);
std::ostream& operator<<(std::ostream& os, const basic_cancel_ok& m);

struct basic_publish {
    static constexpr method_key key{60, 40};
    static constexpr std::string_view name = "basic.publish";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = true;

    std::uint16_t ticket = 0;
    std::string exchange;
    std::string routing_key;
    bool mandatory = false;
    bool immediate = false;

    bool operator==(const basic_publish&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
        f("mandatory", self.mandatory);
        f("immediate", self.immediate);
    }
};
void encode_arguments(writer& w, const basic_publish& m);
bool decode_arguments(reader& r, basic_publish& m);
std::ostream& operator<<(std::ostream& os, const basic_publish& m);

struct basic_return {
    static constexpr method_key key{60, 50};
    static constexpr std::string_view name = "basic.return";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = true;

    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::string exchange;
    std::string routing_key;

    bool operator==(const basic_return&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("reply_code", self.reply_code);
        f("reply_text", self.reply_text);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
    }
};
void encode_arguments(writer& w, const basic_return& m);
bool decode_arguments(reader& r, basic_return& m);
std::ostream& operator<<(std::ostream& os, const basic_return& m);

// basic_return_view with its strings borrowed: encode_frame writes the same bytes as for the
// owning basic_return, without building strings. The strings must outlive the call.
struct basic_return_view {
    static constexpr method_key key = basic_return::key;
    static constexpr std::string_view name = basic_return::name;
    static constexpr bool synchronous = basic_return::synchronous;
    static constexpr bool has_content = basic_return::has_content;

    std::uint16_t reply_code = 0;
    std::string_view reply_text;
    std::string_view exchange;
    std::string_view routing_key;

    // The owning method, e.g. to print or trace what was sent.
    basic_return owned() const;
};
basic_return_view view_of(const basic_return& m) noexcept;
void encode_arguments(writer& w, const basic_return_view& m);

struct basic_deliver {
    static constexpr method_key key{60, 60};
    static constexpr std::string_view name = "basic.deliver";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = true;

    std::string consumer_tag;
    std::uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string exchange;
    std::string routing_key;

    bool operator==(const basic_deliver&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("consumer_tag", self.consumer_tag);
        f("delivery_tag", self.delivery_tag);
        f("redelivered", self.redelivered);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
    }
};
void encode_arguments(writer& w, const basic_deliver& m);
bool decode_arguments(reader& r, basic_deliver& m);
std::ostream& operator<<(std::ostream& os, const basic_deliver& m);

// basic_deliver_view with its strings borrowed: encode_frame writes the same bytes as for the
// owning basic_deliver, without building strings. The strings must outlive the call.
struct basic_deliver_view {
    static constexpr method_key key = basic_deliver::key;
    static constexpr std::string_view name = basic_deliver::name;
    static constexpr bool synchronous = basic_deliver::synchronous;
    static constexpr bool has_content = basic_deliver::has_content;

    std::string_view consumer_tag;
    std::uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string_view exchange;
    std::string_view routing_key;

    // The owning method, e.g. to print or trace what was sent.
    basic_deliver owned() const;
};
basic_deliver_view view_of(const basic_deliver& m) noexcept;
void encode_arguments(writer& w, const basic_deliver_view& m);

struct basic_get {
    static constexpr method_key key{60, 70};
    static constexpr std::string_view name = "basic.get";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    std::uint16_t ticket = 0;
    std::string queue;
    bool no_ack = false;

    bool operator==(const basic_get&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("ticket", self.ticket);
        f("queue", self.queue);
        f("no_ack", self.no_ack);
    }
};
void encode_arguments(writer& w, const basic_get& m);
bool decode_arguments(reader& r, basic_get& m);
std::ostream& operator<<(std::ostream& os, const basic_get& m);

struct basic_get_ok {
    static constexpr method_key key{60, 71};
    static constexpr std::string_view name = "basic.get-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = true;

    std::uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string exchange;
    std::string routing_key;
    std::uint32_t message_count = 0;

    bool operator==(const basic_get_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("delivery_tag", self.delivery_tag);
        f("redelivered", self.redelivered);
        f("exchange", self.exchange);
        f("routing_key", self.routing_key);
        f("message_count", self.message_count);
    }
};
void encode_arguments(writer& w, const basic_get_ok& m);
bool decode_arguments(reader& r, basic_get_ok& m);
std::ostream& operator<<(std::ostream& os, const basic_get_ok& m);

// basic_get_ok_view with its strings borrowed: encode_frame writes the same bytes as for the
// owning basic_get_ok, without building strings. The strings must outlive the call.
struct basic_get_ok_view {
    static constexpr method_key key = basic_get_ok::key;
    static constexpr std::string_view name = basic_get_ok::name;
    static constexpr bool synchronous = basic_get_ok::synchronous;
    static constexpr bool has_content = basic_get_ok::has_content;

    std::uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string_view exchange;
    std::string_view routing_key;
    std::uint32_t message_count = 0;

    // The owning method, e.g. to print or trace what was sent.
    basic_get_ok owned() const;
};
basic_get_ok_view view_of(const basic_get_ok& m) noexcept;
void encode_arguments(writer& w, const basic_get_ok_view& m);

struct basic_get_empty {
    static constexpr method_key key{60, 72};
    static constexpr std::string_view name = "basic.get-empty";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::string cluster_id;

    bool operator==(const basic_get_empty&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("cluster_id", self.cluster_id);
    }
};
void encode_arguments(writer& w, const basic_get_empty& m);
bool decode_arguments(reader& r, basic_get_empty& m);
std::ostream& operator<<(std::ostream& os, const basic_get_empty& m);

struct basic_ack {
    static constexpr method_key key{60, 80};
    static constexpr std::string_view name = "basic.ack";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint64_t delivery_tag = 0;
    bool multiple = false;

    bool operator==(const basic_ack&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("delivery_tag", self.delivery_tag);
        f("multiple", self.multiple);
    }
};
void encode_arguments(writer& w, const basic_ack& m);
bool decode_arguments(reader& r, basic_ack& m);
std::ostream& operator<<(std::ostream& os, const basic_ack& m);

struct basic_reject {
    static constexpr method_key key{60, 90};
    static constexpr std::string_view name = "basic.reject";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint64_t delivery_tag = 0;
    bool requeue = true;

    bool operator==(const basic_reject&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("delivery_tag", self.delivery_tag);
        f("requeue", self.requeue);
    }
};
void encode_arguments(writer& w, const basic_reject& m);
bool decode_arguments(reader& r, basic_reject& m);
std::ostream& operator<<(std::ostream& os, const basic_reject& m);

struct basic_recover_async {
    static constexpr method_key key{60, 100};
    static constexpr std::string_view name = "basic.recover-async";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool requeue = false;

    bool operator==(const basic_recover_async&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("requeue", self.requeue);
    }
};
void encode_arguments(writer& w, const basic_recover_async& m);
bool decode_arguments(reader& r, basic_recover_async& m);
std::ostream& operator<<(std::ostream& os, const basic_recover_async& m);

struct basic_recover {
    static constexpr method_key key{60, 110};
    static constexpr std::string_view name = "basic.recover";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool requeue = false;

    bool operator==(const basic_recover&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("requeue", self.requeue);
    }
};
void encode_arguments(writer& w, const basic_recover& m);
bool decode_arguments(reader& r, basic_recover& m);
std::ostream& operator<<(std::ostream& os, const basic_recover& m);

struct basic_recover_ok {
    static constexpr method_key key{60, 111};
    static constexpr std::string_view name = "basic.recover-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const basic_recover_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const basic_recover_ok& m);
bool decode_arguments(reader& r, basic_recover_ok& m);
std::ostream& operator<<(std::ostream& os, const basic_recover_ok& m);

struct basic_nack {
    static constexpr method_key key{60, 120};
    static constexpr std::string_view name = "basic.nack";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    std::uint64_t delivery_tag = 0;
    bool multiple = false;
    bool requeue = true;

    bool operator==(const basic_nack&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("delivery_tag", self.delivery_tag);
        f("multiple", self.multiple);
        f("requeue", self.requeue);
    }
};
void encode_arguments(writer& w, const basic_nack& m);
bool decode_arguments(reader& r, basic_nack& m);
std::ostream& operator<<(std::ostream& os, const basic_nack& m);

struct tx_select {
    static constexpr method_key key{90, 10};
    static constexpr std::string_view name = "tx.select";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool operator==(const tx_select&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_select& m);
bool decode_arguments(reader& r, tx_select& m);
std::ostream& operator<<(std::ostream& os, const tx_select& m);

struct tx_select_ok {
    static constexpr method_key key{90, 11};
    static constexpr std::string_view name = "tx.select-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const tx_select_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_select_ok& m);
bool decode_arguments(reader& r, tx_select_ok& m);
std::ostream& operator<<(std::ostream& os, const tx_select_ok& m);

struct tx_commit {
    static constexpr method_key key{90, 20};
    static constexpr std::string_view name = "tx.commit";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool operator==(const tx_commit&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_commit& m);
bool decode_arguments(reader& r, tx_commit& m);
std::ostream& operator<<(std::ostream& os, const tx_commit& m);

struct tx_commit_ok {
    static constexpr method_key key{90, 21};
    static constexpr std::string_view name = "tx.commit-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const tx_commit_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_commit_ok& m);
bool decode_arguments(reader& r, tx_commit_ok& m);
std::ostream& operator<<(std::ostream& os, const tx_commit_ok& m);

struct tx_rollback {
    static constexpr method_key key{90, 30};
    static constexpr std::string_view name = "tx.rollback";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool operator==(const tx_rollback&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_rollback& m);
bool decode_arguments(reader& r, tx_rollback& m);
std::ostream& operator<<(std::ostream& os, const tx_rollback& m);

struct tx_rollback_ok {
    static constexpr method_key key{90, 31};
    static constexpr std::string_view name = "tx.rollback-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const tx_rollback_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const tx_rollback_ok& m);
bool decode_arguments(reader& r, tx_rollback_ok& m);
std::ostream& operator<<(std::ostream& os, const tx_rollback_ok& m);

struct confirm_select {
    static constexpr method_key key{85, 10};
    static constexpr std::string_view name = "confirm.select";
    static constexpr bool synchronous = true;
    static constexpr bool has_content = false;

    bool nowait = false;

    bool operator==(const confirm_select&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        f("nowait", self.nowait);
    }
};
void encode_arguments(writer& w, const confirm_select& m);
bool decode_arguments(reader& r, confirm_select& m);
std::ostream& operator<<(std::ostream& os, const confirm_select& m);

struct confirm_select_ok {
    static constexpr method_key key{85, 11};
    static constexpr std::string_view name = "confirm.select-ok";
    static constexpr bool synchronous = false;
    static constexpr bool has_content = false;

    bool operator==(const confirm_select_ok&) const = default;

    // Calls f(name, field) for each argument in wire order; self may be const.
    template <class Self, class F>
    static void fields(Self& self, F&& f)
    {
        (void)self;
        (void)f;
    }
};
void encode_arguments(writer& w, const confirm_select_ok& m);
bool decode_arguments(reader& r, confirm_select_ok& m);
std::ostream& operator<<(std::ostream& os, const confirm_select_ok& m);

// Every method of the protocol, as decoded from a method frame.
using method = std::variant<
    connection_start,
    connection_start_ok,
    connection_secure,
    connection_secure_ok,
    connection_tune,
    connection_tune_ok,
    connection_open,
    connection_open_ok,
    connection_close,
    connection_close_ok,
    connection_blocked,
    connection_unblocked,
    connection_update_secret,
    connection_update_secret_ok,
    channel_open,
    channel_open_ok,
    channel_flow,
    channel_flow_ok,
    channel_close,
    channel_close_ok,
    access_request,
    access_request_ok,
    exchange_declare,
    exchange_declare_ok,
    exchange_delete,
    exchange_delete_ok,
    exchange_bind,
    exchange_bind_ok,
    exchange_unbind,
    exchange_unbind_ok,
    queue_declare,
    queue_declare_ok,
    queue_bind,
    queue_bind_ok,
    queue_purge,
    queue_purge_ok,
    queue_delete,
    queue_delete_ok,
    queue_unbind,
    queue_unbind_ok,
    basic_qos,
    basic_qos_ok,
    basic_consume,
    basic_consume_ok,
    basic_cancel,
    basic_cancel_ok,
    basic_publish,
    basic_return,
    basic_deliver,
    basic_get,
    basic_get_ok,
    basic_get_empty,
    basic_ack,
    basic_reject,
    basic_recover_async,
    basic_recover,
    basic_recover_ok,
    basic_nack,
    tx_select,
    tx_select_ok,
    tx_commit,
    tx_commit_ok,
    tx_rollback,
    tx_rollback_ok,
    confirm_select,
    confirm_select_ok>;

inline constexpr std::size_t method_count = std::variant_size_v<method>;

// What the spec says of a method, looked up by id at run time.
struct method_info {
    method_key key;
    std::string_view name;
    bool synchronous;
    bool has_content;
};

// The spec's entry for a method id, or nullptr when the spec defines no such method.
const method_info* find_method_info(method_key key) noexcept;

// The key of whichever method m holds.
method_key key_of(const method& m) noexcept;

// Decodes a method frame payload: class id, method id, then the arguments.
// Errors: 540 NOT_IMPLEMENTED for an id the spec does not define, 502 SYNTAX_ERROR for
// arguments that are truncated, malformed or followed by stray bytes.
result<method> decode_method(std::span<const std::byte> payload);

// Appends class id, method id and arguments (a method frame payload).
void encode_method(writer& w, const method& m);

std::ostream& operator<<(std::ostream& os, const method& m);

}  // namespace amqp::protocol
