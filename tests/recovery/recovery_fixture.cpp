#include "recovery_fixture.hpp"

namespace amqp::test {

std::ostream& operator<<(std::ostream& os, transport_mode mode)
{
    return os << (mode == transport_mode::tcp ? "tcp" : "simulation");
}

recovery_test::recovery_test()
    : world_(GetParam() == transport_mode::tcp ? scenarios::world_mode::tcp : scenarios::world_mode::simulation,
             log_)
{
}

void recovery_test::run(std::function<asio::awaitable<void>()> body, std::chrono::seconds limit)
{
    const bool ok = world_.run([&](scenarios::world&) { return body(); }, limit);
    ASSERT_TRUE(ok) << log_.str();
}

}  // namespace amqp::test
