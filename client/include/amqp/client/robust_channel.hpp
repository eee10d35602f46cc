#pragma once

#include <amqp/client/channel.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace amqp::client {

namespace detail {
class robust_channel_state;
}

// A channel of a robust_connection (aio-pika's RobustChannel). What it declares, binds
// and consumes is recorded and restored after a reconnect, under the same channel
// number; what it deletes, unbinds and cancels is forgotten. While the connection is
// down, operations wait for recovery or fail, as recovery_options::while_disconnected
// says. A queue name the application got from a server-named declare keeps working
// after recovery renamed the queue. A handle: copies refer to the same channel.
class robust_channel {
public:
    robust_channel() = default;

    std::uint16_t number() const noexcept;
    // Not closed by the application or (without the reopen policy) by the broker.
    bool is_open() const noexcept;
    // The underlying channel of the moment (closed while recovering).
    client::channel current() const;
    asio::any_io_executor get_executor() const;

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto declare_exchange(std::string name, std::string type = exchange_type::direct, exchange_options options = {},
                          Token&& token = {})
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, name = std::move(name), type = std::move(type), options = std::move(options)](
                         auto done) { self.start_declare_exchange(name, type, options, std::move(done)); });
    }

    // An empty name asks the broker for one. Completion: void(std::error_code, std::string name).
    template <class Token = use_awaitable_t>
    auto declare_queue(std::string name = {}, queue_options options = {}, Token&& token = {})
    {
        return run<std::string>(std::forward<Token>(token),
                                [self = *this, name = std::move(name), options = std::move(options)](auto done) {
                                    self.start_declare_queue(name, options, std::move(done));
                                });
    }

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

    // queue.bind / queue.unbind, and exchange-to-exchange bindings. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto queue_bind(std::string queue, std::string exchange, std::string routing_key = {}, field_table arguments = {},
                    Token&& token = {})
    {
        return bind(true, true, std::move(queue), std::move(exchange), std::move(routing_key), std::move(arguments),
                    std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto queue_unbind(std::string queue, std::string exchange, std::string routing_key = {}, field_table arguments = {},
                      Token&& token = {})
    {
        return bind(true, false, std::move(queue), std::move(exchange), std::move(routing_key), std::move(arguments),
                    std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto exchange_bind(std::string destination, std::string source, std::string routing_key = {},
                       field_table arguments = {}, Token&& token = {})
    {
        return bind(false, true, std::move(destination), std::move(source), std::move(routing_key),
                    std::move(arguments), std::forward<Token>(token));
    }
    template <class Token = use_awaitable_t>
    auto exchange_unbind(std::string destination, std::string source, std::string routing_key = {},
                         field_table arguments = {}, Token&& token = {})
    {
        return bind(false, false, std::move(destination), std::move(source), std::move(routing_key),
                    std::move(arguments), std::forward<Token>(token));
    }

    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto set_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size = 0, bool global = false, Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this, prefetch_count, prefetch_size, global](auto done) {
            self.start_qos(prefetch_count, prefetch_size, global, std::move(done));
        });
    }

    // As channel::basic_publish. With confirms, a publish whose confirm was pending
    // when the connection dropped fails with errc::connection_closed (is_retriable), or
    // is sent again after recovery with recovery_options::republish_unconfirmed.
    // Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto basic_publish(std::string exchange, std::string routing_key, message m, bool mandatory = false,
                       Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this, exchange = std::move(exchange),
                                                  routing_key = std::move(routing_key), m = std::move(m),
                                                  mandatory](auto done) mutable {
            self.start_publish(std::move(exchange), std::move(routing_key), std::move(m), mandatory, std::move(done));
        });
    }

    // A consumer that is restored after each reconnect under the same tag (one is made
    // here when options.consumer_tag is empty). Deliveries from before a reconnect are
    // settled with errc::stale_delivery; the broker redelivers them.
    // Completion: void(std::error_code, std::string consumer_tag).
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

    // Completion: void(std::error_code, std::optional<incoming_message>).
    template <class Token = use_awaitable_t>
    auto basic_get(std::string queue, bool no_ack = false, Token&& token = {})
    {
        return run<std::optional<incoming_message>>(std::forward<Token>(token),
                                                    [self = *this, queue = std::move(queue), no_ack](auto done) {
                                                        self.start_get(queue, no_ack, std::move(done));
                                                    });
    }

    // tx.select is restored after a reconnect; a transaction open when the connection
    // dropped is lost (the broker rolled it back): its commit fails. Completion: void(std::error_code).
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

    // Closes the channel for good and forgets its consumers. Completion: void(std::error_code).
    template <class Token = use_awaitable_t>
    auto close(Token&& token = {})
    {
        return run<>(std::forward<Token>(token), [self = *this](auto done) { self.start_close(std::move(done)); });
    }

    // Called once when the channel closes for good (by the application, by the broker
    // without the reopen policy, or with its robust connection).
    void on_close(std::function<void(const close_info&)> handler) const;
    // basic.return, from whichever underlying channel is current.
    void on_return(std::function<void(const returned_message&)> handler) const;

    // The library's own use; not part of the API.
    explicit robust_channel(std::shared_ptr<detail::robust_channel_state> state);

private:
    template <class... T, class Token, class Start>
    auto run(Token&& token, Start&& start)
    {
        return detail::initiate<T...>(
            std::forward<Token>(token), get_executor(),
            [start = std::forward<Start>(start)](detail::completion<T...> done) mutable { start(std::move(done)); });
    }
    template <class Token>
    auto bind(bool to_queue, bool bind, std::string destination, std::string source, std::string routing_key,
              field_table arguments, Token&& token)
    {
        return run<>(std::forward<Token>(token),
                     [self = *this, to_queue, bind, destination = std::move(destination), source = std::move(source),
                      routing_key = std::move(routing_key), arguments = std::move(arguments)](auto done) {
                         self.start_bind(to_queue, bind, destination, source, routing_key, arguments, std::move(done));
                     });
    }

    void start_declare_exchange(const std::string& name, const std::string& type, const exchange_options& options,
                                detail::completion<> done) const;
    void start_declare_queue(const std::string& name, const queue_options& options,
                             detail::completion<std::string> done) const;
    void start_exchange_delete(const std::string& name, bool if_unused, detail::completion<> done) const;
    void start_queue_delete(const std::string& name, bool if_unused, bool if_empty,
                            detail::completion<std::uint32_t> done) const;
    void start_queue_purge(const std::string& name, detail::completion<std::uint32_t> done) const;
    void start_bind(bool to_queue, bool bind, const std::string& destination, const std::string& source,
                    const std::string& routing_key, const field_table& arguments, detail::completion<> done) const;
    void start_qos(std::uint16_t prefetch_count, std::uint32_t prefetch_size, bool global,
                   detail::completion<> done) const;
    void start_publish(std::string exchange, std::string routing_key, message m, bool mandatory,
                       detail::completion<> done) const;
    void start_consume(const std::string& queue, std::function<void(incoming_message)> on_message,
                       const consume_options& options, detail::completion<std::string> done) const;
    void start_cancel(const std::string& consumer_tag, detail::completion<> done) const;
    void start_get(const std::string& queue, bool no_ack,
                   detail::completion<std::optional<incoming_message>> done) const;
    void start_tx(int which, detail::completion<> done) const;
    void start_close(detail::completion<> done) const;

    std::shared_ptr<detail::robust_channel_state> state_;
};

}  // namespace amqp::client
