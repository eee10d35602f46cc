// The generator's exchange steps: declare (new, redeclared, passive), delete, exchange bind and unbind.
#include "conversation_builder.hpp"

#include <string>
#include <vector>

namespace amqp::differential::detail {

void conversation_builder::declare_exchange(int i, int ch)
{
    proto::exchange_declare d;
    const int kind = int(r_.below(100));
    if (kind < 65 || exchanges_.empty()) {
        d.exchange = "@x" + std::to_string(++exchange_count_);
        if (r_.percent(3)) d.exchange = "amq.test" + std::to_string(exchange_count_);
        d.type = pick(std::vector<std::string>{"direct", "fanout", "topic", "headers"});
        if (r_.percent(4)) d.type = pick(std::vector<std::string>{"x-bogus", "", "Direct"});
        d.durable = r_.percent(20);
    } else if (kind < 85) {  // a redeclare, the same or different
        const exchange_model& x = pick(exchanges_);
        d.exchange = x.name;
        d.type = x.type;
        d.durable = x.durable;
        if (r_.percent(40)) {
            if (r_.percent(50)) d.type = x.type == "direct" ? "fanout" : "direct";
            else d.durable = !x.durable;
        }
    } else {  // passive
        d.exchange = r_.percent(75) && !exchanges_.empty() ? pick(exchanges_).name : "@missing-x";
        d.type = r_.percent(50) ? "direct" : "";
        d.passive = true;
    }
    send(i, std::uint16_t(ch), d);
    const exchange_model* existing = find_exchange(d.exchange);
    if (d.passive) {
        if (!existing) channel_closed(i, ch);
        return;
    }
    const bool valid_type = d.type == "direct" || d.type == "fanout" || d.type == "topic" || d.type == "headers";
    if (!valid_type) {
        connection_closed(i);  // 503 COMMAND_INVALID, a connection error
    } else if (d.exchange.starts_with("amq.")) {
        channel_closed(i, ch);
    } else if (existing) {
        if (existing->type != d.type || existing->durable != d.durable) channel_closed(i, ch);
    } else {
        exchanges_.push_back({d.exchange, d.type, d.durable});
    }
}

void conversation_builder::delete_exchange(int i, int ch)
{
    proto::exchange_delete d;
    d.exchange = some_exchange(false);
    d.if_unused = r_.percent(30);
    send(i, std::uint16_t(ch), d);
    if (d.if_unused && sources_.count(d.exchange)) {
        channel_closed(i, ch);
        return;
    }
    std::erase_if(exchanges_, [&](const exchange_model& x) { return x.name == d.exchange; });
    sources_.erase(d.exchange);
}

void conversation_builder::bind_exchange(int i, int ch, bool unbind)
{
    const std::string destination = some_exchange(false);
    const std::string source = some_exchange();
    const std::string key = binding_key();
    if (unbind) {
        send(i, std::uint16_t(ch), proto::exchange_unbind{0, destination, source, key, false, {}});
        return;
    }
    send(i, std::uint16_t(ch), proto::exchange_bind{0, destination, source, key, false, {}});
    const bool ok = find_exchange(destination) && (find_exchange(source) || source.starts_with("amq."));
    if (!ok) channel_closed(i, ch);
    else sources_[source]++;
}

}  // namespace amqp::differential::detail
