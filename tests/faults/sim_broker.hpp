#pragma once

// A broker in a simulation: the caller's io_context, a virtual clock, no listener;
// connections are in-memory pipes driven by stream_peer. Hours of heartbeats pass in
// microseconds, the same way every run.

#include "stream_peer.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/runtime/memory_pipe.hpp>
#include <amqp/runtime/simulation.hpp>
#include <amqp/runtime/virtual_clock.hpp>

#include <asio/io_context.hpp>

#include <functional>
#include <memory>

namespace amqp::fakebroker::test {

using amqp::test::stream_peer;

class sim_broker {
public:
    explicit sim_broker(broker_options options = {}) : broker_(io, with_clock(std::move(options), clock))
    {
        broker_.start();
    }

    fakebroker::broker& broker() noexcept { return broker_; }

    // A new connection: the broker serves one end, the returned peer holds the other.
    std::unique_ptr<stream_peer> connect(std::string peer_name = "")
    {
        auto [ours, theirs] = runtime::make_memory_pipe(io.get_executor());
        broker_.attach(theirs, std::move(peer_name));
        return std::make_unique<stream_peer>(ours, clock);
    }

    // Runs until `until()` holds; false when it did not within `limit` of virtual time.
    bool run_until(const std::function<bool()>& until, runtime::duration limit)
    {
        return runtime::run_simulation(io, clock, until, limit) == runtime::simulation_end::done;
    }
    // Lets `d` of virtual time pass.
    void run_for(runtime::duration d)
    {
        const auto end = clock.now() + d;
        runtime::run_simulation(io, clock, [] { return false; }, d);
        clock.advance_to(end);
        runtime::run_simulation(io, clock, [] { return false; }, runtime::duration::zero());
    }

    // Declared in this order: the broker uses both while it stops.
    asio::io_context io;
    runtime::virtual_clock clock;

private:
    static broker_options with_clock(broker_options options, runtime::clock& clock)
    {
        options.clock = &clock;
        options.listen = false;
        return options;
    }

    fakebroker::broker broker_;
};

}  // namespace amqp::fakebroker::test
