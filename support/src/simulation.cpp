#include <amqp/runtime/simulation.hpp>

namespace amqp::runtime {

simulation_end run_simulation(asio::io_context& io, virtual_clock& clock, const std::function<bool()>& until,
                              duration limit)
{
    const time_point end = clock.now() + limit;
    for (;;) {
        if (until()) return simulation_end::done;
        io.restart();
        if (io.poll_one() > 0) continue;
        const auto next = clock.next_deadline();
        if (!next) return simulation_end::idle;
        if (*next > end) return simulation_end::time_limit;
        clock.advance_to(*next);
    }
}

}  // namespace amqp::runtime
