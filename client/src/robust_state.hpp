#pragma once

#include "backoff.hpp"
#include "topology.hpp"
#include "waiting_ops.hpp"

#include <amqp/client/robust_connection.hpp>

#include <asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amqp::client::detail {

class robust_connection_state;

// One robust channel: the underlying channel of the moment, what to restore on it, and
// the operations waiting for it to be usable again.
class robust_channel_state : public std::enable_shared_from_this<robust_channel_state> {
public:
    // Runs with the underlying channel once it is usable, or with why it never will be.
    using ready_handler = unique_function<void(const failure&, client::channel*)>;

    robust_channel_state(std::weak_ptr<robust_connection_state> owner, asio::any_io_executor executor,
                         channel_options options);

    std::uint16_t number() const noexcept { return options_.number; }
    const channel_options& options() const noexcept { return options_; }
    const asio::any_io_executor& executor() const noexcept { return executor_; }
    bool is_open() const noexcept { return status_ != status::closed; }
    bool is_ready() const noexcept { return status_ == status::ready; }
    const client::channel& current() const noexcept { return current_; }
    bool underlying_open() const noexcept { return current_.is_open(); }
    close_info underlying_close_reason() const;
    // Which underlying channel this is, unique over the connection's life, and which
    // connection (its generation) it was opened on.
    std::uint64_t incarnation() const noexcept { return incarnation_; }
    std::uint64_t generation() const noexcept { return generation_; }
    std::shared_ptr<robust_connection_state> owner() const { return owner_.lock(); }

    void when_ready(ready_handler op);

    // Recovery's side: a new underlying channel, usable once set_ready() is called.
    void attach(client::channel underlying, std::uint64_t incarnation, std::uint64_t generation);
    void set_recovering();
    void set_ready();
    // Closed for good: waiting operations fail, close handlers run once.
    void close_for_good(const close_info& why, const failure& waiting_failure);
    void set_closing() noexcept { app_closing_ = true; }

    // What recovery restores on a new underlying channel.
    struct qos_settings {
        std::uint16_t prefetch_count = 0;
        std::uint32_t prefetch_size = 0;
        bool global = false;
    };
    std::optional<qos_settings> qos;
    bool transactional = false;
    // The channel recovery task under way (see spawn_channel_recovery), or 0.
    std::uint64_t restorer = 0;

    void add_close_handler(std::function<void(const close_info&)> handler);
    void add_return_handler(std::function<void(const returned_message&)> handler);

private:
    enum class status { recovering, ready, closed };

    void underlying_closed(std::uint64_t incarnation, const close_info& why);

    std::weak_ptr<robust_connection_state> owner_;
    asio::any_io_executor executor_;
    channel_options options_;
    status status_ = status::recovering;
    bool app_closing_ = false;
    client::channel current_;
    std::uint64_t incarnation_ = 0;
    std::uint64_t generation_ = 0;
    waiting_ops<ready_handler> waiting_;
    std::vector<std::function<void(const close_info&)>> close_handlers_;
    std::vector<std::function<void(const returned_message&)>> return_handlers_;
};

// The robust connection: the connection of the moment, the recorded topology, the
// channels, and the recovery that reconnects and restores them.
class robust_connection_state : public std::enable_shared_from_this<robust_connection_state> {
public:
    robust_connection_state(asio::any_io_executor executor, connection_options options, recovery_options recovery,
                            environment env);

    const asio::any_io_executor& executor() const noexcept { return executor_; }
    const recovery_options& recovery() const noexcept { return recovery_; }
    runtime::clock& clock() const noexcept { return *env_.clock; }
    detail::topology& topology() noexcept { return topology_; }
    std::uint64_t next_incarnation() noexcept { return ++incarnations_; }
    const connection& current() const noexcept { return current_; }
    bool is_connected() const noexcept { return status_ == status::connected; }
    bool is_closed() const noexcept { return status_ == status::closed; }
    std::uint64_t reconnects() const noexcept { return reconnects_; }

