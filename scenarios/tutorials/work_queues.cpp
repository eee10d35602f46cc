// Tutorial 2: new_task.py sends tasks whose dots are seconds of work; two worker.py
// processes share them. With prefetch 1 a busy worker gets no new task until it
// acked the last one, so the tasks are spread fairly; the acks make sure a task is
// never lost. (Here a dot is a millisecond of simulated work.)
#include "scenario.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <map>

namespace amqp::scenarios {
namespace {

const std::vector<std::string> tasks{"First message.", "Second message..", "Third message...", "Fourth message....",
                                     "Fifth message....."};

struct progress {
    std::map<std::string, int> done_by;
    std::size_t done = 0;
    asio::steady_timer all_done;
};

asio::awaitable<void> worker(const context& ctx, std::string name, client::channel channel, progress& p)
{
    client::queue_options durable;
    durable.durable = true;
    auto queue = co_await channel.declare_queue("task_queue", durable);
    co_await channel.set_qos(1);
    auto messages = queue.iterator();
    for (;;) {
        // Ends with an error when the scenario closes the workers' connection.
        auto [ec, task] = co_await messages.next(message_timeout, as_tuple);
        if (ec || !task) co_return;
        ctx.say(name, " [x] Received '" + task->body + "'");
        asio::steady_timer work(ctx.io,
                                std::chrono::milliseconds(std::count(task->body.begin(), task->body.end(), '.')));
        co_await work.async_wait(client::use_awaitable);
        ctx.say(name, " [x] Done");
        expect(!task->ack(), "ack failed");
        ++p.done_by[name];
        if (++p.done == tasks.size()) p.all_done.cancel();
    }
}

}  // namespace

asio::awaitable<void> work_queues(const context& ctx)
{
    auto workers = co_await ctx.connect();
    auto setup = co_await workers.channel();
    client::queue_options durable;
    durable.durable = true;
    co_await setup.declare_queue("task_queue", durable);
    co_await setup.queue_purge("task_queue");

    progress p{{}, 0, asio::steady_timer(ctx.io, 2 * message_timeout)};
    program_group group(ctx.io);
    for (int i = 1; i <= 2; ++i) group.spawn(worker(ctx, "worker " + std::to_string(i), co_await workers.channel(), p));

    auto producer = co_await ctx.connect();
    auto channel = co_await producer.channel();
    for (const auto& task : tasks) {
        client::message m(task);
        m.delivery_mode = client::persistent;  // survives a broker restart in a durable queue
        co_await channel.default_exchange().publish(std::move(m), "task_queue");
        ctx.say("new_task", " [x] Sent '" + task + "'");
    }
    co_await producer.close();

    co_await p.all_done.async_wait(as_tuple);
    co_await workers.close();
    co_await group.wait(message_timeout);
    expect(p.done == tasks.size(),
           "the workers did " + std::to_string(p.done) + " of " + std::to_string(tasks.size()) + " tasks");
    expect(p.done_by.size() == 2, "one worker did every task: dispatch was not fair");
}

}  // namespace amqp::scenarios
