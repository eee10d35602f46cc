#include "burst.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include <memory>
#include <set>

namespace amqp::scenarios {

asio::awaitable<burst_outcome> publish_burst(world& w, client::robust_channel ch, std::string queue, int count,
                                             bool persistent)
{
    auto executor = co_await asio::this_coro::executor;
    auto outcome = std::make_shared<burst_outcome>();
    auto settled = std::make_shared<int>(0);
    for (int i = 0; i < count; ++i) {
        asio::co_spawn(
            executor,
            [](client::robust_channel ch, std::string queue, int i, bool persistent,
               std::shared_ptr<burst_outcome> outcome, std::shared_ptr<int> settled) -> asio::awaitable<void> {
                for (;;) {
                    client::message m(std::to_string(i));
                    if (persistent) m.delivery_mode = client::persistent;
                    std::error_code ec;
                    co_await ch.basic_publish("", queue, std::move(m), false,
                                              asio::redirect_error(asio::use_awaitable, ec));
                    if (!ec) {
                        ++outcome->confirmed;
                        break;
                    }
                    if (!client::is_retriable(ec)) {
                        ++outcome->wrong;
                        break;
                    }
                    ++outcome->retried;
                }
                ++*settled;
            }(ch, queue, i, persistent, outcome, settled),
            asio::detached);
    }
    const bool all = co_await w.until([&] { return *settled == count; }, std::chrono::seconds(30));
    expect(all, "only " + std::to_string(*settled) + " of " + std::to_string(count) + " publishes resolved");
    co_return *outcome;
}

std::size_t distinct_bodies(world& w, const std::string& queue, int count)
{
    std::set<std::string> seen;
    for (const auto& m : w.broker().peek(queue, static_cast<std::size_t>(count) * 4)) seen.insert(m.body);
    return seen.size();
}

}  // namespace amqp::scenarios
