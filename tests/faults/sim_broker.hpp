#pragma once

// A broker in a simulation (harness::world: one io_context, a virtual clock, no
// listener) whose connections are in-memory pipes driven by stream_peer. Hours of
// heartbeats pass in microseconds, the same way every run.

#include "stream_peer.hpp"

#include <amqp/fakebroker/broker.hpp>
#include <amqp/harness/world.hpp>
#include <amqp/runtime/memory_pipe.hpp>

#include <functional>
#include <memory>
#include <string>

namespace amqp::fakebroker::test {

using amqp::test::stream_peer;

class sim_broker {
public:
    explicit sim_broker(broker_options options = {}) : world_(in_simulation(std::move(options))) {}

    fakebroker::broker& broker() noexcept { return world_.broker(); }
    runtime::clock& clock() noexcept { return world_.clock(); }

    // A new connection: the broker serves one end, the returned peer holds the other.
    std::unique_ptr<stream_peer> connect(std::string peer_name = "")
    {
        auto [ours, theirs] = runtime::make_memory_pipe(world_.io().get_executor());
        world_.broker().attach(theirs, std::move(peer_name));
        return std::make_unique<stream_peer>(ours, world_.clock());
    }

    // Runs until `until()` holds; false when it did not within `limit` of virtual time.
    bool run_until(const std::function<bool()>& until, runtime::duration limit)
    {
        return world_.run_until(until, limit) == runtime::simulation_end::done;
    }
    // Lets `d` of virtual time pass.
    void run_for(runtime::duration d) { world_.run_for(d); }

private:
    static harness::world_options in_simulation(broker_options options)
    {
        harness::world_options o;
        o.broker = std::move(options);
        return o;
    }

    harness::world world_;
};

}  // namespace amqp::fakebroker::test
