#include <amqp/client/error.hpp>
#include <amqp/client/message.hpp>
#include <amqp/protocol/constants.hpp>

#include <ostream>

namespace amqp::client {
namespace {

class client_category_impl : public std::error_category {
public:
    const char* name() const noexcept override { return "amqp.client"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::connection_closed: return "connection closed";
        case errc::channel_closed: return "channel closed";
        case errc::authentication_refused: return "authentication refused";
        case errc::vhost_refused: return "virtual host refused";
        case errc::handshake_failed: return "AMQP handshake failed";
        case errc::connection_timeout: return "connection timed out";
        case errc::heartbeat_timeout: return "missed heartbeats from the broker";
        case errc::message_nacked: return "the broker nacked the message";
        case errc::message_returned: return "the message was returned as unroutable";
        case errc::already_settled: return "delivery already acknowledged, rejected or nacked";
        case errc::stale_delivery: return "delivery belongs to an earlier channel or connection";
        case errc::no_ack_delivery: return "delivery was consumed with no_ack and needs no acknowledgement";
        case errc::timeout: return "operation timed out";
        case errc::invalid_argument: return "invalid argument";
        case errc::consumer_cancelled: return "consumer cancelled by the broker";
        case errc::unexpected_frame: return "unexpected frame from the broker";
        }
        return "unknown amqp.client error";
    }
};

}  // namespace

const std::error_category& client_category() noexcept
{
    static const client_category_impl instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), client_category()}; }

std::ostream& operator<<(std::ostream& os, const close_info& info)
{
    os << info.reply_code << ' ' << info.reply_text;
    if (info.class_id != 0) os << " (class " << info.class_id << ", method " << info.method_id << ')';
    return os;
}

namespace {

// std::system_error appends ": " and the code's message itself.
std::string describe(const close_info& info) { return info.reply_text; }

}  // namespace

amqp_error::amqp_error(std::error_code ec, close_info info)
    : std::system_error(ec, describe(info)), info_(std::move(info))
{}

delivery_error::delivery_error(std::error_code ec, std::shared_ptr<const returned_message> returned)
    : amqp_error(ec, returned ? close_info{returned->reply_code, returned->reply_text} : close_info{}),
      returned_(std::move(returned))
{}

std::exception_ptr make_exception(std::error_code ec, const close_info* info,
                                  std::shared_ptr<const returned_message> returned)
{
    const close_info details = info ? *info : close_info{};
    if (ec == errc::message_nacked || ec == errc::message_returned)
        return std::make_exception_ptr(delivery_error(ec, std::move(returned)));
    if (ec == errc::authentication_refused || ec == errc::vhost_refused)
        return std::make_exception_ptr(authentication_error(ec, details));
    if (ec == errc::channel_closed) return std::make_exception_ptr(channel_closed_error(ec, details));
    if (ec == errc::connection_closed || ec == errc::heartbeat_timeout || ec == errc::handshake_failed)
        return std::make_exception_ptr(connection_closed_error(ec, details));
    return std::make_exception_ptr(amqp_error(ec, details));
}

}  // namespace amqp::client
