// Events as the runner records them, a connect's handshake, and divergences as text, for the differential tests.
#pragma once

#include "transcript.hpp"

#include <amqp/protocol/methods.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace amqp::differential {

inline event command_event(std::size_t step, protocol::method m, int incarnation = 0)
{
    event e;
    e.step = step;
    e.command.method = std::move(m);
    e.incarnation = incarnation;
    return e;
}

inline event socket_closed_event(std::size_t step, int incarnation = 0)
{
    event e;
    e.what = event::kind::socket_closed;
    e.step = step;
    e.incarnation = incarnation;
    return e;
}

// The handshake's three methods, as the runner records them for a connect.
inline void handshake(connection_record& r, std::size_t step, int incarnation)
{
    r.channels[0].push_back(command_event(step, protocol::connection_start{}, incarnation));
    r.channels[0].push_back(command_event(step, protocol::connection_tune{}, incarnation));
    r.channels[0].push_back(command_event(step, protocol::connection_open_ok{}, incarnation));
}

inline std::string describe_all(const std::vector<divergence>& found)
{
    std::string all;
    for (const divergence& d : found) all += d.describe() + "\n";
    return all.empty() ? "none" : all;
}

}  // namespace amqp::differential
