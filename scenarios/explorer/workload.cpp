// The workload's lifecycle: construction, start, operation and timer bookkeeping, progress, record, shutdown.
#include "workload.hpp"
#include "workload_detail.hpp"

#include <asio/co_spawn.hpp>

#include <exception>
#include <sstream>
#include <utility>
#include <vector>

namespace amqp::scenarios::explorer {

using detail::as_tuple;
using detail::message_id;

workload::workload(asio::any_io_executor executor, runtime::clock& clock, client::environment env,
                   const workload_options& options, run_shape shape, std::uint64_t seed, harness::event_log& log)
    : executor_(std::move(executor)),
      clock_(clock),
      env_(std::move(env)),
      options_(options),
      shape_(shape),
      seed_(seed),
      log_(log),
      random_(seed ^ 0x9e3779b97f4a7c15ull)
{
    producer_.name = "explore-producer";
    consumer_.name = "explore-consumer";
    for (std::size_t i = 0; i < options_.messages; ++i) record_.published.insert(message_id(i));
    record_.drained_queues = {work_queue, requests_queue, replies_queue};
}

void workload::start()
{
    spawn(run_producer());
    spawn(run_consumer());
}

std::uint64_t workload::begin(std::string what)
{
    const std::uint64_t id = ++next_op_;
    ops_.emplace(id, std::move(what));
    return id;
}

void workload::end(std::uint64_t op) { ops_.erase(op); }

void workload::spawn(asio::awaitable<void> body)
{
    ++live_;
    asio::co_spawn(executor_, std::move(body), [self = shared_from_this()](std::exception_ptr e) {
        --self->live_;
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& error) {
            self->record_.errors.push_back(std::string("a workload coroutine threw: ") + error.what());
        }
    });
}

void workload::after(std::chrono::milliseconds d, std::function<void()> fn)
{
    const std::uint64_t id = ++next_timer_;
    auto timer = clock_.make_timer(executor_);
    auto* t = timer.get();
    timers_.emplace(id, std::move(timer));
    t->wait_until(clock_.now() + d, [self = shared_from_this(), id, fn = std::move(fn)](std::error_code ec) {
        self->timers_.erase(id);
        if (!ec && !self->stopping_) fn();
    });
}

asio::awaitable<void> workload::pause(std::chrono::milliseconds d)
{
    auto timer = clock_.make_timer(executor_);
    co_await runtime::async_wait_until(*timer, clock_.now() + d, as_tuple);
}

bool workload::retry(std::error_code ec, const client::robust_channel* ch) const
{
    if (stopping_) return false;
    if (client::is_retriable(ec)) return true;
    // A broker close of the channel: with reopen_closed_channels the robust channel
    // comes back, so the operation may be tried again on it.
    return ec == client::errc::channel_closed && (!ch || ch->is_open());
}

bool workload::finished() const noexcept
{
    return producer_ready_ && consumer_ready_ && settled_ == options_.messages && awaiting_consumption_.empty() &&
           rpc_done_ && repairs_ == 0 && timers_.empty() && producer_.connection.is_connected() &&
           consumer_.connection.is_connected();
}

std::string workload::progress() const
{
    std::ostringstream os;
    os << "producer " << (producer_ready_ ? "ready" : "not set up") << ", consumer "
       << (consumer_ready_ ? "ready" : "not set up") << "; " << settled_ << " of " << options_.messages
       << " publishes settled (" << record_.confirmed.size() << " confirmed), " << awaiting_consumption_.size()
       << " confirmed not consumed; rpc " << (rpc_done_ ? "done" : "running") << "; " << repairs_
       << " consumer(s) being restored; " << timers_.size() << " ack(s) or retries waiting; producer "
       << (producer_.connection.is_connected() ? "connected" : "not connected") << ", consumer "
       << (consumer_.connection.is_connected() ? "connected" : "not connected");
    return os.str();
}

workload_record workload::record() const
{
    workload_record r = record_;
    r.unresolved = ops_;
    const auto open = [](const client::robust_channel& a, const client::robust_channel& b) {
        return std::size_t(a.is_open()) + std::size_t(b.is_open());
    };
    if (producer_.connected) {
        r.reconnects += producer_.connection.reconnects();
        r.open_channels[producer_.name] = open(publish_channel_, call_channel_);
    }
    if (consumer_.connected) {
        r.reconnects += consumer_.connection.reconnects();
        r.open_channels[consumer_.name] = open(work_channel_, serve_channel_);
    }
    r.finished = finished();
    if (!r.finished) r.progress = progress();
    return r;
}

void workload::shutdown()
{
    stopping_ = true;
    std::vector<runtime::timer*> timers;
    for (auto& [id, t] : timers_) timers.push_back(t.get());
    for (auto* t : timers) t->cancel();
    for (auto& [id, c] : calls_) c.timer->cancel();
    for (side* s : {&producer_, &consumer_}) {
        if (!s->connected) {
            s->closed = true;
            continue;
        }
        s->connection.close([self = shared_from_this(), s](std::error_code) { s->closed = true; });
    }
}

bool workload::stopped() const noexcept
{
    return live_ == 0 && timers_.empty() && producer_.closed && consumer_.closed;
}

void workload::release()
{
    publish_channel_ = {};
    call_channel_ = {};
    work_channel_ = {};
    serve_channel_ = {};
    consumer_channels_.clear();
    calls_.clear();
    producer_.connection = {};
    consumer_.connection = {};
}

}  // namespace amqp::scenarios::explorer
