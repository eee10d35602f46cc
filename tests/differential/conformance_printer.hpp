#pragma once

#include "runner.hpp"

#include <string>
#include <string_view>

namespace amqp::differential {

// The run as a GoogleTest conformance test (tests/conformance's fixture and driver):
// each step sent as the runner sent it, then what the reference broker (the run's
// second) answered during that step, expected on its channel. Names the conversation
// created come from queue_name()/exchange_name(), so the test cleans up after itself.
std::string conformance_test(const run_result& run, std::string_view test_name);

// A C++ string literal for any bytes (escapes that never run into the next character).
std::string cpp_literal(std::string_view bytes);

}  // namespace amqp::differential
