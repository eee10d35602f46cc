#pragma once

#include <amqp/fakebroker/faults.hpp>
#include <amqp/fakebroker/inspection.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio {
class io_context;
}

namespace amqp::runtime {
class clock;
class pipe_end;
}  // namespace amqp::runtime

namespace amqp::fakebroker {

// What a user may do in one vhost, as RabbitMQ's set_permissions: three regular
// expressions (ECMAScript syntax) that the name of an exchange or queue must match,
// anywhere in the name (a search, as RabbitMQ's re:run). "" matches nothing, ".*"
// everything. The default exchange is checked under the name "amq.default".
//   configure: declare and delete it
//   write:     publish to an exchange; bind a queue or exchange (the destination)
//   read:      get, consume or purge a queue; bind from an exchange (the source)
struct permissions {
    std::string configure = ".*";
    std::string write = ".*";
    std::string read = ".*";
};

struct user {
    std::string name;
    std::string password;
    // Virtual hosts the user may open with full permissions (".*" for all three).
    std::vector<std::string> vhosts;
    // Virtual hosts the user may open with these permissions; for a vhost in both
    // lists, these win. broker's constructor throws std::invalid_argument for a
    // pattern that is not a regular expression.
    std::map<std::string, permissions, std::less<>> vhost_permissions{};
};

// An amqps listener (AMQP over TLS) beside the plain one.
struct tls_listener_options {
    std::string certfile;  // the broker's certificate chain (PEM)
    std::string keyfile;  // its private key (PEM)
    std::string cafile;  // CAs that sign client certificates (PEM), for verify_peer
    // Ask clients for a certificate and verify it when sent (RabbitMQ's verify_peer with
    // fail_if_no_peer_cert = false); require_peer_certificate refuses clients without one.
    bool verify_peer = false;
    bool require_peer_certificate = false;
    std::uint16_t port = 0;  // 0: an ephemeral port, see broker::tls_port()
};

struct broker_options {
    // "": both loopbacks, 127.0.0.1 and ::1 (where the machine has IPv6), on one port,
    // as RabbitMQ listens by default; URLs name 127.0.0.1. Otherwise that address alone.
    std::string address;
    std::uint16_t port = 0;  // 0: an ephemeral port, see broker::port()
    std::vector<std::string> vhosts{"/"};
    std::vector<user> users{{"guest", "guest", {"/"}}};
    // What connection.tune proposes (RabbitMQ 3.x's defaults).
    std::uint16_t channel_max = 2047;
    std::uint32_t frame_max = 131072;
    std::uint16_t heartbeat = 60;
    std::uint64_t max_message_size = 128ull * 1024 * 1024;
    // A delivery not acknowledged within this closes its channel with 406, as
    // RabbitMQ's consumer_timeout (30 minutes in 3.10); nullopt: never.
    std::optional<std::chrono::milliseconds> consumer_timeout = std::chrono::minutes(30);
    // An amqps listener as well, when set.
    std::optional<tls_listener_options> tls;
    // Called with one readable line per frame sent or received, when set.
    std::function<void(std::string_view line)> trace;
    // Where time comes from for heartbeats, close deadlines, TTLs and expiry: nullptr
    // is runtime::system_clock(). A simulation passes a runtime::virtual_clock (which
    // must outlive the broker) and runs the broker on its own io_context.
    runtime::clock* clock = nullptr;
    // false: start() opens no TCP or TLS listener; connections come only through attach().
    bool listen = true;
    // Seeded random faults from the start (see faults.hpp); also seeds server-generated
    // names, so that a run repeats name for name.
    std::optional<chaos_options> chaos;
    // One line per fired fault (and the chaos seed); when unset, the lines go to trace.
    std::function<void(std::string_view line)> fault_log;
};

// A RabbitMQ-compatible AMQP 0-9-1 broker in the process.
//
// Either it owns a thread (the first constructor), or it runs on the caller's
// io_context, touched only from the thread that runs it (single-threaded and
// reproducible). Start and stop take well under a millisecond, so each test case can
// have a fresh broker.
class broker {
public:
    // Throws std::invalid_argument when a user's permission is not a regular expression.
    explicit broker(broker_options options = {});
    broker(asio::io_context& io, broker_options options = {});
    ~broker();
    broker(const broker&) = delete;
    broker& operator=(const broker&) = delete;

