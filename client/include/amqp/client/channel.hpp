#pragma once

#include <amqp/client/detail/initiate.hpp>
#include <amqp/client/error.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/message.hpp>
#include <amqp/client/options.hpp>
#include <amqp/client/use_awaitable.hpp>

#include <asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amqp::client {

namespace detail {
class channel_state;
}

class exchange;
class queue;
class transaction;
class robust_channel;

// A channel (aio-pika's Channel, with pika's basic_* methods as well). A handle:
// copies refer to the same channel. Synchronous AMQP methods complete when the
// broker answered; a broker channel.close fails them with errc::channel_closed, and
// close_reason() holds the broker's reply code and text (404, "NOT_FOUND - ..."). Use a channel
// from the thread running its connection's executor.
class channel {
public:
    channel() = default;

    std::uint16_t number() const noexcept;
    bool is_open() const noexcept;
    bool publisher_confirms() const noexcept;
    const close_info& close_reason() const;
    asio::any_io_executor get_executor() const;

    // Declares an exchange. Completion: void(std::error_code, exchange).
    template <class Token = use_awaitable_t>
    auto declare_exchange(std::string name, std::string type = exchange_type::direct, exchange_options options = {},
                          Token&& token = {})
    {
        return detail::initiate<exchange>(std::forward<Token>(token), get_executor(),
                                          [self = *this, name = std::move(name), type = std::move(type),
                                           options = std::move(options)](detail::completion<exchange> done) {
                                              self.start_declare_exchange(name, type, options, std::move(done));
                                          });
    }

    // Declares a queue; an empty name asks the broker for one (amq.gen-...), see
    // queue::name(). Completion: void(std::error_code, queue).
    template <class Token = use_awaitable_t>
    auto declare_queue(std::string name = {}, queue_options options = {}, Token&& token = {})
    {
        return detail::initiate<queue>(
            std::forward<Token>(token), get_executor(),
            [self = *this, name = std::move(name), options = std::move(options)](detail::completion<queue> done) {
                self.start_declare_queue(name, options, std::move(done));
            });
    }

    // An existing exchange or queue (a passive declare: 404 closes the channel when it
    // does not exist, as in RabbitMQ).
    template <class Token = use_awaitable_t>
    auto get_exchange(std::string name, Token&& token = {})
    {
        exchange_options passive;
        passive.passive = true;
        return declare_exchange(std::move(name), exchange_type::direct, std::move(passive), std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto get_queue(std::string name, Token&& token = {})
    {
        queue_options passive;
        passive.passive = true;
        return declare_queue(std::move(name), std::move(passive), std::forward<Token>(token));
    }

    // The nameless default exchange: routes to the queue named by the routing key.
    exchange default_exchange() const;

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto exchange_delete(std::string name, bool if_unused = false, Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this, name = std::move(name), if_unused](auto done) {
            self.start_exchange_delete(name, if_unused, std::move(done));
        });
    }

    // Completion: void(std::error_code, std::uint32_t messages deleted with it).
    template <class Token = use_awaitable_t>
    auto queue_delete(std::string name, bool if_unused = false, bool if_empty = false, Token&& token = {})
    {
        return run<std::uint32_t>(std::forward<Token>(token),
                                  [self = *this, name = std::move(name), if_unused, if_empty](auto done) {
                                      self.start_queue_delete(name, if_unused, if_empty, std::move(done));
                                  });
    }

