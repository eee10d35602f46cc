// The recovery fixture's world per mode, its run, and the instantiation of every recovery test in both modes.
#include "recovery_fixture.hpp"

#include <string>

namespace amqp::test {
namespace {

harness::world_options options_for(world_mode mode)
{
    harness::world_options options;
    options.mode = mode;
    return options;
}

}  // namespace

recovery_test::recovery_test() : world_(options_for(GetParam())) {}

void recovery_test::run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit)
{
    const bool ok = world_.run([&](harness::world&) { return body(); }, limit);
    ASSERT_TRUE(ok) << world_.log().text();
}

INSTANTIATE_TEST_SUITE_P(, recovery_test, testing::Values(world_mode::tcp, world_mode::simulation),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace amqp::test
