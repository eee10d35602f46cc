#include "recovery_fixture.hpp"

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

}  // namespace amqp::test
