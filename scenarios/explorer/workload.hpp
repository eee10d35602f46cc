#pragma once

#include "workload_options.hpp"
#include "workload_record.hpp"

#include <amqp/client.hpp>
#include <amqp/harness/event_log.hpp>
#include <amqp/runtime/clock.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>

namespace amqp::scenarios::explorer {

// The application under chaos, on two robust connections:
//  - "explore-producer": a confirm-mode publisher of N messages (unique message_id)
//    that republishes whatever failed in a way a retry may cure, and an RPC client
//    (requests with reply_to and correlation_id, a timeout, retries);
//  - "explore-consumer": a manual-ack consumer with prefetch that holds each delivery
//    for a drawn while before acking it, and the RPC server (reply, then ack).
// A consumer the broker cancels is brought back by declaring its queue again, as the
// robust client documents. Everything it sees goes into a workload_record.
// Single-threaded: use it from the thread running its executor. Coroutines and
// handlers keep it alive (shared_from_this); shutdown() ends them.
class workload : public std::enable_shared_from_this<workload> {
public:
    static constexpr const char* work_queue = "explore.work";
    static constexpr const char* requests_queue = "explore.rpc.requests";
    static constexpr const char* replies_queue = "explore.rpc.replies";

    // `clock` and `log` must outlive it.
    workload(asio::any_io_executor executor, runtime::clock& clock, client::environment env,
             const workload_options& options, run_shape shape, std::uint64_t seed, harness::event_log& log);

    void start();
    // Everything published and settled, every confirmed message consumed, every RPC
    // call resolved, no consumer waiting to come back, no ack waiting, both connected.
    bool finished() const noexcept;
    // How far it got, for a run that did not finish.
    std::string progress() const;
    // What it saw, with the operations still unresolved and the channels it holds.
    workload_record record() const;

    // Stops: cancels its timers and closes both connections. stopped() once every
    // coroutine and close has ended; release() then drops the connections.
    void shutdown();
    bool stopped() const noexcept;
    void release();

private:
    struct side {
        std::string name;
        client::robust_connection connection;
        bool connected = false;  // connect() succeeded once
        bool closed = false;  // shutdown's close completed
    };
    struct call_wait {
        std::unique_ptr<runtime::timer> timer;
        bool replied = false;
    };
    struct generation_entry {
        std::weak_ptr<client::detail::channel_state> alive;
        std::uint64_t id = 0;
    };

    // Operations whose completion must run: begin() before starting, end() in it.
    std::uint64_t begin(std::string what);
    void end(std::uint64_t op);
    void spawn(asio::awaitable<void> body);
    // Runs fn after d of the clock's time, unless shutdown() came first.
    void after(std::chrono::milliseconds d, std::function<void()> fn);
    asio::awaitable<void> pause(std::chrono::milliseconds d);
    // Whether a failed operation is worth another attempt.
    bool retry(std::error_code ec, const client::robust_channel* ch) const;

    asio::awaitable<void> run_producer();
    asio::awaitable<void> run_consumer();
    asio::awaitable<bool> connect(side& s);
    void watch(side& s);
    asio::awaitable<std::optional<client::robust_channel>> open_channel(side& s, bool confirms);
    asio::awaitable<bool> declare(client::robust_channel ch, std::string queue);
    asio::awaitable<bool> set_qos(client::robust_channel ch, std::uint16_t prefetch);
    asio::awaitable<bool> consume(side& s, client::robust_channel ch, std::string queue, bool no_ack,
                                  std::function<void(client::incoming_message)> handler);
    client::queue_options queue_options_for(const std::string& queue) const;

    // The publisher.
    void pump();
    void publish(std::size_t index, unsigned attempt);
    void published(std::size_t index, unsigned attempt, std::uint64_t op, std::error_code ec);
    void settled(std::size_t index);

    // Consumers.
    void on_work(client::incoming_message m);
    void on_request(client::incoming_message m);
    void on_reply(const client::incoming_message& m);
    void ack(const client::robust_channel& ch, const client::incoming_message& m, std::uint64_t delivered_generation);
    std::uint64_t generation(const client::robust_channel& ch);

    // RPC client.
    asio::awaitable<void> rpc_calls();
    asio::awaitable<void> rpc_call(std::size_t index);

    void consumer_cancelled(const std::string& connection, const std::string& tag, const std::string& queue);
    asio::awaitable<void> repair(client::robust_channel ch, std::string queue);

    asio::any_io_executor executor_;
    runtime::clock& clock_;
    client::environment env_;
    workload_options options_;
    run_shape shape_;
    std::uint64_t seed_;
    harness::event_log& log_;
    std::mt19937_64 random_;

    side producer_;
    side consumer_;
    client::robust_channel publish_channel_;
    client::robust_channel call_channel_;
    client::robust_channel work_channel_;
    client::robust_channel serve_channel_;
    // By connection name and consumer tag (each robust connection numbers its own tags).
    std::map<std::pair<std::string, std::string>, client::robust_channel> consumer_channels_;
    // Cancellations that came before basic_consume completed with their tag.
    std::set<std::pair<std::string, std::string>> early_cancels_;

    workload_record record_;
    std::map<std::uint64_t, std::string> ops_;
    std::uint64_t next_op_ = 0;
    std::map<std::uint64_t, std::unique_ptr<runtime::timer>> timers_;
    std::uint64_t next_timer_ = 0;
    std::map<std::string, call_wait> calls_;
    std::map<const void*, generation_entry> generations_;
    std::uint64_t last_generation_ = 0;

    bool producer_ready_ = false;
    bool consumer_ready_ = false;
    bool rpc_done_ = false;
    std::size_t next_message_ = 0;
    std::size_t in_flight_ = 0;
    std::size_t settled_ = 0;
    std::set<std::string> awaiting_consumption_;  // confirmed, not yet consumed
    std::size_t repairs_ = 0;
    std::size_t live_ = 0;  // coroutines running
    bool stopping_ = false;
};

}  // namespace amqp::scenarios::explorer
