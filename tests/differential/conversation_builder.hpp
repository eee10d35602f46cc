// The generator's builder: its model of what a conversation has declared and opened, and the steps it emits.
#pragma once

#include "conversation.hpp"
#include "generator.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace amqp::differential::detail {

namespace proto = amqp::protocol;

struct queue_model {
    std::string name;
    bool quorum = false;
    bool durable = false;
    bool exclusive = false;
    bool auto_delete = false;
    int owner = -1;
    proto::field_table arguments;
    int consumers = 0;
};

struct exchange_model {
    std::string name;
    std::string type;
    bool durable = false;
};

struct consumer_model {
    std::string tag;
    std::string queue;
};

struct channel_model {
    bool open = false;
    bool confirm = false;
    bool tx = false;
    bool global_qos = false;
    std::vector<consumer_model> consumers;
    // Deliveries that may have happened on the channel: an upper bound for tags.
    int deliveries = 0;
    std::string last_queue;
};

struct connection_model {
    bool open = false;
    std::array<channel_model, 4> channels;  // 1..3
};

// Builds the conversation for a seed. Every choice draws from the one sequence r_, so
// changing the order of the draws, in any of the files, changes what a seed generates.
// The definitions live in one file per family of steps: generator.cpp (emitting, the
// model, picking, the choice of step), generator_exchanges.cpp, generator_queues.cpp,
// generator_messages.cpp and generator_channels.cpp.
class conversation_builder {
public:
    conversation_builder(std::uint64_t seed, const generator_options& options) : r_(seed), options_(options)
    {
        c_.seed = seed;
    }

    conversation build();

private:
    // Emitting, and what the broker closing a channel or connection does to the model.
    void connect(int conn, login l = login::ok);
    void send(int conn, std::vector<outgoing> frames);
    void send(int conn, std::uint16_t ch, proto::method m) { send(conn, {outgoing{ch, std::move(m), {}, {}, {}}}); }
    connection_model& conn(int i) { return connections_[std::size_t(i)]; }
    channel_model& chan(int i, int ch) { return conn(i).channels[std::size_t(ch)]; }
    void channel_closed(int i, int ch);
    void connection_closed(int i);
    void consumer_gone(const std::string& queue);

    // Picking.
    template <class T>
    const T& pick(const std::vector<T>& v)
    {
        return v[r_.below(v.size())];
    }
    std::vector<int> open_channels(int i);
    queue_model* find_queue(const std::string& name);
    exchange_model* find_exchange(const std::string& name);
    std::string some_queue(int i, bool usable_only = true);
    std::string some_exchange(bool allow_builtin = true);
    std::string routing_key();
    std::string binding_key();
    bool queue_missing(const std::string& name, int i, int ch);
    bool queue_locked(const std::string& name, int i);
    std::string queue_ref(int i, int ch, std::string& model_name);
    bool queue_error(const std::string& model_name, int i);

    // The choice of step.
    void one_step();

    // Exchanges.
    void declare_exchange(int i, int ch);
    void delete_exchange(int i, int ch);
    void bind_exchange(int i, int ch, bool unbind);

    // Queues.
    proto::field_table queue_arguments(bool quorum, bool& valid);
    void declare_queue(int i, int ch);
    void declare_queue_passive(int i, int ch);
    void delete_queue(int i, int ch);
    void forget_queue(const std::string& name);
    void purge_queue(int i, int ch);
    proto::field_table headers_binding();
    void bind_queue(int i, int ch);
    void unbind_queue(int i, int ch);

    // Messages.
    proto::basic_properties properties();
    std::string body();
    void publish(int i, int ch);
    void get(int i, int ch);
    void consume(int i, int ch);
    void cancel(int i, int ch);
    void qos(int i, int ch);
    void settle(int i, int ch);
    void recover(int i, int ch);

    // Channel modes, closes, disconnects and frames no client sends.
    void transaction(int i, int ch);
    void confirm(int i, int ch);
    void close_channel(int i, int ch);
    void crossing_close(int i, int ch);
    void close_connection(int i);
    void disconnect(int i);
    void oddity(int i, int ch);

    draw r_;
    generator_options options_;
    conversation c_;
    std::array<connection_model, max_connections> connections_;
    std::vector<queue_model> queues_;
    std::vector<exchange_model> exchanges_;
    std::map<std::string, int> sources_;
    int queue_count_ = 0;
    int exchange_count_ = 0;
    int consumer_count_ = 0;
    int body_count_ = 0;
};

}  // namespace amqp::differential::detail
