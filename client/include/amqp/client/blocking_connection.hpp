#pragma once

#include <amqp/client/connection_options.hpp>
#include <amqp/client/error.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/message.hpp>
#include <amqp/client/options.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amqp::client {

namespace detail {
class blocking_core;
class blocking_channel_state;
}  // namespace detail

class blocking_channel;

// What queue.declare-ok reported.
struct queue_declare_result {
    std::string queue;  // the broker's name for a server-named queue
    std::uint32_t message_count = 0;
    std::uint32_t consumer_count = 0;

    bool operator==(const queue_declare_result&) const = default;
};

// pika's BlockingConnection: every call returns when the operation finished and
// throws the library's typed exceptions (amqp_error and its subclasses, with the
// broker's close_info) when it failed.
//
// The connection owns an io_context and a thread that runs it; the asynchronous
// client does the work there and the calling thread waits. Use a blocking_connection
// and its channels from one thread at a time (as with pika); only
// add_callback_threadsafe may be called from any thread. Calling a blocking method
// from the connection's own thread fails with errc::invalid_argument instead of
// deadlocking.
//
// Waits: connecting is bounded by the connection options (connection_timeout per
// attempt, attempts, retry_delay); close() by connection_timeout (then the socket is
// dropped). Other operations end when the broker answers or when the connection
// closes, which a dead broker causes through missed heartbeats; set
// operation_timeout to bound them as well (on expiry the connection is dropped and the
// call throws amqp_error with errc::timeout, as pika's blocked_connection_timeout).
//
// Messages (incoming_message) returned by a channel must not outlive their
// blocking_connection and its channels.
class blocking_connection {
public:
    // Connects (pika: BlockingConnection(URLParameters(url))). A bad URL throws
    // amqp_error with errc::invalid_argument; a refused login authentication_error;
    // other failures connection_closed_error or amqp_error with the socket's error.
    explicit blocking_connection(std::string_view url,
                                 std::optional<std::chrono::milliseconds> operation_timeout = std::nullopt);
    explicit blocking_connection(connection_options options,
                                 std::optional<std::chrono::milliseconds> operation_timeout = std::nullopt);
    // Closes the connection (bounded by connection_timeout) and joins the thread.
    ~blocking_connection();
    blocking_connection(blocking_connection&&) noexcept;
    blocking_connection& operator=(blocking_connection&&) noexcept;
    blocking_connection(const blocking_connection&) = delete;
    blocking_connection& operator=(const blocking_connection&) = delete;

    // Opens a channel, with confirm.select when publisher_confirms.
    blocking_channel channel(bool publisher_confirms = false);

    // connection.close with 200 and waits for close-ok (at most connection_timeout;
    // then the socket is dropped). Closing a closed connection does nothing.
    void close();
    bool is_open() const noexcept;
    // Why the connection closed; empty while it is open.
    close_info close_reason() const;

    // Queues `callback` to run on the thread that uses this connection, during its
    // next blocking call (any of them, process_data_events and sleep included). May be
    // called from any thread, also after close (the callback then never runs).
    void add_callback_threadsafe(std::function<void()> callback);
    // Runs the queued callbacks; waits up to time_limit for the first when there is
    // none, and returns once some ran (pika's process_data_events). I/O runs all the
    // time on the connection's thread, so there is no other event to dispatch.
    void process_data_events(std::chrono::milliseconds time_limit = std::chrono::milliseconds::zero());
    // Sleeps for `duration` while running queued callbacks; the connection keeps
    // heartbeating meanwhile (pika's BlockingConnection.sleep).
    void sleep(std::chrono::milliseconds duration);

private:
    std::shared_ptr<detail::blocking_core> core_;
};

// The generator blocking_channel::consume returns; see there. An input range:
// iterating it blocks until the next message, inactivity timeout or cancel().
class consume_range {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = std::optional<incoming_message>;
        using difference_type = std::ptrdiff_t;
        using pointer = value_type*;
        using reference = value_type&;

        iterator() = default;
        reference operator*() const { return range_->current_; }
        pointer operator->() const { return &range_->current_; }
        iterator& operator++()
        {
            if (!range_->advance()) range_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.range_ == b.range_; }

    private:
        friend class consume_range;
        explicit iterator(consume_range* range) : range_(range) {}
        consume_range* range_ = nullptr;
    };

    // Waits for the first element.
    iterator begin() { return iterator(advance() ? this : nullptr); }
    iterator end() noexcept { return iterator(); }

private:
    friend class blocking_channel;
    consume_range(std::shared_ptr<detail::blocking_channel_state> channel, std::string consumer_tag,
                  std::optional<std::chrono::milliseconds> inactivity_timeout);
    // The next element into current_; false once the consumer was cancelled.
    bool advance();

    std::shared_ptr<detail::blocking_channel_state> channel_;
    std::string consumer_tag_;
    std::optional<std::chrono::milliseconds> inactivity_timeout_;
    std::optional<incoming_message> current_;
};

