#include "management_fixture.hpp"

#include <thread>

namespace amqp::fakebroker::test {

namespace proto = amqp::protocol;
using namespace std::chrono_literals;

void management::SetUp()
{
    broker_test::SetUp();
    routes_.emplace(broker(), "127.0.0.1", http_port);
}

management_reply management::call(std::string method, std::vector<std::string> path, std::string body,
                                  std::string reason) const
{
    return routes_->handle({std::move(method), std::move(path), std::move(body), "guest", std::move(reason)});
}

amqp::test::amqp_driver management::connect(const std::string& name, const std::string& vhost)
{
    amqp::test::amqp_driver client(url());
    amqp::test::connect_options options;
    options.connection_name = name;
    options.vhost = vhost;
    client.connect(options);
    client.open_channel(1);
    return client;
}

void management::hold_messages(amqp::test::amqp_driver& client, const std::string& queue, std::size_t ready,
                               std::size_t unacked, const std::string& vhost)
{
    client.rpc<proto::queue_declare_ok>(1, proto::queue_declare{.queue = queue, .arguments = {}});
    for (std::size_t i = 0; i < ready + unacked; ++i) publish(client, "", queue, "m" + std::to_string(i));
    ASSERT_TRUE(broker().wait_for_depth(queue, ready + unacked, 5s, vhost));
    if (unacked == 0) return;
    client.rpc<proto::basic_qos_ok>(1, proto::basic_qos{.prefetch_count = std::uint16_t(unacked), .global = false});
    proto::basic_consume consume;
    consume.queue = queue;
    client.rpc<proto::basic_consume_ok>(1, consume);
    for (std::size_t i = 0; i < unacked; ++i) client.expect_message<proto::basic_deliver>(1);
    // The broker counts a delivery as unacked before it sends it.
    ASSERT_EQ(broker().queue(queue, vhost)->ready, ready);
}

broker_options management_two_vhosts::options() const
{
    broker_options o;
    o.vhosts = {"/", "staging"};
    o.users = {{"guest", "guest", {"/", "staging"}}};
    return o;
}

void publish(amqp::test::amqp_driver& client, const std::string& exchange, const std::string& routing_key,
             const std::string& body, const protocol::basic_properties& properties)
{
    client.send_message(1, proto::basic_publish{0, exchange, routing_key, false, false}, properties, body);
}

nlohmann::json find_one(const nlohmann::json& list, const std::string& key, const nlohmann::json& value)
{
    nlohmann::json found;
    std::size_t matches = 0;
    for (const auto& item : list) {
        if (item.value(key, nlohmann::json()) == value) {
            found = item;
            ++matches;
        }
    }
    if (matches != 1) {
        ADD_FAILURE() << "expected one element with " << key << " = " << value.dump() << ", found " << matches << " in "
                      << list.dump();
        return nullptr;
    }
    return found;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

}  // namespace amqp::fakebroker::test
