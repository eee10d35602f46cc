#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

namespace amqp::client {

// What went wrong on our side of the wire, or which kind of close ended an operation.
enum class errc {
    connection_closed = 1,  // the connection is closed (by us, the broker, or the network)
    channel_closed,  // the channel is closed (by us or by the broker)
    authentication_refused,  // the broker refused the credentials (403 in the handshake)
    vhost_refused,  // the broker refused the virtual host (530 in the handshake)
    handshake_failed,  // the peer broke off or spoke something else than AMQP 0-9-1
    connection_timeout,  // connect + handshake took longer than connection_timeout
    heartbeat_timeout,  // nothing heard from the broker for two heartbeat intervals
    message_nacked,  // publisher confirms: the broker nacked the message
    message_returned,  // a mandatory message could not be routed (basic.return)
    already_settled,  // ack/nack/reject of a delivery already settled on our side
    stale_delivery,  // ack/nack/reject of a delivery from before a reconnect or channel reopen
    no_ack_delivery,  // ack/nack/reject of a delivery consumed with no_ack
    timeout,  // an operation with a deadline did not complete in time
    invalid_argument,  // a call that could never succeed (frame too large, bad name)
    consumer_cancelled,  // the broker cancelled the consumer (queue deleted)
    unexpected_frame,  // the broker sent something out of order
};

const std::error_category& client_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

// Why a channel or connection closed: what connection.close / channel.close carried.
// Operations that fail because of it complete with errc::channel_closed or
// errc::connection_closed; the reply code and text are here (close_reason() of the
// channel or connection, and info() of the exceptions).
// An empty text and code 0 for a close that did not come from the broker (a dropped
// socket, our own close()).
struct close_info {
    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::uint16_t class_id = 0;
    std::uint16_t method_id = 0;
    // True when the broker initiated the close.
    bool by_broker = false;

    bool operator==(const close_info&) const = default;
};

std::ostream& operator<<(std::ostream& os, const close_info& info);

// The exceptions of the awaitable and future paths. Each carries the error code, and
// the broker's close_info where there was one.
class amqp_error : public std::system_error {
public:
    amqp_error(std::error_code ec, close_info info);
    const close_info& info() const noexcept { return info_; }

private:
    close_info info_;
};

class connection_closed_error : public amqp_error {
    using amqp_error::amqp_error;
};
class channel_closed_error : public amqp_error {
    using amqp_error::amqp_error;
};
class authentication_error : public connection_closed_error {
    using connection_closed_error::connection_closed_error;
};

struct returned_message;

// Publisher confirms: the broker nacked the message, or returned it as unroutable
// (then returned() holds it).
class delivery_error : public amqp_error {
public:
    delivery_error(std::error_code ec, std::shared_ptr<const returned_message> returned);
    const returned_message* returned() const noexcept { return returned_.get(); }

private:
    std::shared_ptr<const returned_message> returned_;
};

// The exception for an error code and optional close info: the most specific type.
std::exception_ptr make_exception(std::error_code ec, const close_info* info,
                                  std::shared_ptr<const returned_message> returned = nullptr);

}  // namespace amqp::client

namespace std {
template <>
struct is_error_code_enum<amqp::client::errc> : true_type {};
}  // namespace std