    void start(completion<> done);
    void open_channel(channel_options options, completion<std::shared_ptr<robust_channel_state>> done);
    void close(completion<> done);
    // The application dropped its last handle: stop, without the close handshake.
    void abandon();

    // From channels.
    void channel_closed_by_broker(const std::shared_ptr<robust_channel_state>& channel, const close_info& why);
    void channel_closed_for_good(std::uint16_t number);
    std::string make_consumer_tag();
    // Starts a recorded consumer on its channel's underlying channel (of `incarnation`).
    void consume(const client::channel& underlying, const recorded_consumer& c, std::uint64_t incarnation,
                 completion<std::string> done);
    // A queue was declared: consumers the broker cancelled on it come back.
    void queue_declared(const std::string& name);

    struct handlers {
        std::vector<std::function<void(const close_info&)>> connection_lost;
        std::vector<std::function<void()>> reconnected;
        std::vector<std::function<void(std::uint16_t)>> channel_restored;
        std::vector<std::function<void(const recovery_failure&)>> recovery_failed;
        std::vector<std::function<void(const std::string&, const std::string&)>> consumer_cancelled;
        std::vector<std::function<void(const std::string&, const std::string&)>> queue_renamed;
        std::vector<std::function<void(bool, const std::string&)>> blocked;
    } on;

private:
    enum class status { connecting, connected, recovering, closed };

    void adopt(connection c);
    void open_channels_waiting(const failure& why);
    void connection_lost(const close_info& why);
    void consumer_cancelled_by_broker(const std::string& tag);
    void report(std::string what, std::error_code ec, close_info info);

    asio::awaitable<void> reconnect_loop(completion<> first_done);
    asio::awaitable<void> pause();
    asio::awaitable<void> restore();
    asio::awaitable<void> restore_topology();
    asio::awaitable<bool> still_declared(client::channel& scratch, const std::string& queue);
    asio::awaitable<void> declare_again(client::channel& scratch, const std::string& what,
                                        const std::function<asio::awaitable<void>(client::channel&)>& declare);
    // Throws connection_closed_error once the connection of `generation` is gone.
    void expect_generation(std::uint64_t generation) const;
    void spawn_channel_recovery(const std::shared_ptr<robust_channel_state>& channel);
    asio::awaitable<bool> recover_channel(std::shared_ptr<robust_channel_state> channel, std::uint64_t generation,
                                          bool with_consumers);
    asio::awaitable<void> reopen(std::shared_ptr<robust_channel_state> channel, std::uint64_t generation);
    asio::awaitable<bool> restore_consumers_of(std::shared_ptr<robust_channel_state> channel, std::uint64_t generation,
                                               std::map<std::string, unsigned>& refusals);
    void give_up_channel(const std::shared_ptr<robust_channel_state>& channel, std::error_code ec,
                         const close_info& why);

    asio::any_io_executor executor_;
    connection_options options_;
    recovery_options recovery_;
    environment env_;
    backoff backoff_;
    status status_ = status::connecting;
    bool loop_running_ = false;
    connection current_;
    detail::topology topology_;
    std::map<std::uint16_t, std::shared_ptr<robust_channel_state>> channels_;
    std::unique_ptr<runtime::timer> pause_timer_;
    // channel() calls made while disconnected, waiting for recovery (while_disconnected::wait).
    struct waiting_open {
        channel_options options;
        completion<std::shared_ptr<robust_channel_state>> done;
        void operator()(const failure& why, std::nullptr_t) { done(why, nullptr); }
    };
    waiting_ops<waiting_open> waiting_opens_;
    std::uint64_t reconnects_ = 0;
    std::uint64_t generation_ = 0;  // one per connection adopted
    std::uint64_t incarnations_ = 0;  // one per underlying channel attached
    std::uint64_t restorers_ = 0;  // one per channel recovery task
    std::uint64_t consumer_tags_ = 0;
};

}  // namespace amqp::client::detail
