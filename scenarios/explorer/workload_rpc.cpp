// The workload's RPC client: requests with reply_to and correlation_id, a timeout per attempt, retries.
#include "workload.hpp"
#include "workload_detail.hpp"

#include <string>

namespace amqp::scenarios::explorer {

using detail::as_tuple;

void workload::on_reply(const client::incoming_message& m)
{
    const auto it = calls_.find(m.correlation_id.value_or(""));
    if (it == calls_.end() || it->second.replied) {
        ++record_.rpc_late_replies;
        return;
    }
    it->second.replied = true;
    it->second.timer->cancel();
}

asio::awaitable<void> workload::rpc_calls()
{
    for (std::size_t i = 0; i < options_.rpc_calls && !stopping_; ++i) co_await rpc_call(i);
    rpc_done_ = true;
}

asio::awaitable<void> workload::rpc_call(std::size_t index)
{
    ++record_.rpc_calls;
    const auto op = begin("rpc call " + std::to_string(index));
    bool answered = false;
    const std::string exchange;
    const std::string key = requests_queue;
    for (unsigned attempt = 1; attempt <= options_.max_attempts && !stopping_ && !answered; ++attempt) {
        const std::string correlation = "c" + std::to_string(index) + "." + std::to_string(attempt);
        client::message request("request " + std::to_string(index));
        request.correlation_id = correlation;
        request.reply_to = replies_queue;
        calls_[correlation].timer = clock_.make_timer(executor_);
        const auto sent = begin("rpc request " + correlation);
        auto [ec] = co_await call_channel_.basic_publish(exchange, key, std::move(request), false, as_tuple);
        end(sent);
        if (ec) {
            calls_.erase(correlation);
            log_.note([&] { return "rpc call " + correlation + ": publish failed: " + ec.message(); });
            co_await pause(options_.retry_delay);
            continue;
        }
        if (!calls_[correlation].replied) {
            auto* timer = calls_[correlation].timer.get();
            co_await runtime::async_wait_until(*timer, clock_.now() + options_.rpc_timeout, as_tuple);
        }
        answered = calls_[correlation].replied;
        calls_.erase(correlation);
        log_.note([&] { return "rpc call " + correlation + (answered ? ": answered" : ": timed out"); });
    }
    ++(answered ? record_.rpc_answered : record_.rpc_gave_up);
    end(op);
}

}  // namespace amqp::scenarios::explorer
