#pragma once

#include <amqp/runtime/virtual_clock.hpp>

#include <asio/io_context.hpp>

#include <functional>

namespace amqp::runtime {

enum class simulation_end {
    done,  // the condition held
    idle,  // nothing left to run and no timer waiting: a deadlock, or the end
    time_limit,  // the next timer lies past the limit of virtual time
};

// Drives a simulation on one thread: runs every ready handler of `io`, and when none is
// left moves `clock` to the next timer's deadline. Returns as soon as `until()` holds
// (checked after each handler), or when the run can go no further.
simulation_end run_simulation(asio::io_context& io, virtual_clock& clock, const std::function<bool()>& until,
                              duration limit);

}  // namespace amqp::runtime
