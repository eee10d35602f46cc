// client_bench's publisher: basic_publish with completion handlers, a window of messages outstanding, refilled in batches.
#include "client_bench.hpp"

#include <asio/post.hpp>

#include <algorithm>
#include <cstdint>

namespace amqp::bench::client_bench {

publisher::publisher(environment& env, client::channel ch, std::string routing_key, std::size_t window)
    : env_(env),
      channel_(std::move(ch)),
      routing_key_(std::move(routing_key)),
      body_(body_size, 'x'),
      window_(window == 0 ? SIZE_MAX : window),
      refill_(std::max<std::size_t>(1, std::min<std::size_t>(256, window_ / 4)))
{}

void publisher::run(std::size_t n)
{
    n_ = n;
    published_ = completed_ = 0;
    error_.clear();
    pump();
    env_.drive([this] { return completed_ == n_ || !error_.empty(); }, run_timeout, "publish");
    if (!error_.empty()) throw bench_error(error_);
}

void publisher::complete()
{
    if (++completed_ == n_) {
        env_.wake();
    } else if (published_ < n_ && published_ - completed_ + refill_ <= window_ && !pump_posted_) {
        pump();
    }
}

void publisher::pump()
{
    pump_posted_ = false;
    for (std::size_t batch = 0; published_ < n_ && published_ - completed_ < window_; ++batch) {
        if (batch == 1024) {
            pump_posted_ = true;
            asio::post(env_.executor(), [this] { pump(); });
            return;
        }
        ++published_;
        channel_.basic_publish("", routing_key_, client::message(body_), false, [this](std::error_code ec) {
            if (ec) {
                error_ = "publish failed: " + ec.message();
                env_.wake();
            } else if (channel_.publisher_confirms()) {
                complete();
            }
        });
    }
}

}  // namespace amqp::bench::client_bench
