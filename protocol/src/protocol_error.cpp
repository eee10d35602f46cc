#include <amqp/protocol/protocol_error.hpp>

#include <ostream>

namespace amqp::protocol {

std::string protocol_error::reply_text() const
{
    std::string text(reply_code_name(code));
    if (text.empty()) text = std::to_string(static_cast<unsigned>(code));
    if (!detail.empty()) {
        text += " - ";
        text += detail;
    }
    // It travels as a short string in connection.close / channel.close; RabbitMQ cuts
    // longer texts to 252 bytes and "...".
    if (text.size() > 255) {
        text.resize(252);
        text += "...";
    }
    return text;
}

std::ostream& operator<<(std::ostream& os, const protocol_error& error)
{
    os << static_cast<unsigned>(error.code) << ' ' << error.reply_text();
    if (error.class_id != 0) os << " (method " << error.class_id << '.' << error.method_id << ')';
    return os;
}

}  // namespace amqp::protocol
