#include "requests.hpp"

#include <utility>

namespace amqp::test {

namespace proto = amqp::protocol;

proto::queue_declare declare_queue(std::string queue, proto::field_table arguments)
{
    proto::queue_declare m;
    m.queue = std::move(queue);
    m.arguments = std::move(arguments);
    return m;
}

proto::exchange_declare declare_exchange(std::string exchange, std::string type, proto::field_table arguments)
{
    proto::exchange_declare m;
    m.exchange = std::move(exchange);
    m.type = std::move(type);
    m.arguments = std::move(arguments);
    return m;
}

proto::queue_bind bind_queue(std::string queue, std::string exchange, std::string routing_key,
                             proto::field_table arguments)
{
    proto::queue_bind m;
    m.queue = std::move(queue);
    m.exchange = std::move(exchange);
    m.routing_key = std::move(routing_key);
    m.arguments = std::move(arguments);
    return m;
}

proto::basic_publish publish_to(std::string exchange, std::string routing_key, bool mandatory)
{
    proto::basic_publish m;
    m.exchange = std::move(exchange);
    m.routing_key = std::move(routing_key);
    m.mandatory = mandatory;
    return m;
}

proto::basic_consume consume_from(std::string queue, std::string consumer_tag, bool no_ack)
{
    proto::basic_consume m;
    m.queue = std::move(queue);
    m.consumer_tag = std::move(consumer_tag);
    m.no_ack = no_ack;
    return m;
}

proto::basic_get get_from(std::string queue, bool no_ack)
{
    proto::basic_get m;
    m.queue = std::move(queue);
    m.no_ack = no_ack;
    return m;
}

proto::queue_unbind unbind_queue(std::string queue, std::string exchange, std::string routing_key)
{
    proto::queue_unbind m;
    m.queue = std::move(queue);
    m.exchange = std::move(exchange);
    m.routing_key = std::move(routing_key);
    return m;
}

proto::exchange_bind bind_exchange(std::string destination, std::string source)
{
    proto::exchange_bind m;
    m.destination = std::move(destination);
    m.source = std::move(source);
    return m;
}

proto::exchange_unbind unbind_exchange(std::string destination, std::string source)
{
    proto::exchange_unbind m;
    m.destination = std::move(destination);
    m.source = std::move(source);
    return m;
}

proto::queue_purge purge(std::string queue)
{
    proto::queue_purge m;
    m.queue = std::move(queue);
    return m;
}

proto::queue_delete delete_queue(std::string queue, bool if_unused, bool if_empty)
{
    proto::queue_delete m;
    m.queue = std::move(queue);
    m.if_unused = if_unused;
    m.if_empty = if_empty;
    return m;
}

proto::exchange_delete delete_exchange(std::string exchange, bool if_unused)
{
    proto::exchange_delete m;
    m.exchange = std::move(exchange);
    m.if_unused = if_unused;
    return m;
}

proto::queue_declare passive_of(proto::queue_declare m)
{
    m.passive = true;
    return m;
}

proto::exchange_declare passive_of(proto::exchange_declare m)
{
    m.passive = true;
    return m;
}

}  // namespace amqp::test
