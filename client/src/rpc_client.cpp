#include <amqp/client/rpc_client.hpp>

#include "channel_state.hpp"
#include "connection_state.hpp"

#include <amqp/runtime/clock.hpp>

#include <map>

namespace amqp::client {
namespace detail {

class rpc_state : public std::enable_shared_from_this<rpc_state> {
public:
    rpc_state(std::shared_ptr<channel_state> channel, rpc_options options)
        : channel_(std::move(channel)), options_(std::move(options))
    {}

    void on_reply(incoming_message reply)
    {
        if (!reply.correlation_id) return;
        const auto it = pending_.find(*reply.correlation_id);
        if (it == pending_.end()) return;
        auto call = std::move(it->second);
        pending_.erase(it);
        call.timer->cancel();
        call.done(failure{}, std::move(reply));
    }

    void on_end(const failure& why)
    {
        ended_ = why ? why : failure{errc::consumer_cancelled, nullptr, nullptr};
        auto pending = std::move(pending_);
        pending_.clear();
        for (auto& [id, call] : pending) {
            call.timer->cancel();
            call.done(*ended_, {});
        }
    }

    void call(const std::string& routing_key, message request, completion<incoming_message> done)
    {
        if (ended_) {
            done(*ended_, {});
            return;
        }
        const std::string id = reply_queue + "." + std::to_string(++sequence_);
        request.reply_to = reply_queue;
        request.correlation_id = id;
        runtime::clock& clock = channel_->connection().clock();
        auto timer = clock.make_timer(channel_->executor());
        timer->wait_until(clock.now() + options_.timeout, [weak = weak_from_this(), id](std::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            const auto it = self->pending_.find(id);
            if (it == self->pending_.end()) return;
            auto call = std::move(it->second);
            self->pending_.erase(it);
            call.done(failure{errc::timeout,
                              std::make_shared<const close_info>(close_info{
                                  0, "no reply within " + std::to_string(self->options_.timeout.count()) + " ms"}),
                              nullptr},
                      {});
        });
        pending_.emplace(id, pending_call{std::move(done), std::move(timer)});
        // The publish itself can fail (a closed channel): that fails the call too.
        channel_->publish(options_.exchange, routing_key, request, false,
                          [weak = weak_from_this(), id](const failure& f) {
                              auto self = weak.lock();
                              if (!f || !self) return;
                              const auto it = self->pending_.find(id);
                              if (it == self->pending_.end()) return;
                              auto call = std::move(it->second);
                              self->pending_.erase(it);
                              call.timer->cancel();
                              call.done(f, {});
                          });
    }

    std::shared_ptr<channel_state> channel_;
    rpc_options options_;
    std::string reply_queue;
    std::size_t pending() const noexcept { return pending_.size(); }

private:
    struct pending_call {
        completion<incoming_message> done;
        std::unique_ptr<runtime::timer> timer;
    };

    std::map<std::string, pending_call> pending_;
    std::uint64_t sequence_ = 0;
    std::optional<failure> ended_;
};

}  // namespace detail

void rpc_client::start_create(const channel& ch, const rpc_options& options, detail::completion<rpc_client> done)
{
    auto state = std::make_shared<detail::rpc_state>(ch.state(), options);
    auto start_consuming = [state, done = std::move(done)](const std::string& queue) mutable {
        state->reply_queue = queue;
        std::weak_ptr<detail::rpc_state> weak = state;
        detail::consumer_callbacks callbacks{[weak](incoming_message reply) {
                                                 if (auto self = weak.lock()) self->on_reply(std::move(reply));
                                             },
                                             [weak](const detail::failure& why) {
                                                 if (auto self = weak.lock()) self->on_end(why);
                                             }};
        consume_options consume;
        consume.no_ack = true;  // direct reply-to requires it; replies are not worth redelivering
        consume.exclusive = true;
        state->channel_->consume(queue, consume, std::move(callbacks),
                                 [state, done = std::move(done)](const detail::failure& f, std::string) mutable {
                                     done(f, f ? rpc_client{} : rpc_client{state});
                                 });
    };
    if (options.direct_reply_to) {
        start_consuming("amq.rabbitmq.reply-to");
        return;
    }
    protocol::queue_declare declare;
    declare.exclusive = true;
    declare.auto_delete = true;
    ch.state()->call(
        declare, {protocol::queue_declare_ok::key},
        [start_consuming = std::move(start_consuming)](const detail::failure& f, protocol::command reply) mutable {
            if (f) {
                // Reuse the completion through an empty queue name: consume fails the same way.
                start_consuming("");
                return;
            }
            start_consuming(std::get<protocol::queue_declare_ok>(reply.method).queue);
        });
}

void rpc_client::start_call(const std::shared_ptr<detail::rpc_state>& state, const std::string& routing_key,
                            message request, detail::completion<incoming_message> done)
{
    if (!state) {
        done(detail::failure{errc::invalid_argument, nullptr, nullptr}, {});
        return;
    }
    state->call(routing_key, std::move(request), std::move(done));
}

const std::string& rpc_client::reply_queue() const { return state_->reply_queue; }
std::size_t rpc_client::pending() const { return state_->pending(); }
asio::any_io_executor rpc_client::get_executor() const { return state_->channel_->executor(); }

}  // namespace amqp::client
