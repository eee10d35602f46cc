#include <amqp/harness/event_log.hpp>

#include <chrono>
#include <cstdio>
#include <utility>

namespace amqp::harness {

event_log::event_log(const runtime::clock& clock, bool enabled, std::function<void(std::string_view)> sink)
    : clock_(clock), start_(clock.now()), enabled_(enabled), sink_(std::move(sink))
{}

void event_log::add(std::string_view line)
{
    if (!enabled_) return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start_).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%6.3fs  ", static_cast<double>(ms) / 1000.0);
    lines_.push_back(stamp + std::string(line));
    if (sink_) sink_(lines_.back());
}

std::string event_log::text() const
{
    std::string out;
    for (const auto& line : lines_) {
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace amqp::harness
