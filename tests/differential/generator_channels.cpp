// The generator's channel and connection steps: tx and confirm modes, closes, disconnects, and frames no client sends.
#include "conversation_builder.hpp"

#include <string>
#include <vector>

namespace amqp::differential::detail {

void conversation_builder::transaction(int i, int ch)
{
    channel_model& c = chan(i, ch);
    const int kind = int(r_.below(3));
    if (kind == 0 || (!c.tx && r_.percent(70))) {
        send(i, std::uint16_t(ch), proto::tx_select{});
        if (c.confirm) return channel_closed(i, ch);
        c.tx = true;
        return;
    }
    if (kind == 1) send(i, std::uint16_t(ch), proto::tx_commit{});
    else send(i, std::uint16_t(ch), proto::tx_rollback{});
    if (!c.tx) channel_closed(i, ch);
}

void conversation_builder::confirm(int i, int ch)
{
    channel_model& c = chan(i, ch);
    send(i, std::uint16_t(ch), proto::confirm_select{false});
    if (c.tx) return channel_closed(i, ch);
    c.confirm = true;
}

void conversation_builder::close_channel(int i, int ch)
{
    send(i, std::uint16_t(ch), proto::channel_close{200, "bye", 0, 0});
    channel_closed(i, ch);
}

// The client closes a channel right behind a method that makes the broker close it.
void conversation_builder::crossing_close(int i, int ch)
{
    proto::queue_declare d;
    d.queue = "@missing-q1";
    d.passive = true;
    send(i, {outgoing{std::uint16_t(ch), d, {}, {}, {}},
             outgoing{std::uint16_t(ch), proto::channel_close{200, "bye", 0, 0}, {}, {}, {}}});
    channel_closed(i, ch);
}

void conversation_builder::close_connection(int i)
{
    send(i, 0, proto::connection_close{200, "Goodbye", 0, 0});
    connection_closed(i);
}

void conversation_builder::disconnect(int i)
{
    step s;
    s.what = step::kind::disconnect;
    s.connection = i;
    c_.steps.push_back(s);
    connection_closed(i);
}

void conversation_builder::oddity(int i, int ch)
{
    const int kind = int(r_.below(6));
    if (kind == 0) {  // a method on a channel never opened
        send(i, 5, proto::queue_declare{0, "@q-odd", false, false, true, false, false, {}});
    } else if (kind == 1) {  // above channel_max
        send(i, 3000, proto::channel_open{});
    } else if (kind == 2) {  // an unknown method id
        outgoing o;
        o.channel = std::uint16_t(ch);
        // type 1, channel, size 4, class 60 method 99, frame end
        o.raw = std::string("\x01\x00", 2) + char(ch) + std::string("\x00\x00\x00\x04\x00\x3c\x00\x63\xce", 9);
        send(i, {o});
    } else if (kind == 3) {  // a second channel.open
        send(i, std::uint16_t(ch), proto::channel_open{});
    } else if (kind == 4) {  // frames behind connection.close
        send(i, {outgoing{0, proto::connection_close{200, "Goodbye", 0, 0}, {}, {}, {}},
                 outgoing{std::uint16_t(ch), proto::basic_qos{0, 1, false}, {}, {}, {}}});
    } else {  // content without a method
        outgoing o;
        o.channel = std::uint16_t(ch);
        o.raw = std::string("\x03\x00", 2) + char(ch) + std::string("\x00\x00\x00\x02hi\xce", 7);
        send(i, {o});
    }
    connection_closed(i);
}

}  // namespace amqp::differential::detail