// pika's BlockingChannel. A move-only handle; destroying it closes the channel
// without waiting. Failures throw: a broker channel.close as channel_closed_error with
// the reply code and text (the channel is then closed, its connection stays usable),
// a closed connection as connection_closed_error.
class blocking_channel {
public:
    blocking_channel() = default;
    ~blocking_channel();
    blocking_channel(blocking_channel&&) noexcept;
    blocking_channel& operator=(blocking_channel&&) noexcept;
    blocking_channel(const blocking_channel&) = delete;
    blocking_channel& operator=(const blocking_channel&) = delete;

    std::uint16_t channel_number() const noexcept;
    bool is_open() const noexcept;
    bool publisher_confirms() const noexcept;
    // Why the channel closed; empty while it is open.
    close_info close_reason() const;

    void exchange_declare(const std::string& exchange, const std::string& type = exchange_type::direct,
                          const exchange_options& options = {});
    void exchange_delete(const std::string& exchange, bool if_unused = false);
    void exchange_bind(const std::string& destination, const std::string& source, const std::string& routing_key = {},
                       const field_table& arguments = {});
    void exchange_unbind(const std::string& destination, const std::string& source, const std::string& routing_key = {},
                         const field_table& arguments = {});

    // An empty name asks the broker for one (see the result's queue).
    queue_declare_result queue_declare(const std::string& queue, const queue_options& options = {});
    void queue_bind(const std::string& queue, const std::string& exchange, const std::string& routing_key = {},
                    const field_table& arguments = {});
    void queue_unbind(const std::string& queue, const std::string& exchange, const std::string& routing_key = {},
                      const field_table& arguments = {});
    // How many messages were purged / deleted with the queue.
    std::uint32_t queue_purge(const std::string& queue);
    std::uint32_t queue_delete(const std::string& queue, bool if_unused = false, bool if_empty = false);

    void basic_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size = 0, bool global = false);

    // Without publisher confirms, returns once the message is handed to the socket;
    // with them, once the broker acked it, throwing delivery_error when it nacked it or
    // returned it (mandatory and unroutable; returned() holds the message).
    void basic_publish(const std::string& exchange, const std::string& routing_key, const message& m,
                       bool mandatory = false);

    // One message, or nullopt when the queue is empty.
    std::optional<incoming_message> basic_get(const std::string& queue, bool no_ack = false);

    // Settle deliveries of this channel by tag (pika's signatures); delivery_tag 0
    // with multiple settles everything handed out so far. The frames go out on the
    // connection's thread. A tag this channel did not hand out, or settled already,
    // throws amqp_error with errc::already_settled (the broker would close the
    // channel with 406); a delivery of a no_ack consumer errc::no_ack_delivery.
    void basic_ack(std::uint64_t delivery_tag = 0, bool multiple = false);
    void basic_nack(std::uint64_t delivery_tag = 0, bool multiple = false, bool requeue = true);
    void basic_reject(std::uint64_t delivery_tag, bool requeue = true);
    // The same for a message (incoming_message::ack and friends must not be called
    // from another thread than the connection's; these marshal them there).
    void basic_ack(const incoming_message& m, bool multiple = false);
    void basic_nack(const incoming_message& m, bool multiple = false, bool requeue = true);
    void basic_reject(const incoming_message& m, bool requeue = true);

    // pika's consume generator: starts a consumer (basic.consume, now: errors throw
    // here) and returns a range that yields each delivery, and std::nullopt each time
    // inactivity_timeout passes without one (pika's (None, None, None)):
    //   for (auto& m : ch.consume(queue, 100ms)) {
    //       if (!m) continue;  // inactivity
    //       ...; ch.basic_ack(m->delivery_tag);
    //       if (done) ch.cancel();  // the loop ends
    //   }
    // One consume() consumer per channel: calling consume again for the same queue and
    // no_ack continues it, for another throws amqp_error with errc::invalid_argument.
    // Iterating throws amqp_error with errc::consumer_cancelled when the broker
    // cancelled the consumer (its queue was deleted), channel_closed_error or
    // connection_closed_error when those closed.
    consume_range consume(const std::string& queue,
                          std::optional<std::chrono::milliseconds> inactivity_timeout = std::nullopt,
                          bool no_ack = false, const consume_options& options = {});
    // How many deliveries the consume() consumer received and has not yielded yet
    // (they are yielded without waiting).
    std::size_t get_waiting_message_count() const;
    // Cancels the consume() consumer (basic.cancel); the messages it received but did
    // not yield go back to the queue (basic.reject with requeue; a no_ack consumer's
    // are dropped). Returns how many were requeued; 0 without a consumer.
    std::size_t cancel();

    void tx_select();
    void tx_commit();
    void tx_rollback();

    // channel.close with 200; closing a closed channel does nothing.
    void close();

private:
    friend class blocking_connection;
    explicit blocking_channel(std::shared_ptr<detail::blocking_channel_state> state);

    std::shared_ptr<detail::blocking_channel_state> state_;
};

}  // namespace amqp::client
