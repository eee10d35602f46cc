#pragma once

#include "confirm_tracker.hpp"
#include "delivery_tracker.hpp"

#include <amqp/client/detail/completion.hpp>
#include <amqp/client/incoming_message.hpp>
#include <amqp/client/options.hpp>
#include <amqp/protocol/command_assembler.hpp>

#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace amqp::client::detail {

class connection_state;

// What a consumer does with deliveries and with the broker cancelling it.
struct consumer_callbacks {
    std::function<void(incoming_message)> on_message;
    // The broker cancelled the consumer (its queue was deleted), or the channel closed.
    std::function<void(const failure&)> on_cancel;
};

// One channel: synchronous methods answered in order, deliveries to consumers,
// publisher confirms, returns, and the close handshake in both directions.
class channel_state : public std::enable_shared_from_this<channel_state> {
public:
    channel_state(std::shared_ptr<connection_state> connection, std::uint16_t id);

    std::uint16_t id() const noexcept { return id_; }
    connection_state& connection() const noexcept { return *connection_; }
    const asio::any_io_executor& executor() const noexcept;
    bool is_open() const noexcept { return state_ == state::open; }
    bool confirm_mode() const noexcept { return confirms_.has_value(); }
    const close_info& close_reason() const noexcept { return close_reason_; }

    void open(bool publisher_confirms, completion<> done);

    // Sends a synchronous method; `done` gets the reply (one of `replies`), or the
    // failure when the channel closes first. Replies come back in request order.
    void call(const protocol::method& request, std::initializer_list<protocol::method_key> replies,
              completion<protocol::command> done);
    void publish(std::string_view exchange, std::string_view routing_key, const message& m, bool mandatory,
                 completion<> done);
    void consume(const std::string& queue, const consume_options& options, consumer_callbacks callbacks,
                 completion<std::string> done);
    void cancel(const std::string& consumer_tag, completion<> done);
    void get(const std::string& queue, bool no_ack, completion<std::optional<incoming_message>> done);

    // basic.recover: the broker redelivers every unacked message with a new tag, so the
    // old tags are no longer ours to settle.
    void recover(bool requeue, completion<> done);

    enum class settlement { ack, nack, reject };
    std::error_code settle(std::uint64_t generation, std::uint64_t tag, settlement how, bool multiple, bool requeue);

    void close(std::uint16_t reply_code, std::string reply_text, completion<> done);

    void add_close_handler(std::function<void(const close_info&)> handler);
    void add_return_handler(std::function<void(const returned_message&)> handler);

    // From the connection: one frame for this channel. A returned error closes the
    // connection (the broker broke the framing rules).
    std::optional<protocol::protocol_error> on_frame(const protocol::frame_view& frame);
    void on_connection_closed(const failure& why);

private:
    enum class state { opening, open, closing, closed };
    struct pending_call {
        std::vector<protocol::method_key> replies;
        completion<protocol::command> done;
    };

    void on_command(protocol::command&& c);
    bool answer_call(protocol::command&& c);
    void on_deliver(protocol::command&& c);
    void on_return(protocol::command&& c);
    void on_broker_close(const protocol::channel_close& close);
    void on_broker_cancel(const protocol::basic_cancel& cancel);
    incoming_message make_incoming(protocol::command&& c, bool no_ack);
    void finish(const failure& why);

    std::shared_ptr<connection_state> connection_;
    std::uint16_t id_;
    state state_ = state::opening;
    std::uint64_t generation_ = 0;
    protocol::command_assembler assembler_;
    std::deque<pending_call> calls_;
    std::unordered_map<std::string, consumer_callbacks> consumers_;
    std::unordered_map<std::string, bool> consumer_no_ack_;
    delivery_tracker deliveries_;
    std::optional<confirm_tracker> confirms_;
    close_info close_reason_;
    std::vector<std::function<void(const close_info&)>> close_handlers_;
    std::vector<std::function<void(const returned_message&)>> return_handlers_;
};

}  // namespace amqp::client::detail
