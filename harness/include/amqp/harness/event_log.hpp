#pragma once

#include <amqp/runtime/clock.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace amqp::harness {

// What happened, one line per event, stamped with a clock's time since the log began.
// Disabled, it records nothing and costs nothing: callers build their line only when
// enabled() (see note()).
class event_log {
public:
    // `sink`, when set, gets each stamped line as it is added (a run that never ends
    // still shows what it did).
    event_log(const runtime::clock& clock, bool enabled, std::function<void(std::string_view)> sink = {});

    bool enabled() const noexcept { return enabled_; }
    void add(std::string_view line);
    // Adds make() when enabled; make is not called otherwise.
    template <class Make>
    void note(Make&& make)
    {
        if (enabled_) add(make());
    }
    const std::vector<std::string>& lines() const noexcept { return lines_; }
    // The lines, each ended by a newline.
    std::string text() const;

private:
    const runtime::clock& clock_;
    runtime::time_point start_;
    bool enabled_;
    std::vector<std::string> lines_;
    std::function<void(std::string_view)> sink_;
};

}  // namespace amqp::harness
