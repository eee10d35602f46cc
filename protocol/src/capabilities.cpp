#include <amqp/protocol/capabilities.hpp>

#include <initializer_list>
#include <string>

namespace amqp::protocol {
namespace {

field_table all_true(std::initializer_list<std::string_view> names)
{
    field_table table;
    for (const std::string_view name : names) table.append(std::string(name), true);
    return table;
}

}  // namespace

field_table server_capabilities()
{
    using namespace capability;
    return all_true({publisher_confirms, exchange_exchange_bindings, basic_nack, consumer_cancel_notify,
                     connection_blocked, consumer_priorities, authentication_failure_close, per_consumer_qos,
                     direct_reply_to});
}

field_table client_capabilities()
{
    using namespace capability;
    return all_true({publisher_confirms, exchange_exchange_bindings, basic_nack, consumer_cancel_notify,
                     connection_blocked, authentication_failure_close, per_consumer_qos});
}

bool announces(const field_table& properties, std::string_view name)
{
    const field_value* capabilities = properties.find("capabilities");
    const field_table* table = capabilities ? capabilities->get_if<field_table>() : nullptr;
    const field_value* flag = table ? table->find(name) : nullptr;
    const bool* set = flag ? flag->get_if<bool>() : nullptr;
    return set && *set;
}

}  // namespace amqp::protocol
