#pragma once

#include <amqp/client/detail/completion.hpp>
#include <amqp/client/error.hpp>
#include <amqp/runtime/clock.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace amqp::client::detail {

// Operations waiting for a robust connection or channel to recover, kept in the order
// they came, each with a deadline: one still waiting when its deadline passes fails
// with errc::timeout. Op is called as op(const failure&, nullptr).
template <class Op>
class waiting_ops {
public:
    void add(Op op, runtime::clock& clock, const asio::any_io_executor& executor, runtime::duration timeout)
    {
        const std::uint64_t id = next_id_++;
        auto deadline = clock.make_timer(executor);
        // The timer may outlive the queue: it holds the entries weakly.
        deadline->wait_until(clock.now() + timeout, [weak = std::weak_ptr(entries_), id](std::error_code ec) {
            const auto entries = weak.lock();
            if (!entries || ec) return;
            const auto it = entries->find(id);
            if (it == entries->end()) return;
            auto late = std::move(it->second.op);
            entries->erase(it);
            late(failure{errc::timeout,
                         std::make_shared<const close_info>(close_info{0, "the connection did not recover in time"}),
                         nullptr},
                 nullptr);
        });
        entries_->emplace(id, entry{std::move(op), std::move(deadline)});
    }

    // Every op still waiting, oldest first, without its deadline; the queue is empty after.
    std::vector<Op> take_all()
    {
        std::vector<Op> ops;
        ops.reserve(entries_->size());
        for (auto& [id, e] : *entries_) ops.push_back(std::move(e.op));
        entries_->clear();
        return ops;
    }

private:
    struct entry {
        Op op;
        std::unique_ptr<runtime::timer> deadline;
    };

    std::shared_ptr<std::map<std::uint64_t, entry>> entries_ = std::make_shared<std::map<std::uint64_t, entry>>();
    std::uint64_t next_id_ = 0;
};

}  // namespace amqp::client::detail