    // Binds and listens (unless options.listen is false). Throws std::system_error when
    // the address cannot be bound or the TLS certificate or key cannot be loaded.
    void start();
    // Closes every connection (connection.close 320 CONNECTION_FORCED, then the
    // socket) and frees all state but the durable entities.
    void stop();

    // Serves one AMQP connection over an in-memory pipe end, exactly as an accepted TCP
    // connection (same session, heartbeats, faults). `peer` names it in connection
    // listings (default "pipe:N"). With an owned thread this posts to it and returns at
    // once; on a caller's io_context, call it from the thread running that io_context.
    // A broker that is not running closes the end at once.
    void attach(std::shared_ptr<runtime::pipe_end> end, std::string peer = "");

    // 0 when not listening.
    std::uint16_t port() const;
    // The amqps listener's port; 0 without one.
    std::uint16_t tls_port() const;
    // amqp://guest:guest@127.0.0.1:PORT/ (the first configured user).
    std::string url() const;
    // The host of url(): 127.0.0.1 for the loopbacks, an IPv6 address in brackets.
    std::string host() const;
    // The options the broker was built with (users, vhosts, limits); they do not change.
    const broker_options& options() const;

    // Inspection. With an owned thread these may be called from any thread; with a
    // caller's io_context, from the thread running it.
    std::vector<queue_info> queues(std::string_view vhost = "/") const;
    std::optional<queue_info> queue(std::string_view name, std::string_view vhost = "/") const;
    std::vector<exchange_info> exchanges(std::string_view vhost = "/") const;
    std::vector<binding_info> bindings(std::string_view vhost = "/") const;
    std::vector<connection_info> connections() const;
    std::vector<channel_info> channels() const;
    // Messages ready in a queue, front first, without consuming them.
    std::vector<message_info> peek(std::string_view queue, std::size_t max = 100, std::string_view vhost = "/") const;
    // Wait (bounded) until the queue holds `depth` ready messages / has `count`
    // consumers; false on timeout.
    bool wait_for_depth(std::string_view queue, std::size_t depth, std::chrono::milliseconds timeout,
                        std::string_view vhost = "/") const;
    bool wait_for_consumers(std::string_view queue, std::size_t count, std::chrono::milliseconds timeout,
                            std::string_view vhost = "/") const;
    // Simulates a broker restart: every connection is dropped (320 CONNECTION_FORCED),
    // durable exchanges, queues and bindings and the persistent messages in durable
    // queues stay, everything else is gone.
    void restart();
    // Raises (or clears) a resource alarm as RabbitMQ does: connection.blocked (or
    // unblocked) to every client that announced the capability, and a connection that
    // publishes while blocked is not read from until unblocked (its publishes wait in
    // the socket). Connections opened during the alarm are blocked from the start.
    void set_blocked(bool blocked, std::string_view reason = "low on memory");
    // Changes consumer_timeout at run time, as `rabbitmqctl eval
    // 'application:set_env(rabbit, consumer_timeout, ...)'` does; nullopt: never.
    void set_consumer_timeout(std::optional<std::chrono::milliseconds> timeout);

    // Drops the ready messages of a queue; how many, or nullopt when there is no such queue.
    std::optional<std::size_t> purge(std::string_view queue, std::string_view vhost = "/");
    // Closes the connections whose client-provided name (or, failing that, peer
    // address "127.0.0.1:port") is `name`, with 320 CONNECTION_FORCED; the count closed.
    std::size_t close_connection(std::string_view name, std::string_view reason = "Closed via management plugin");

    // Fault injection (faults.hpp, docs/faults.md). With an owned thread these may be
    // called from any thread; with a caller's io_context, from the thread running it.
    //
    // Adds a rule; its id. Throws std::invalid_argument saying why a rule cannot work.
    std::uint64_t add_fault(fault_rule rule);
    // False when there is no such rule.
    bool remove_fault(std::uint64_t id);
    // Forgets every rule, pending refusals and the fired log (chaos mode stays).
    void clear_faults();
    std::vector<fault_rule_status> fault_rules() const;
    // Every fault fired so far, in order.
    std::vector<fired_fault> fired_faults() const;
    // Wait (bounded) until at least `count` faults have fired; false on timeout.
    bool wait_for_faults(std::size_t count, std::chrono::milliseconds timeout) const;
    // Starts chaos mode with these options (nullopt ends it); reseeds server-generated
    // names too. Throws std::invalid_argument for options that cannot work.
    void set_chaos(std::optional<chaos_options> chaos);
    std::optional<chaos_options> chaos() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace amqp::fakebroker