    // Completion: void(std::error_code, std::uint32_t messages purged).
    template <class Token = use_awaitable_t>
    auto queue_purge(std::string name, Token&& token = {})
    {
        return run<std::uint32_t>(std::forward<Token>(token), [self = *this, name = std::move(name)](auto done) {
            self.start_queue_purge(name, std::move(done));
        });
    }

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto queue_bind(std::string queue, std::string exchange, std::string routing_key = {}, field_table arguments = {},
                    Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, queue = std::move(queue), exchange = std::move(exchange),
                      routing_key = std::move(routing_key), arguments = std::move(arguments)](auto done) {
                         self.start_bind(true, true, queue, exchange, routing_key, arguments, std::move(done));
                     });
    }
    template <class Token = use_awaitable_t>
    auto queue_unbind(std::string queue, std::string exchange, std::string routing_key = {}, field_table arguments = {},
                      Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, queue = std::move(queue), exchange = std::move(exchange),
                      routing_key = std::move(routing_key), arguments = std::move(arguments)](auto done) {
                         self.start_bind(true, false, queue, exchange, routing_key, arguments, std::move(done));
                     });
    }
    // Exchange-to-exchange bindings (a RabbitMQ extension): messages flow from source to destination.
    template <class Token = use_awaitable_t>
    auto exchange_bind(std::string destination, std::string source, std::string routing_key = {},
                       field_table arguments = {}, Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, destination = std::move(destination), source = std::move(source),
                      routing_key = std::move(routing_key), arguments = std::move(arguments)](auto done) {
                         self.start_bind(false, true, destination, source, routing_key, arguments, std::move(done));
                     });
    }
    template <class Token = use_awaitable_t>
    auto exchange_unbind(std::string destination, std::string source, std::string routing_key = {},
                         field_table arguments = {}, Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, destination = std::move(destination), source = std::move(source),
                      routing_key = std::move(routing_key), arguments = std::move(arguments)](auto done) {
                         self.start_bind(false, false, destination, source, routing_key, arguments, std::move(done));
                     });
    }

    // basic.qos with RabbitMQ's meaning: prefetch per consumer, or shared by the
    // channel's consumers when global. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto set_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size = 0, bool global = false, Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this, prefetch_count, prefetch_size, global](auto done) {
            self.start_qos(prefetch_count, prefetch_size, global, std::move(done));
        });
    }

    // Publishes. Without publisher confirms it completes once the message is handed to
    // the socket (waiting while much output is unsent); with them, when the broker
    // acked it, failing with errc::message_nacked, or errc::message_returned when
    // mandatory and unroutable (a delivery_error with the returned message on the
    // awaitable path). Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto basic_publish(std::string exchange, std::string routing_key, message m, bool mandatory = false,
                       Token&& token = {})
    {
        return run<>(
            std::forward<Token>(token),
            [self = *this, exchange = std::move(exchange), routing_key = std::move(routing_key), m = std::move(m),
             mandatory](auto done) { self.start_publish(exchange, routing_key, m, mandatory, std::move(done)); });
    }

    // Starts a consumer; `on_message` runs on the connection's executor for each
    // delivery. Completion: void(std::error_code, std::string consumer_tag).
    template <class Token = use_awaitable_t>
    auto basic_consume(std::string queue, std::function<void(incoming_message)> on_message,
                       consume_options options = {}, Token&& token = {})
    {
        return run<std::string>(
            std::forward<Token>(token),
            [self = *this, queue = std::move(queue), on_message = std::move(on_message), options = std::move(options)](
                auto done) mutable { self.start_consume(queue, std::move(on_message), options, std::move(done)); });
    }

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto basic_cancel(std::string consumer_tag, Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this, consumer_tag = std::move(consumer_tag)](auto done) {
            self.start_cancel(consumer_tag, std::move(done));
        });
    }

    // One message, or nullopt when the queue is empty.
    // Completion: void(std::error_code, std::optional<incoming_message>).
    template <class Token = use_awaitable_t>
    auto basic_get(std::string queue, bool no_ack = false, Token&& token = {})
    {
        return run<std::optional<incoming_message>>(std::forward<Token>(token),
                                                    [self = *this, queue = std::move(queue), no_ack](auto done) {
                                                        self.start_get(queue, no_ack, std::move(done));
                                                    });
    }

    // basic.recover: redeliver this channel's unacked messages (requeue=true; RabbitMQ
    // does not implement requeue=false). Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto basic_recover(bool requeue = true, Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, requeue](auto done) { self.start_recover(requeue, std::move(done)); });
    }

    // Transactions: tx.select once, then publishes and acks take effect at commit.
    // Completion: void(std::error_code). See also the `transaction` guard.
    template <class Token = use_awaitable_t>
    auto tx_select(Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this](auto done) { self.start_tx(0, std::move(done)); });
    }
    template <class Token = use_awaitable_t>
    auto tx_commit(Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this](auto done) { self.start_tx(1, std::move(done)); });
    }
    template <class Token = use_awaitable_t>
    auto tx_rollback(Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this](auto done) { self.start_tx(2, std::move(done)); });
    }

    // tx.select, then a guard that commits or rolls back (see transaction.hpp).
    // Completion: void(std::error_code, transaction).
    template <class Token = use_awaitable_t>
    auto transaction(Token&& token = {})
    {
        return run<client::transaction>(std::forward<Token>(token),
                                        [self = *this](auto done) { self.start_transaction(std::move(done)); });
    }

    // channel.close with 200; pending operations fail with errc::channel_closed.
    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto close(Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this](auto done) { self.start_close(std::move(done)); });
    }

    // Called once when the channel closes (by us, the broker, or with its connection).
    void on_close(std::function<void(const close_info&)> handler) const;
    // Called for every basic.return (mandatory messages the broker could not route).
    void on_return(std::function<void(const returned_message&)> handler) const;

    // The library's own use; not part of the API.
    explicit channel(std::shared_ptr<detail::channel_state> state);
    const std::shared_ptr<detail::channel_state>& state() const noexcept { return state_; }

private:
    template <class... T, class Token, class Start>
    auto run(Token&& token, Start&& start)
    {
        return detail::initiate<T...>(
            std::forward<Token>(token), get_executor(),
            [start = std::forward<Start>(start)](detail::completion<T...> done) mutable { start(std::move(done)); });
    }

    void start_declare_exchange(const std::string& name, const std::string& type, const exchange_options& options,
                                detail::completion<exchange> done) const;
    void start_declare_queue(const std::string& name, const queue_options& options,
                             detail::completion<queue> done) const;
    void start_exchange_delete(const std::string& name, bool if_unused, detail::completion<> done) const;
    void start_queue_delete(const std::string& name, bool if_unused, bool if_empty,
                            detail::completion<std::uint32_t> done) const;
    void start_queue_purge(const std::string& name, detail::completion<std::uint32_t> done) const;
    void start_bind(bool to_queue, bool bind, const std::string& destination, const std::string& source,
                    const std::string& routing_key, const field_table& arguments, detail::completion<> done) const;
    void start_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size, bool global,
                   detail::completion<> done) const;
    void start_publish(const std::string& exchange, const std::string& routing_key, const message& m, bool mandatory,
                       detail::completion<> done) const;
    void start_consume(const std::string& queue, std::function<void(incoming_message)> on_message,
                       const consume_options& options, detail::completion<std::string> done) const;
    void start_cancel(const std::string& consumer_tag, detail::completion<> done) const;
    void start_get(const std::string& queue, bool no_ack,
                   detail::completion<std::optional<incoming_message>> done) const;
    void start_recover(bool requeue, detail::completion<> done) const;
    void start_tx(int which, detail::completion<> done) const;
    void start_transaction(detail::completion<client::transaction> done) const;
    friend class client::transaction;
    friend class robust_channel;
    void start_close(detail::completion<> done) const;

    std::shared_ptr<detail::channel_state> state_;
};

}  // namespace amqp::client

#include <amqp/client/exchange.hpp>
#include <amqp/client/queue.hpp>
#include <amqp/client/transaction.hpp>
